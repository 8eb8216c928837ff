"""Draw and ask, in the trainer: the answer for a drawing against a forward pass written
here in numpy, training rows added exactly (recorded and replayed), and the added rows
saved and read back."""

from __future__ import annotations

import gc
import json
from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.errors import BackpropError
from backprop_tui.live.commands import AddRows, SaveRows, Step, Want
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.drawing import DrawRequest, build_drawing, read_rows, save_rows
from backprop_tui.live.record import decode, encode, read
from backprop_tui.live.snapshot import shown_neurons
from backprop_tui.live.trainer import Trainer
from backprop_tui.replay import replay


def numpy_forward(weights, biases, x: np.ndarray) -> list[np.ndarray]:
    """Every layer's activations for row ``x``: ReLU hidden layers, a softmax output."""
    layers = [np.asarray(x, dtype=np.float64)]
    for index, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = layers[-1] @ w + b
        if index < len(weights) - 1:
            layers.append(np.maximum(z, 0.0))
        else:
            e = np.exp(z - z.max())
            layers.append(e / e.sum())
    return layers


def digits_session(steps: int = 40):
    session, _ = build_session(PRESETS["digits"].config)
    session.run(steps)
    return session


def test_the_answer_is_a_forward_pass_of_the_drawing():
    session = digits_session()
    x = session.x_test[7]
    drawing = build_drawing(session, DrawRequest(tuple(x.tolist()), test_row=11, serial=5))
    assert drawing is not None and drawing.serial == 5 and drawing.step == 40
    layers = numpy_forward([w.copy() for w in session.network.weights],
                           [b.copy() for b in session.network.biases], x)
    probabilities = layers[-1]
    best = np.argsort(-probabilities, kind="stable")[:3]
    assert [label for label, _ in drawing.top] == [str(k) for k in best]
    np.testing.assert_allclose([p for _, p in drawing.top], probabilities[best], rtol=1e-9)
    for layer, shown in zip(layers, drawing.topology.shown, strict=True):
        assert shown == shown_neurons(len(layer))
    for layer, activations, shown in zip(layers, drawing.topology.activations,
                                         drawing.topology.shown, strict=True):
        np.testing.assert_allclose(activations, layer[list(shown)], rtol=1e-9, atol=1e-12)
    assert drawing.test is not None and drawing.test.row == 11
    assert drawing.test.label == str(int(session.dataset.y_test[11].argmax()))
    np.testing.assert_array_equal(drawing.test.pixels, session.x_test[11].reshape(8, 8))


def test_no_answer_off_image_data_sets_or_for_another_canvas_size():
    adder, _ = build_session(PRESETS["adder"].config)
    assert build_drawing(adder, DrawRequest((0.0,) * adder.network.sizes[0])) is None
    assert build_drawing(digits_session(0), DrawRequest((0.0,) * 784)) is None


def test_added_rows_join_the_training_set_exactly_and_not_the_test_set():
    session = digits_session(0)
    x_train, y_train, x_test, y_test = (session.x_train.copy(), session.y_train.copy(),
                                        session.x_test.copy(), session.y_test.copy())
    rows = np.full((2, 64), 0.25)
    targets = np.eye(10)[[3, 8]]
    session.add_rows(rows, targets)
    n = len(x_train)
    assert session.x_train.shape == (n + 2, 64) and session.y_train.shape == (n + 2, 10)
    np.testing.assert_array_equal(session.x_train[:n], x_train)
    np.testing.assert_array_equal(session.x_train[n:], rows)
    np.testing.assert_array_equal(session.y_train[n:], targets)
    np.testing.assert_array_equal(session.y_train[:n], y_train)
    np.testing.assert_array_equal(session.x_test, x_test)
    np.testing.assert_array_equal(session.y_test, y_test)
    assert sorted(session.epoch_order.tolist()) == list(range(n + 2))  # trained this epoch
    assert session.epoch_progress == 0.0
    seen = []
    while session.epoch == 0:
        seen += session.next_rows().tolist()
        session.step()
    assert {n, n + 1} <= set(seen) and len(seen) == n + 2


