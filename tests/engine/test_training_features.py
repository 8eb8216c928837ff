"""Dropout, learning-rate schedules and early stopping."""

import functools
import math

import numpy as np
import pytest

from backprop_tui.data.base import Dataset
from backprop_tui.engine import (
    HIDDEN_ACTIVATIONS,
    BackpropError,
    Hyperparameters,
    Network,
    Stopped,
    TrainingSession,
    gradient_check,
    make_schedule,
)
from backprop_tui.engine.io import load, save
from backprop_tui.engine.network import fill_masks

from .conftest import make_dataset
from .test_gradients import batch


def session(dataset, seed=0, hidden="8", **hyper):
    net = Network(f"{dataset.n_inputs}-{hidden}-{dataset.n_outputs}", output=dataset.output,
                  loss=dataset.loss, seed=seed)
    return TrainingSession(dataset, net, Hyperparameters(**hyper), seed=seed)


def full_batch_gradient(s):
    return s.network.gradients(s.x_train, s.y_train).grad.copy()


# -- dropout -------------------------------------------------------------------------------
def test_dropout_changes_training_but_not_evaluation(toy):
    plain, dropped = session(toy, seed=1), session(toy, seed=1, dropout=0.5)
    assert dropped.evaluate() == plain.evaluate()  # same start, no dropout when evaluating
    assert dropped.step() != plain.step()
    assert not np.array_equal(dropped.network.flat, plain.network.flat)
    dropped.run(20)
    x, y = dropped.x_test, dropped.y_test
    probabilities = forward_without_dropout(dropped.network, x)
    for _ in range(2):  # evaluating draws no masks: the same numbers every time
        np.testing.assert_allclose(dropped.network.predict(x), probabilities, rtol=1e-12)
        metrics = dropped.evaluate()
        cross_entropy = -np.mean(np.sum(y * np.log(probabilities), axis=1))
        assert metrics["cost"] == pytest.approx(cross_entropy, rel=1e-12)
        right = np.mean(probabilities.argmax(axis=1) == y.argmax(axis=1))
        assert metrics["accuracy"] == pytest.approx(right)


def forward_without_dropout(network, x):
    """The tanh-softmax network's output, written out here: every hidden unit kept."""
    assert network.hidden.name == "tanh" and network.loss.output.name == "softmax"
    a = x
    for w, b in zip(network.weights[:-1], network.biases[:-1], strict=True):
        a = np.tanh(a @ w + b)
    z = a @ network.weights[-1] + network.biases[-1]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_dropout_masks_are_deterministic_per_seed(toy):
    a = session(toy, seed=5, dropout=0.3, batch_size=7)
    b = session(toy, seed=5, dropout=(0.3,), batch_size=7)  # one rate per layer: the same
    a.run(30)
    b.run(13)
    b.reset()  # the masks restart with the seed too
    b.run(30)
    np.testing.assert_array_equal(a.network.flat, b.network.flat)
    c = session(toy, seed=6, dropout=0.3, batch_size=7)
    c.run(30)
    assert not np.array_equal(a.network.flat, c.network.flat)


def test_masks_drop_the_given_fraction_and_keep_the_expected_output():
    masks = [np.empty((400, 50)), None]
    fill_masks(masks, (0.25, 0.0), np.random.default_rng(0))
    kept = masks[0] != 0
    assert abs(kept.mean() - 0.75) < 0.01 and masks[1] is None
    np.testing.assert_array_equal(masks[0][kept], 1 / 0.75)


@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_gradient_check_with_a_fixed_mask(hidden):
    net = Network("5-7-4-6-3", hidden=hidden, seed=3)
    for b in net.biases:  # non-zero biases keep (leaky) ReLU units off their kink at z = 0
        b[:] = np.random.default_rng(7).normal(0, 0.1, b.shape)
    x, y = batch("softmax")
    rates = (0.5, 0.0, 0.3)
    masks = net.new_masks(len(x), rates)
    fill_masks(masks, rates, np.random.default_rng(1))
    trace = net.gradients(x, y, l2=0.01, masks=masks)
    assert np.all(trace.a[1][masks[0] == 0] == 0) and masks[1] is None
    masked = [g.copy() for g in trace.grads]
    net.cost = functools.partial(net.cost, masks=masks)  # the checker's cost sees the masks
    checks = gradient_check(net, x, y, l2=0.01, gradients=masked)
    assert all(check.error < 1e-6 for check in checks), checks
    unmasked = Network.gradients(net, x, y, l2=0.01).grads
    assert not all(c.ok for c in gradient_check(net, x, y, l2=0.01, gradients=unmasked))


