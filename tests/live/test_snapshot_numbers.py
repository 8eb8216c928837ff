"""The snapshot's figures against computations written here from the weights and data."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import replace

import numpy as np
import pytest
from rich.console import Console

from backprop_tui.app.widgets.predictions import PredictionsPicture
from backprop_tui.app.widgets.status import status_text
from backprop_tui.engine import OPTIMIZERS
from backprop_tui.errors import BackpropError
from backprop_tui.live.breakpoints import probe_rows
from backprop_tui.live.commands import Nudge
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.snapshot import take_snapshot
from backprop_tui.live.trainer import Trainer

DECAY_SYMBOLS = {"μ", "β₁", "β₂", "ρ"}
"""Written out here: how the status names each decay rate."""


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_update_ratio_is_the_step_taken_over_the_weights_after_it(optimizer):
    config = PRESETS["adder"].config
    session, _ = build_session(replace(config, hyper=replace(config.hyper, optimizer=optimizer,
                                                             learning_rate=0.01)))
    assert all(s.update_ratio == 0 for s in take_snapshot(session).layers)  # no step yet
    session.run(20)
    before = [w.copy() for w in session.network.weights]
    session.step()
    after = session.network.weights
    shown = [s.update_ratio for s in take_snapshot(session).layers]
    expected = [np.linalg.norm(a - b) / np.linalg.norm(a)
                for a, b in zip(after, before, strict=True)]
    np.testing.assert_allclose(shown, expected, rtol=1e-9)
    assert all(1e-6 < r < 1 for r in shown)


def test_output_saturation_counts_only_wrong_saturated_outputs():
    session, _ = build_session(PRESETS["adder"].config)
    session.run(300)
    out_layer = take_snapshot(session).layers[-1]
    assert out_layer.output and not any(s.output for s in take_snapshot(session).layers[:-1])
    rows = probe_rows(session)
    a = session.network.predict(session.x_train[rows])
    y = session.y_train[rows]
    saturated = (a < 0.01) | (a > 0.99)
    assert out_layer.inactive == pytest.approx(np.mean(saturated))
    assert out_layer.wrong_saturated == pytest.approx(np.mean(saturated & (abs(a - y) > 0.5)))


@pytest.mark.parametrize(("optimizer", "field", "label", "up", "down"), [
    ("momentum", "momentum", "μ", 0.95, 0.5),
    ("nesterov", "momentum", "μ", 0.95, 0.5),
    ("adam", "beta1", "β₁", 0.95, 0.8),
    ("rmsprop", "rho", "ρ", 0.95, 0.8),
])
def test_m_moves_only_the_decay_rate_the_optimizer_uses(optimizer, field, label, up, down):
    hyper = dataclasses.replace(PRESETS["adder"].config.hyper, optimizer=optimizer, momentum=0.9,
                                beta1=0.9, rho=0.9)
    trainer = Trainer(dataclasses.replace(PRESETS["adder"].config, hyper=hyper, paused=True))
    before = trainer.session.hyper
    for direction, expected in ((1, up), (-1, 0.9), (-1, down)):
        trainer.apply(Nudge("momentum", direction))
        after = trainer.session.hyper
        assert getattr(after, field) == expected
        assert dataclasses.replace(after, **{field: getattr(before, field)}) == before
        shown = str(status_text(trainer.snapshot(), 200))
        assert f"{label} {expected:g}" in shown
    others = set(DECAY_SYMBOLS) - {label, "β₂" if optimizer == "adam" else label}
    assert not any(f" {other} " in f" {shown}" for other in others)


def test_sgd_says_it_has_no_decay_rate_and_changes_nothing():
    hyper = dataclasses.replace(PRESETS["adder"].config.hyper, optimizer="sgd")
    trainer = Trainer(dataclasses.replace(PRESETS["adder"].config, hyper=hyper, paused=True))
    before = trainer.session.hyper
    with pytest.raises(BackpropError, match="sgd has no momentum or decay rate"):
        trainer.apply(Nudge("momentum", 1))
    assert trainer.session.hyper == before
    assert not any(label in str(status_text(trainer.snapshot(), 200))
                   for label in DECAY_SYMBOLS)


@pytest.mark.parametrize("preset", ["adder", "digits", "circle"])
def test_wrong_count_and_status_metric_come_from_the_same_weights(preset):
    session, _ = build_session(PRESETS[preset].config)
    session.run(150)  # mid-epoch for digits: the last epoch's weights are not these
    snap = take_snapshot(session)
    output = session.network.predict(session.x_test)
    y = session.y_test
    if session.dataset.task == "bits":
        wrong = int(np.sum(~((output > 0.5) == (y > 0.5)).all(axis=1)))
        accuracy = snap.measured["word_accuracy"]
    else:
        wrong = int(np.sum(output.argmax(axis=1) != y.argmax(axis=1)))
        accuracy = snap.measured["accuracy"]
    n = len(session.x_test)
    assert snap.pool == snap.test_rows == n and snap.measured_step == 150
    assert snap.wrong == wrong == round((1 - accuracy) * n)
    status, _ = status_text(snap, 200).plain.split("\n")
    assert f"{100 * accuracy:.1f} %" in status and "(test @150)" in status
    header = picture_lines(snap, 200)[0]
    assert header.startswith(f"test @150: {wrong} of {n} wrong")


def picture_lines(snap, width):
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(PredictionsPicture(snap))
    return console.export_text().splitlines()