@pytest.mark.parametrize(("x", "y"), [(np.zeros((1, 63)), np.eye(10)[[1]]),
                                      (np.zeros((2, 64)), np.eye(10)[[1]]),
                                      (np.zeros((1, 64)), np.zeros((1, 9))),
                                      (np.zeros(64), np.eye(10)[1])])
def test_rows_of_the_wrong_shape_are_refused(x, y):
    session = digits_session(0)
    rows = len(session.x_train)
    with pytest.raises(BackpropError, match="rows need 64 inputs, 10 targets"):
        session.add_rows(x, y)
    assert len(session.x_train) == rows == len(session.y_train)


def test_adding_rows_is_recorded_and_replays(tmp_path):
    path = tmp_path / "run.jsonl"
    trainer = Trainer(replace(PRESETS["digits"].config, paused=True, record=str(path)))
    pixels = tuple(np.linspace(0, 1, 64).round(4).tolist())
    one_hot = tuple(float(k == 4) for k in range(10))
    trainer.apply(Step(5))
    trainer.apply(AddRows((pixels,), (one_hot,)))
    assert trainer.notes[-1].startswith("added 1 row labelled 4 to the training set")
    trainer.apply(Step(7))
    weights = trainer.session.network.flat.copy()
    x_train = trainer.session.x_train.copy()
    trainer.close()
    del trainer
    gc.collect()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[2] == {"step": 5, "command": "AddRows",
                        "args": {"features": [list(pixels)], "targets": [list(one_hot)]}}
    replayed = replay(read(path)).session
    np.testing.assert_array_equal(replayed.x_train, x_train)
    assert (replayed.network.flat == weights).all()


def test_a_recorded_add_reads_back_as_tuples_and_bad_values_are_one_line():
    command = AddRows(((0.0, 1.0),), ((1.0, 0.0),))
    line = json.loads(json.dumps(encode(3, command)))
    assert decode(line["command"], line["args"]) == command
    with pytest.raises(BackpropError, match="AddRows takes features, targets"):
        decode("AddRows", {"features": [["ink"]], "targets": [[1.0]]})


def test_added_rows_are_saved_and_read_back(tmp_path):
    trainer = Trainer(replace(PRESETS["digits"].config, paused=True))
    with pytest.raises(BackpropError, match="no rows were added"):
        save_rows(trainer.session, str(tmp_path / "none.npz"))
    rows = np.eye(64)[[5, 9]]
    trainer.apply(AddRows(tuple(map(tuple, rows)), tuple(map(tuple, np.eye(10)[[2, 7]]))))
    path = tmp_path / "rows.npz"
    trainer.apply(SaveRows(str(path)))
    assert trainer.notes[-1] == f"saved the 2 added training rows to {path}"
    features, targets = read_rows(str(path), 64, 10)
    np.testing.assert_array_equal(features, rows)
    np.testing.assert_array_equal(targets, np.eye(10)[[2, 7]])
    with pytest.raises(BackpropError, match="this network takes 784"):
        read_rows(str(path), 784, 10)
    (tmp_path / "other.npz").write_bytes(b"not a zip")
    with pytest.raises(BackpropError, match="not a file of added training rows"):
        read_rows(str(tmp_path / "other.npz"), 64, 10)
    with pytest.raises(BackpropError, match="no such file"):
        read_rows(str(tmp_path / "missing.npz"), 64, 10)


def test_the_trainer_adds_the_answer_to_snapshots_while_wanted():
    trainer = Trainer(replace(PRESETS["digits"].config, paused=True))
    trainer.apply(Want("draw", DrawRequest((0.0,) * 64, serial=2)))
    assert trainer.snapshot().extras["draw"].serial == 2
    trainer.apply(Want("draw", None))
    assert "draw" not in trainer.snapshot().extras