def test_per_layer_dropout_must_match_the_hidden_layers(toy):
    assert Hyperparameters(dropout=0.2).dropout_rates(2) == (0.2, 0.2)
    assert Hyperparameters(dropout=(0.1, 0)).dropout_rates(2) == (0.1, 0)
    assert Hyperparameters().dropout_rates(3) == ()
    with pytest.raises(BackpropError, match="dropout gives 2 rates, but the network has 1"):
        session(toy, dropout=(0.1, 0.2))
    s = session(toy, hidden="6-4", dropout=(0.2, 0.0))
    s.run(5)
    with pytest.raises(BackpropError, match="dropout gives 3 rates"):
        s.set_hyperparameters(dropout=(0.1, 0.1, 0.1))
    assert s.hyper.dropout == (0.2, 0.0)
    s.set_network(Network("5-6-3", output=toy.output, loss=toy.loss))
    with pytest.raises(BackpropError, match="dropout gives 2 rates, but the network has 1"):
        s.step()  # checked against the new network when it trains
    s.set_hyperparameters(dropout=0.5)
    s.step()
    s.set_hyperparameters(dropout=0.0)
    s.step()
    assert s.step_count == 2


def test_new_settings_survive_a_save_and_load(tmp_path):
    hyper = Hyperparameters(dropout=(0.1, 0.2), schedule="cosine", early_stopping=True)
    _, loaded = load(save(Network("5-6-4-3"), tmp_path / "net.npz", hyper))
    assert loaded == hyper and loaded.dropout == (0.1, 0.2)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("dropout", 1.0, r"dropout must be in \[0, 1\)"),
    ("dropout", -0.1, "dropout must be in"),
    ("dropout", (0.2, 1.0), "dropout must be in"),
    ("dropout", float("nan"), "dropout must be a finite number"),
    ("dropout", "half", "dropout must be a finite number"),
    ("schedule", "linear", "unknown schedule 'linear'; choose one of: constant, step"),
    ("decay", -0.5, r"decay must be in \(0, 1\]"),
    ("decay", 0, "decay must be in"),
    ("decay_every", 0, "decay every must be a whole number"),
    ("schedule_epochs", 2.5, "schedule epochs must be a whole number"),
    ("tol", -1e-4, "tol must be ≥ 0"),
    ("patience", 0, "patience must be a whole number ≥ 1"),
    ("validation_fraction", 0, "validation fraction must be in"),
    ("validation_fraction", 1.0, "validation fraction must be in"),
    ("early_stopping", "yes", "early_stopping must be True or False"),
])
def test_bad_values(field, value, message):
    with pytest.raises(BackpropError, match=message):
        Hyperparameters(**{field: value})


