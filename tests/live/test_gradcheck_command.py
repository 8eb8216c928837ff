"""The gradcheck command: per-layer errors on the next batch, and a verdict that can fail."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from backprop_tui.live.commands import GradCheck, Step
from backprop_tui.live.config import PRESETS
from backprop_tui.live.gradcheck import GradientReport
from backprop_tui.live.trainer import Trainer


def trainer(**changes: object) -> Trainer:
    made = Trainer(replace(PRESETS["adder"].config, paused=True, **changes))
    made.apply(Step(5))
    return made


def corrupt_layer_two(network, x, y, l2, l1) -> list[np.ndarray]:
    """Backprop's gradients with the second layer's weight gradient doubled."""
    grads = [g.copy() for g in network.gradients(x, y, l2=l2, l1=l1).grads]
    grads[2] *= 2
    return grads


def check(made: Trainer) -> GradientReport:
    made.apply(GradCheck())
    report, made.reply = made.reply, None
    assert isinstance(report, GradientReport)
    return report


def test_healthy_float64_network_agrees_in_every_layer():
    made = trainer()
    before = made.session.network.flat.copy()
    report = check(made)
    assert report.dtype == "float64" and report.tolerance == 1e-6
    assert report.step == 5 and report.batch == len(made.session.next_rows())  # may be short
    assert [row.shape for row in report.rows] == ["8→32 tanh", "32→32 tanh", "32→4 sigmoid"]
    assert all(row.ok for row in report.rows)
    assert all(max(row.weight_error, row.bias_error) < 1e-6 for row in report.rows)
    assert all(0 < row.checked <= 400 for row in report.rows)
    assert report.verdict.startswith("backprop agrees with finite differences")
    assert report.notes == ()
    np.testing.assert_array_equal(made.session.network.flat, before)  # weights untouched
    assert made.session.step_count == 5


def test_corrupted_gradient_fails_and_names_the_layer():
    made = trainer()
    made.gradient_source = corrupt_layer_two
    report = check(made)
    assert [row.ok for row in report.rows] == [True, False, True]
    assert report.rows[1].weight_error > 0.1
    assert report.verdict.startswith("layer 2 disagrees: error")
    assert "≥ 1e-06" in report.verdict


def test_float32_is_judged_with_a_looser_tolerance_that_it_says():
    report = check(trainer(dtype="float32"))
    assert report.dtype == "float32" and report.tolerance == 1e-2
    assert all(row.ok for row in report.rows)
    assert any("float32 cannot reach 1e-06" in note and "1e-02" in note for note in report.notes)
    assert "< 1e-02" in report.verdict


def test_dropout_is_switched_off_and_said_so():
    hyper = replace(PRESETS["adder"].config.hyper, dropout=0.3)
    report = check(trainer(hyper=hyper))
    assert all(row.ok for row in report.rows)
    assert any("dropout" in note for note in report.notes)


def test_the_next_batch_is_the_one_the_next_step_trains_on():
    session = trainer().session
    size = session.hyper.batch_size
    np.testing.assert_array_equal(session.next_rows(),
                                  session._order[session._cursor:session._cursor + size])
    session._cursor = len(session._order)  # a spent epoch: its first rows
    np.testing.assert_array_equal(session.next_rows(), session._order[:size])
