"""The -post presets against the posts' own set-ups, as the posts write them.

``WRITTEN`` copies each post's figures from the post (not from the code); every test checks
the project's table (live/posts.py), the built preset and the built session against it.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from sklearn.preprocessing import MinMaxScaler

from backprop_tui import data
from backprop_tui.engine.io import load
from backprop_tui.headless import train
from backprop_tui.live.commands import Configure, Reset, Run
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.posts import POSTS
from backprop_tui.live.trainer import Trainer

WRITTEN = {
    "adder-post": dict(
        post="Simple backpropogation in Python and numpy", sizes=(8, 12, 12, 4),
        hidden="sigmoid", output="sigmoid", loss="mse", bias=True, init="U[0,1)",
        optimizer="sgd", learning_rate=0.1, batch_size=1, epochs=100_000, train=45, test=19),
    "regression-post": dict(
        sizes=(10, 60, 140, 50, 10, 1), hidden="sigmoid", output="sigmoid", loss="mse",
        bias=False, init="N(0,1)", optimizer="sgd", learning_rate=0.05, batch_size=1,
        epochs=100, train=50),
    "mnist-post": dict(
        post="Neural Network from Scratch", sizes=(784, 16, 10), hidden="relu",
        output="sigmoid", loss="mse", bias=True, init="N(0,1)·0.1", optimizer="sgd",
        learning_rate=0.1, batch_size=64, epochs=50, test_size=0.33),
}
INIT_NAMES = {"U[0,1)": "uniform", "N(0,1)": "normal", "N(0,1)·0.1": "normal0.1"}


def check_draws(values: np.ndarray, init: str) -> None:
    """``values`` look like draws from the distribution the post names (4-sigma bounds)."""
    n = values.size
    if init == "U[0,1)":
        assert values.min() >= 0 and values.max() < 1
        assert abs(values.mean() - 0.5) < 4 * np.sqrt(1 / 12 / n)
        assert abs(values.std() - np.sqrt(1 / 12)) < 0.08
    else:
        scale = 0.1 if init == "N(0,1)·0.1" else 1.0
        assert abs(values.mean()) < 4 * scale / np.sqrt(n)
        assert abs(values.std() / scale - 1) < 4 / np.sqrt(2 * n)
        assert values.min() < 0 < values.max()


@pytest.mark.parametrize("name", list(WRITTEN))
def test_table_lists_the_post_as_written(name):
    written, table = WRITTEN[name], POSTS[name]
    if "post" in written:
        assert table.post == written["post"]
    for key in ("sizes", "hidden", "output", "loss", "bias", "optimizer", "learning_rate",
                "batch_size", "epochs"):
        assert getattr(table, key) == written[key], key
    assert table.init == INIT_NAMES[written["init"]]
    assert table.expect and "as in the post" in table.expect


@pytest.mark.parametrize("name", list(WRITTEN))
def test_built_session_is_the_post_set_up(name):
    written = WRITTEN[name]
    config = PRESETS[name].config
    assert config.epochs == written["epochs"]
    session, _ = build_session(config)
    net, hyper = session.network, session.hyper
    if name != "mnist-post":  # MNIST may be absent: digits stand in (64 inputs)
        assert net.sizes == written["sizes"]
    assert net.sizes[1:] == written["sizes"][1:]
    assert net.hidden.name == written["hidden"] and net.loss.output.name == written["output"]
    assert net.loss.name == written["loss"] and net.bias == written["bias"]
    assert (hyper.optimizer, hyper.learning_rate, hyper.batch_size) == (
        written["optimizer"], written["learning_rate"], written["batch_size"])
    assert hyper.l2 == hyper.l1 == hyper.clip == hyper.dropout == 0
    weights = np.concatenate([w.ravel() for w in net.weights])
    check_draws(weights, written["init"])
    biases = np.concatenate(net.biases)
    if written["bias"]:
        check_draws(biases, written["init"])
    else:
        assert net.flat.size == weights.size
        np.testing.assert_array_equal(biases, 0.0)
    # ½·squared error, averaged over the batch: the posts' cost
    x, y = session.x_train[:5], session.y_train[:5]
    expected = 0.5 * ((net.predict(x) - y) ** 2).sum() / len(y)
    assert net.cost(x, y) == pytest.approx(expected, rel=1e-12)
    if "train" in written:
        assert len(session.x_train) == written["train"]
    if "test" in written:
        assert len(session.x_test) == written["test"]


def test_regression_post_data_are_raw_normal_draws():
    session, _ = build_session(PRESETS["regression-post"].config)
    x, y = session.x_train, session.y_train
    assert x.shape == (50, 10) and y.shape == (50, 1)
    assert session.dataset.target_scale == 1.0
    # not standardised: the sample moments are those of N(0, 1) draws, not exactly 0 and 1
    assert 0 < abs(x.mean()) < 4 / np.sqrt(x.size) and abs(x.std() - 1) < 0.1
    assert abs(y.mean()) > 1e-9 and abs(y.std() - 1) < 0.3
    assert (y < 0).any() and (y > 0).any()
    # the labels are not a function of the inputs: no linear fit explains them
    fit = np.linalg.lstsq(np.c_[x, np.ones(50)], y, rcond=None)[1][0]
    assert fit / ((y - y.mean()) ** 2).sum() > 0.5


def test_regression_post_can_never_reach_a_negative_label(tmp_path, capsys):
    """The post's lesson: a sigmoid output stays in (0, 1) whatever the training does; and
    ``train`` without --epochs/--steps runs the preset's own epochs (here cut to 5)."""
    saved = tmp_path / "post.npz"
    config = replace(PRESETS["regression-post"].config, epochs=5)
    assert train(config, {"json": True, "quiet": True, "save": str(saved)}) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["epochs"] == 5 and summary["steps"] == 5 * 50
    session, _ = build_session(config)
    network, _ = load(saved)
    predictions = network.predict(session.x_train)
    assert (predictions > 0).all() and (predictions < 1).all()
    assert (session.y_train < 0).sum() >= 10  # labels it cannot reach