# -- learning-rate schedules ---------------------------------------------------------------
def test_step_schedule_halves_the_rate_at_the_right_epoch(toy):
    s = session(toy, schedule="step", decay_every=3, learning_rate=0.1, batch_size=40)
    for epoch in range(7):
        assert s.effective_learning_rate == pytest.approx(0.1 * 0.5 ** (epoch // 3))
        s.run_epoch()
    np.testing.assert_allclose(s.epoch_history.column("learning_rate"),
                               [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025])
    assert s.hyper.learning_rate == 0.1
    before, gradient = s.network.flat.copy(), full_batch_gradient(s)
    s.step()  # plain SGD on the whole training set: Δw = −η·g with the scheduled η
    np.testing.assert_allclose(before - s.network.flat, 0.025 * gradient, rtol=1e-9,
                               atol=1e-15)


def test_cosine_reaches_the_floor_and_stays(toy):
    s = session(toy, schedule="cosine", schedule_epochs=4, learning_rate=0.2, batch_size=40)
    rates = []
    for _ in range(7):
        rates.append(s.effective_learning_rate)
        s.run_epoch()
    expected = [0.1 * (1 + math.cos(math.pi * min(e, 4) / 4)) for e in range(7)]
    np.testing.assert_allclose(rates, expected, atol=1e-15)
    assert rates[0] == 0.2 and rates[2] == pytest.approx(0.1) and rates[4:] == [0.0] * 3
    before = s.network.flat.copy()
    s.step()
    np.testing.assert_array_equal(s.network.flat, before)  # at the floor nothing moves


def test_adaptive_divides_by_5_after_two_epochs_without_progress():
    hyper = Hyperparameters(learning_rate=0.5, schedule="adaptive", tol=1e-3)
    schedule = make_schedule("adaptive")
    rates = []
    for cost in [1.0, 0.5, 0.4995, 0.5, 0.3, 0.2999, 0.1, 0.3, 0.2]:
        schedule.end_epoch(hyper, cost)
        rates.append(schedule.rate(hyper, 0))
    assert rates == pytest.approx([0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.02])


def test_adaptive_schedule_in_a_session_on_a_plateau(toy):
    # a tiny rate on the whole training set: the epoch cost stays flat (within tol)
    s = session(toy, schedule="adaptive", learning_rate=1e-9, batch_size=40)
    for _ in range(5):
        s.run_epoch()
    np.testing.assert_allclose(s.epoch_history.column("learning_rate"),
                               [1e-9, 1e-9, 1e-9, 2e-10, 2e-10])
    assert s.effective_learning_rate == pytest.approx(4e-11)
    s.set_hyperparameters(learning_rate=1e-8)  # the divisions stay with the schedule …
    assert s.effective_learning_rate == pytest.approx(1e-8 / 25)
    s.set_hyperparameters(schedule="constant")  # … a new schedule starts afresh
    s.set_hyperparameters(schedule="adaptive")
    assert s.effective_learning_rate == 1e-8


# -- early stopping ------------------------------------------------------------------------
def noise(rows=120, inputs=5, classes=3, seed=0):
    """Random labels: whatever the network learns about the training rows is overfitting."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, inputs))
    y = np.eye(classes)[rng.integers(0, classes, rows)]
    return Dataset("noise", x, y, x[:10], y[:10], "classes", "softmax", "cross_entropy",
                   describe=lambda *_: "")


def test_early_stopping_stops_and_restores_the_best_weights():
    s = session(noise(), hidden="32", optimizer="adam", learning_rate=0.02, batch_size=8,
                early_stopping=True, validation_fraction=0.2, patience=3)
    assert len(s.x_validation) == 24 and len(s.train_rows) == 96 and s.steps_per_epoch == 12
    weights = {}
    with pytest.raises(Stopped, match="early stopping at epoch"):
        for _ in range(200):
            s.run_epoch()
            if not s.stopped:
                weights[s.epoch] = s.network.flat.copy()
    stop, best = s.epoch, s.early_stop.best_epoch
    assert 1 <= best < stop < 200
    assert s.stopped == (f"early stopping at epoch {stop}: best validation cost "
                         f"{s.early_stop.best_cost:.4g} at epoch {best}")
    np.testing.assert_array_equal(s.network.flat, weights[best])
    assert s.evaluate("validation")["cost"] == s.early_stop.best_cost
    with pytest.raises(Stopped):
        s.step()
    assert s.epoch == stop
    s.set_hyperparameters(patience=2)  # a change clears the verdict: patience starts over
    assert s.stopped is None
    s.run_epoch()
    s.reset()
    assert s.stopped is None and s.early_stop.best_epoch == 0
    s.run_epoch()


def test_the_validation_split_is_seeded_stratified_and_held_out(toy):
    s = session(toy, seed=3, early_stopping=True, validation_fraction=0.25)
    assert len(s.train_rows) == 30 and len(s.x_validation) == 10
    trained = {tuple(row) for row in s.x_train[s.train_rows]}
    assert not trained & {tuple(row) for row in s.x_validation}
    classes = s.y_train.sum(axis=0)
    assert np.all(np.abs(s.y_validation.sum(axis=0) - classes / 4) <= 1)
    again = session(toy, seed=3, early_stopping=True, validation_fraction=0.25)
    np.testing.assert_array_equal(again.train_rows, s.train_rows)
    assert not np.array_equal(session(toy, seed=4, early_stopping=True,
                                      validation_fraction=0.25).train_rows, s.train_rows)
    assert math.isnan(session(toy).evaluate("validation")["cost"])


def test_toggling_early_stopping_redraws_the_split_and_keeps_the_weights(toy):
    s = session(toy, seed=3, batch_size=8)
    s.run(3)
    weights = s.network.flat.copy()
    s.set_hyperparameters(early_stopping=True, validation_fraction=0.25)
    np.testing.assert_array_equal(s.network.flat, weights)
    assert s.steps_per_epoch == 4 and s.epoch_progress == 0 and s.step_count == 3
    fresh = session(toy, seed=3, early_stopping=True, validation_fraction=0.25)
    np.testing.assert_array_equal(s.train_rows, fresh.train_rows)
    np.testing.assert_array_equal(s.x_validation, fresh.x_validation)
    s.run_epoch()
    assert s.epoch == 1 and s.early_stop.best_epoch == 1
    s.set_hyperparameters(early_stopping=False)
    assert len(s.train_rows) == 40 and len(s.x_validation) == 0 and s.steps_per_epoch == 5


def test_too_few_rows_for_a_validation_split():
    tiny = make_dataset(rows=2)  # one training row
    with pytest.raises(BackpropError, match="cannot hold out a validation fraction"):
        session(tiny, early_stopping=True)
    s = session(tiny)
    with pytest.raises(BackpropError, match="cannot hold out"):
        s.set_hyperparameters(early_stopping=True)
    assert not s.hyper.early_stopping and len(s.train_rows) == 1


def test_every_feature_together_is_deterministic(toy):
    settings = dict(seed=2, hidden="8-6", dropout=(0.2, 0.1), schedule="cosine",
                    schedule_epochs=5, early_stopping=True, patience=2, batch_size=6)
    a, b = session(toy, **settings), session(toy, **settings)
    for s in (a, b):
        for _ in range(8):
            if s.stopped:
                break
            s.run_epoch()
    np.testing.assert_array_equal(a.network.flat, b.network.flat)
    assert a.stopped == b.stopped
    b.reset()
    for _ in range(8):
        if b.stopped:
            break
        b.run_epoch()
    np.testing.assert_array_equal(a.network.flat, b.network.flat)
