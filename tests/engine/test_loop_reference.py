"""Schedules, reshuffling, clipping and early stopping against rules written out here.

Full-batch runs (batch size ≥ the trained rows) make every step one epoch whatever the row
order, so plain SGD written out in the test follows the session weight for weight.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_tui.data.base import Dataset
from backprop_tui.engine import Hyperparameters, Network, Stopped, TrainingSession

from .conftest import make_dataset
from .references import gradient, load, parameters


def full_batch(dataset: Dataset, network: Network, **hyper: object) -> TrainingSession:
    settings = Hyperparameters(batch_size=len(dataset.x_train), **hyper)  # type: ignore[arg-type]
    return TrainingSession(dataset, network, settings, seed=5)


def follow(session: TrainingSession, reference: Network, rate: float) -> None:
    """One SGD epoch of both: the session's and p ← p − η·∇C on the reference."""
    x, y = session.dataset.x_train, session.dataset.y_train
    assert session.effective_learning_rate == pytest.approx(rate, rel=1e-12)
    load(reference, parameters(reference) - rate * gradient(reference, x, y))
    session.run_epoch()
    np.testing.assert_allclose(parameters(session.network), parameters(reference),
                               rtol=1e-10, atol=1e-13)


def step_rate(lr: float, decay: float, every: int, epoch: int) -> float:
    return lr * decay ** (epoch // every)


def cosine_rate(lr: float, epochs: int, epoch: int) -> float:
    return lr / 2 * (1 + math.cos(math.pi * min(epoch, epochs) / epochs))


@pytest.mark.parametrize(("schedule", "settings", "rate"), [
    ("step", {"decay": 0.5, "decay_every": 4}, lambda e: step_rate(0.2, 0.5, 4, e)),
    ("cosine", {"schedule_epochs": 12}, lambda e: cosine_rate(0.2, 12, e)),
    ("constant", {}, lambda e: 0.2),
])
def test_schedules_follow_their_formulas(schedule, settings, rate):
    dataset = make_dataset(rows=30)
    network = Network("5-4-3", seed=1)
    reference = network.copy()
    session = full_batch(dataset, network, learning_rate=0.2, schedule=schedule, **settings)
    epochs = 18
    for epoch in range(epochs):
        follow(session, reference, rate(epoch))
    expected = [rate(e) for e in range(epochs)]
    np.testing.assert_allclose(session.epoch_history.column("learning_rate"), expected,
                               rtol=1e-12, atol=1e-15)
    assert len(set(np.round(expected, 12))) >= 3 or schedule == "constant"


def test_adaptive_divides_by_five_after_two_epochs_without_progress():
    """scikit-learn's documented rule: an epoch is bad when its mean training cost is not at
    least ``tol`` below the best so far; two bad epochs in a row divide η by 5."""
    dataset = make_dataset(rows=30)
    network = Network("5-4-3", seed=1)
    reference = network.copy()
    lr, tol = 0.3, 0.02
    session = full_batch(dataset, network, learning_rate=lr, schedule="adaptive", tol=tol)
    x, y = dataset.x_train, dataset.y_train
    best, bad, divisions, rates = math.inf, 0, 0, []
    for _ in range(30):
        rates.append(lr / 5**divisions)
        cost = reference.cost(x, y)  # full batch: the epoch's mean cost is its one step's
        follow(session, reference, rates[-1])
        bad = bad + 1 if cost > best - tol else 0
        best = min(best, cost)
        if bad == 2:
            divisions, bad = divisions + 1, 0
    np.testing.assert_allclose(session.epoch_history.column("learning_rate"), rates, rtol=1e-12)
    assert len(set(rates)) >= 3 and rates.count(lr) >= 3


def one_hot_rows(rows: int) -> Dataset:
    """Row i's input is the i-th unit vector, so a step moves only the first-layer weights of
    the rows in its batch: the weights tell which rows were trained on."""
    targets = np.random.default_rng(0).standard_normal((rows, 2))
    eye = np.eye(rows)
    return Dataset("rows", eye, targets, eye[:3], targets[:3], "regression", "linear", "mse",
                   describe=lambda x, y, p: "")


def trained_rows(session: TrainingSession) -> set[int]:
    before = session.network.weights[0].copy()
    session.step()
    return set(np.flatnonzero((session.network.weights[0] != before).any(axis=1)).tolist())


@pytest.mark.parametrize(("batch_size", "early_stopping"), [(1, False), (3, False), (4, True)])
def test_each_epoch_is_a_fresh_permutation_of_the_trained_rows(batch_size, early_stopping):
    rows = 12
    dataset = one_hot_rows(rows)
    hyper = Hyperparameters(batch_size=batch_size, learning_rate=0.01,
                            early_stopping=early_stopping, validation_fraction=0.25)
    session = TrainingSession(dataset, Network([rows, 2], output="linear", loss="mse"), hyper)
    trained = sorted(session.train_rows.tolist())
    assert len(trained) == (9 if early_stopping else rows)
    orders = []
    for epoch in range(4):
        batches = [trained_rows(session) for _ in range(session.steps_per_epoch)]
        assert session.epoch == epoch + 1
        assert all(len(b) == batch_size for b in batches[:-1])
        assert sorted(r for b in batches for r in b) == trained  # each row exactly once
        orders.append(batches)
    assert all(a != b for a, b in zip(orders, orders[1:], strict=False))


def test_clipping_scales_the_step_to_exactly_the_clip_norm():
    dataset = make_dataset(rows=30)
    network = Network("5-4-3", seed=1)
    x, y = dataset.x_train, dataset.y_train
    g = gradient(network, x, y)
    clip, lr = 0.25 * float(np.linalg.norm(g)), 0.1
    before = parameters(network)
    session = full_batch(dataset, network, learning_rate=lr, clip=clip)
    session.step()
    change = parameters(network) - before
    assert np.linalg.norm(change) == pytest.approx(lr * clip, rel=1e-12)
    np.testing.assert_allclose(change, -lr * clip * g / np.linalg.norm(g), rtol=1e-9,
                               atol=1e-15)
    small = full_batch(dataset, network.copy(), learning_rate=lr, clip=1e6)  # not over: as is
    before = parameters(small.network)
    g = gradient(small.network, x, y)
    small.step()
    np.testing.assert_allclose(parameters(small.network) - before, -lr * g, rtol=1e-9)


def noisy_dataset() -> Dataset:
    """A linear signal in as much noise: the validation cost soon rises as the network
    overfits."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((48, 3))
    y = x[:, :1] + rng.standard_normal((48, 1))
    return Dataset("noise", x[:40], y[:40], x[40:], y[40:], "regression", "linear", "mse",
                   describe=lambda x, y, p: "")


def test_early_stopping_restores_the_weights_of_the_best_validation_epoch():
    dataset = noisy_dataset()
    network = Network([3, 24, 1], output="linear", loss="mse", seed=2)
    reference = network.copy()
    patience = 4
    session = full_batch(dataset, network, learning_rate=0.05, early_stopping=True,
                         validation_fraction=0.25, patience=patience, tol=0.0)
    trained = session.train_rows
    held_out = np.setdiff1d(np.arange(len(dataset.x_train)), trained)
    assert len(held_out) == 10
    x, y = dataset.x_train[trained], dataset.y_train[trained]
    x_val, y_val = dataset.x_train[held_out], dataset.y_train[held_out]
    weights, costs, bad = [], [], 0
    for _ in range(200):
        load(reference, parameters(reference) - 0.05 * gradient(reference, x, y))
        weights.append(parameters(reference))
        costs.append(0.5 * float(np.mean(np.sum((reference.predict(x_val) - y_val) ** 2,
                                                axis=1))))
        bad = bad + 1 if costs[-1] > min(costs[:-1], default=math.inf) else 0
        if bad == patience:
            break
    stop, best = len(costs), int(np.argmin(costs))
    assert best >= 3 and stop < 200  # it learned, then overfitted
    for _ in range(stop):
        assert session.stopped is None
        session.run_epoch()
    assert session.stopped is not None and session.epoch == stop
    np.testing.assert_allclose(parameters(network), weights[best], rtol=1e-9, atol=1e-12)
    with pytest.raises(Stopped):
        session.step()