def test_mnist_post_scales_and_splits_as_the_post():
    """Min-max scaling of each split (as the post fits MinMaxScaler) and a 2/3 train split."""
    session, note = build_session(PRESETS["mnist-post"].config)
    total = len(session.x_train) + len(session.x_test)
    assert len(session.x_test) / total == pytest.approx(0.33, abs=0.002)
    if "digits" in note:
        plain = data.load("digits", train_ratio=0.67)
        for split, raw in ((session.x_train, plain.x_train), (session.x_test, plain.x_test)):
            np.testing.assert_allclose(split, MinMaxScaler().fit_transform(raw), atol=1e-12)


@pytest.mark.parametrize("name", list(WRITTEN))
def test_trainer_says_what_to_expect_until_the_first_command(name):
    trainer = Trainer(replace(PRESETS[name].config, paused=True))
    assert trainer.message == POSTS[name].expect
    trainer.apply(Run(True))
    assert trainer.message == ""
    trainer.apply(Configure(PRESETS[name].config))
    assert trainer.message == POSTS[name].expect
    trainer.apply(Reset())
    assert trainer.message.endswith(" — " + POSTS[name].expect)
    assert Trainer(replace(PRESETS["adder"].config, paused=True)).message == ""


def test_lab_refuses_a_bias_the_network_does_not_have():
    from backprop_tui.errors import BackpropError
    from backprop_tui.live.lab import set_bias

    session, _ = build_session(PRESETS["regression-post"].config)
    with pytest.raises(BackpropError, match="no biases"):
        set_bias(session, (1, 0), 0.5)
    np.testing.assert_array_equal(session.network.biases[0], 0.0)
