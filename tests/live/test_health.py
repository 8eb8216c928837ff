"""The per-layer health history against a numpy forward and backward pass written here, its
bound and thinning, and how rewinds and resets cut it."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from engine.conftest import make_dataset

from backprop_tui.engine import Hyperparameters, Network, TrainingSession
from backprop_tui.live.commands import Reset, Rewind, Step, Want
from backprop_tui.live.config import PRESETS
from backprop_tui.live.health import HealthHistory, HealthSeries
from backprop_tui.live.trainer import Trainer

L2 = 1e-3


def tiny_session(hidden: str = "relu", **hyper: object) -> TrainingSession:
    settings = {"batch_size": 8, "optimizer": "adam", "learning_rate": 0.05, "l2": L2} | hyper
    return TrainingSession(make_dataset(rows=60, inputs=5, outputs=3),
                           Network((5, 4, 3), hidden=hidden, seed=3), Hyperparameters(**settings))


def reference(x: np.ndarray, y: np.ndarray, w0, b0, w1, b1):
    """ReLU hidden layer, softmax + cross-entropy (mean over rows), L2 on the weights:
    the hidden pre-activations and activations and ∂C/∂W per layer."""
    z1 = x @ w0 + b0
    a1 = np.maximum(z1, 0)
    z2 = a1 @ w1 + b1
    p = np.exp(z2 - z2.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    delta2 = (p - y) / len(x)
    delta1 = delta2 @ w1.T * (z1 > 0)
    return z1, a1, (x.T @ delta1 + L2 * w0, a1.T @ delta2 + L2 * w1)


def ratios(after: list[np.ndarray], before: list[np.ndarray]) -> list[float]:
    """‖ΔW‖/‖W after‖ per layer."""
    return [np.linalg.norm(a - b) / np.linalg.norm(a) for a, b in zip(after, before, strict=True)]


def test_a_recorded_step_matches_numpy_done_here():
    session, history = tiny_session(), HealthHistory(budget=math.inf)
    for _ in range(5):  # some steps first, so the weights are not the initial ones
        session.step()
    rows = session.next_rows()
    x, y = session.x_train[rows], session.y_train[rows]
    before = [w.copy() for w in session.network.weights]
    z1, a1, grads = reference(x, y, before[0], session.network.biases[0].copy(), before[1],
                              session.network.biases[1].copy())
    session.step(keep=True)
    history.record(session)

    after = session.network.weights
    assert history.steps().tolist() == [6]
    np.testing.assert_allclose(history.series("update_ratio")[0], ratios(after, before),
                               rtol=1e-9)
    np.testing.assert_allclose(history.series("grad_norm")[0],
                               [np.linalg.norm(g) for g in grads], rtol=1e-9)
    mean, std, dead, output = (history.series(m)[0] for m in
                               ("activation_mean", "activation_std", "inactive", "grad_norm"))
    assert mean[0] == pytest.approx(a1.mean()) and std[0] == pytest.approx(a1.std())
    assert dead[0] == pytest.approx(np.mean(np.all(z1 <= 0, axis=0)))
    assert np.isnan(mean[1]) and np.isnan(std[1]) and np.isnan(dead[1])  # the output layer
    assert history.activations == ("relu", "softmax") and output.shape == (2,)


def test_saturated_tanh_units_are_counted_as_outputs_near_their_limits():
    session, history = tiny_session("tanh", learning_rate=1.0), HealthHistory(budget=math.inf)
    session.network.weights[0][:] *= 20  # push the hidden units into saturation
    rows = session.next_rows()
    z1 = session.x_train[rows] @ session.network.weights[0] + session.network.biases[0]
    session.step(keep=True)
    history.record(session)
    expected = np.mean(np.abs(np.tanh(z1)) > 0.99)
    assert expected > 0.3
    assert history.series("inactive")[0, 0] == pytest.approx(expected)


def test_a_step_that_kept_no_gradient_is_not_recorded():
    session, history = tiny_session(), HealthHistory(budget=math.inf)
    session.step()
    history.record(session)
    assert len(history) == 0


def test_memory_stays_bounded_and_kept_rows_are_the_values_measured_then():
    session, history = tiny_session(), HealthHistory(capacity=16, budget=math.inf)
    measured = {}
    for _ in range(1000):
        before = session.network.flat.copy()
        due = history.due(session)
        session.step(keep=due)
        history.record(session)
        if due:
            w_before = session.network.layer_views(before)[0]
            measured[session.step_count] = ratios(session.network.weights, w_before)
    steps = history.steps()
    assert len(history) <= 16 and steps[0] == 1 and steps[-1] > 1000 - 2 * history.gap
    assert len(measured) < 1000 / 8  # recording thinned out as the run grew
    np.testing.assert_allclose(history.series("update_ratio"),
                               [measured[s] for s in steps], rtol=1e-9)
    spacing = np.diff(steps)
    assert spacing.max() <= 4 * np.median(spacing)  # rows spread over the whole run


def test_within_its_time_budget_the_step_after_a_recording_is_not_due():
    session, history = tiny_session(), HealthHistory(budget=1e-9)  # waits 1e9 × its cost
    assert history.due(session)
    session.step(keep=True)
    history.record(session)
    assert len(history) == 1 and not history.due(session)
    session.step()
    history.record(session)
    assert len(history) == 1


@pytest.fixture
def trainer() -> Trainer:
    trainer = Trainer(replace(PRESETS["adder"].config, paused=True))
    trainer.memo.health = HealthHistory(budget=math.inf)
    return trainer


def test_a_rewind_drops_the_later_rows_and_a_reset_empties_it(trainer):
    trainer.apply(Step(400))
    assert trainer.memo.health.steps()[-1] == 400
    trainer.apply(Rewind())  # to the checkpoint at step 250
    trainer.apply(Want("health", 50))
    shown = trainer.snapshot().extras["health"]
    assert isinstance(shown, HealthSeries) and shown.step == 250
    assert shown.steps[-1] == 250 and len(shown.steps) <= 50
    trainer.apply(Step(3))
    assert trainer.memo.health.steps()[-4:].tolist() == [250, 251, 252, 253]
    trainer.apply(Reset())
    trainer.apply(Step(2))
    assert trainer.memo.health.steps().tolist() == [1, 2] and trainer.memo.health.gap == 1


def test_the_view_spreads_its_rows_over_the_run_and_keeps_the_ends(trainer):
    trainer.apply(Step(300))
    view = trainer.memo.health.view(300, 20)
    assert len(view.steps) == 20 and view.steps[0] == 1 and view.steps[-1] == 300
    assert all(v.shape == (20, 3) for v in view.values.values())
    assert HealthHistory().view(0, 20).steps.shape == (0,)
