"""Overfit one batch: healthy presets fit their next mini-batch, a zeroed gradient cannot,
and the live session is bit-identical afterwards (the check trains a throw-away copy)."""

from __future__ import annotations

import copy
import pickle
from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.live.commands import OverfitBatch, Step
from backprop_tui.live.config import PRESETS
from backprop_tui.live.overfit import MAX_STEPS, OverfitReport, overfit_batch
from backprop_tui.live.trainer import Trainer


def trainer(preset: str, steps: int = 20, **changes: object) -> Trainer:
    made = Trainer(replace(PRESETS[preset].config, paused=True, **changes))
    made.apply(Step(steps))
    return made


def check(made: Trainer) -> OverfitReport:
    made.apply(OverfitBatch())
    report, made.reply = made.reply, None
    assert isinstance(report, OverfitReport)
    return report


def zeroed(network, x, y, l2, l1) -> list[np.ndarray]:
    """A broken backprop: every gradient is zero."""
    return [np.zeros_like(p) for p in network.params]


def batch_cost(made: Trainer, rows: np.ndarray) -> float:
    """The batch's cost from the network's output, written out here: mean over rows of
    −Σ[t·ln p + (1−t)·ln(1−p)] (sigmoid outputs) or −Σ t·ln p (softmax)."""
    session = made.session
    x, t = session.x_train[rows], session.y_train[rows]
    p = np.clip(session.network.predict(x), 1e-12, 1 - 1e-12)
    if session.network.loss.output.name == "softmax":
        return float(-(t * np.log(p)).sum(axis=1).mean())
    return float(-(t * np.log(p) + (1 - t) * np.log(1 - p)).sum(axis=1).mean())


@pytest.mark.parametrize("preset", ["adder", "digits", "circle"])
def test_healthy_presets_fit_one_batch_within_the_budget(preset):
    made = trainer(preset)
    rows = made.session.next_rows().copy()
    report = check(made)
    assert report.passed and report.verdict.startswith("fits one batch")
    assert 0 < report.steps < MAX_STEPS
    assert report.batch == len(rows)
    assert report.start_cost == pytest.approx(batch_cost(made, rows), rel=1e-6)
    assert report.final_cost < max(0.01 * report.start_cost, 0.02) <= report.costs[-2]
    assert report.costs[0] == report.start_cost and report.costs[-1] == report.final_cost
    assert 2 <= len(report.costs) <= 48
    assert report.step == 20


def test_a_zeroed_gradient_cannot_fit_and_says_what_to_check():
    made = trainer("adder", steps=0)  # Adam's moments are still zero: nothing moves
    made.gradient_source = zeroed
    report = check(made)
    assert not report.passed
    assert report.steps == MAX_STEPS
    assert report.final_cost == report.start_cost  # nothing moved
    assert report.verdict.startswith("cannot fit one batch")
    assert f"a network that cannot fit {report.batch} rows is broken" in report.verdict
    assert "check the gradient (c), the learning rate, the activations" in report.verdict


def test_a_diverging_copy_fails_with_the_step_it_diverged_at():
    made = trainer("circle", hyper=replace(PRESETS["circle"].config.hyper, learning_rate=1e4))
    report = overfit_batch(made.session)
    assert not report.passed and "diverged at step" in report.verdict


def live_state(made: Trainer) -> bytes:
    """Everything the check must leave alone, as bytes: weights, optimizer state, step and
    epoch counters, the epoch's order and cursor, and the random generators' states."""
    session = made.session
    return pickle.dumps((
        session.network.flat.tobytes(), copy.deepcopy(vars(session.optimizer)),
        session.step_count, session.epoch, session.samples_seen, session._cursor,
        session._order.tobytes(), session._shuffle_rng.bit_generator.state,
        session._dropout_rng.bit_generator.state, len(session.cost_history),
        made.running,
    ))


@pytest.mark.parametrize("preset", ["adder", "circle"])
def test_the_live_session_is_bit_identical_afterwards(preset):
    hyper = replace(PRESETS[preset].config.hyper, dropout=0.2)
    made = trainer(preset, steps=7, hyper=hyper)
    before = live_state(made)
    twin = trainer(preset, steps=7, hyper=hyper)
    check(made)
    assert live_state(made) == before
    made.apply(Step(30))  # and it trains on exactly as an unchecked twin does
    twin.apply(Step(30))
    np.testing.assert_array_equal(made.session.network.flat, twin.session.network.flat)


def test_the_command_is_not_recorded_and_the_reply_crosses_a_pipe():
    assert not OverfitBatch.RECORDED
    report = check(trainer("adder"))
    assert pickle.loads(pickle.dumps(report)) == report
