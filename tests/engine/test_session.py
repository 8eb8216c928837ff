"""Training sessions: determinism, live hyperparameters, epochs, history, divergence."""

import numpy as np
import pytest

from backprop_tui.engine import (
    BackpropError,
    Diverged,
    History,
    Hyperparameters,
    Network,
    TrainingSession,
    parse_sizes,
)

from .conftest import make_dataset


def session(dataset, seed=0, **hyper):
    net = Network(f"{dataset.n_inputs}-8-{dataset.n_outputs}", output=dataset.output,
                  loss=dataset.loss, seed=seed)
    return TrainingSession(dataset, net, Hyperparameters(**hyper), seed=seed)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam", "rmsprop"])
def test_same_seed_gives_identical_weights(toy, optimizer):
    a = session(toy, seed=5, optimizer=optimizer, batch_size=7, learning_rate=0.01)
    b = session(toy, seed=5, optimizer=optimizer, batch_size=7, learning_rate=0.01)
    a.run(50)
    b.run(50)
    np.testing.assert_array_equal(a.network.flat, b.network.flat)
    c = session(toy, seed=6, optimizer=optimizer, batch_size=7, learning_rate=0.01)
    c.run(50)
    assert not np.array_equal(a.network.flat, c.network.flat)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam", "rmsprop"])
def test_every_optimizer_lowers_the_cost(toy, optimizer):
    s = session(toy, optimizer=optimizer, learning_rate=0.01 if optimizer in ("adam", "rmsprop")
                else 0.1, batch_size=10)
    first = s.evaluate("train")["cost"]
    s.run(300)
    assert s.evaluate("train")["cost"] < 0.5 * first


def test_hyperparameters_change_between_steps_without_losing_weights(toy):
    s = session(toy, optimizer="momentum")
    s.run(10)
    weights = s.network.flat.copy()
    velocity = s.optimizer.velocity.copy()
    s.set_hyperparameters(learning_rate=0.01, batch_size=5, momentum=0.5, l2=1e-3, l1=1e-4)
    np.testing.assert_array_equal(s.network.flat, weights)
    np.testing.assert_array_equal(s.optimizer.velocity, velocity)  # state kept
    assert s.samples_seen == 5 * 40  # 40 rows: 10 steps of 32, 8 are five whole epochs
    s.step()
    assert s.hyper.batch_size == 5 and s.samples_seen == 5 * 40 + 5  # the new batch size
    s.set_hyperparameters(optimizer="adam")
    assert s.optimizer.name == "adam"
    s.step()
    assert s.step_count == 12


def test_epochs_reshuffle_and_record_history(toy):
    s = session(toy, batch_size=16)  # 40 training rows: 16 + 16 + 8
    assert s.steps_per_epoch == 3
    s.run(3)
    assert s.epoch == 1 and s.epoch_progress == 0
    s.run_epoch()
    assert s.epoch == 2 and s.step_count == 6 and s.samples_seen == 80
    assert len(s.cost_history) == 6 and len(s.epoch_history) == 2
    last = s.epoch_history.last()
    assert set(last) == {"step", "train_cost", "test_cost", "train_accuracy", "test_accuracy",
                         "learning_rate"}
    assert 0 <= last["test_accuracy"] <= 1


def test_regression_and_bits_report_their_metrics():
    reg = session(make_dataset("regression"))
    reg.run_epoch()
    assert {"r2", "mae"} <= set(reg.evaluate())
    bits = session(make_dataset("bits"))
    bits.run_epoch()
    assert {"bit_accuracy", "word_accuracy"} <= set(bits.evaluate())


def test_reset_restores_the_seeded_start(toy):
    s = session(toy, seed=3)
    start = s.network.flat.copy()
    s.run(20)
    s.reset()
    np.testing.assert_array_equal(s.network.flat, start)
    assert s.step_count == 0 and len(s.cost_history) == 0


def test_history_stays_bounded_and_keeps_the_shape():
    h = History(["cost"], capacity=8)
    for step in range(1, 101):
        h.append(step, (float(step),))
    assert len(h) <= 8 and h.stride == 16
    steps, costs = h.steps(), h.column("cost")
    assert np.all(np.diff(steps) > 0) and steps[-1] <= 100
    assert np.all(np.diff(costs) > 0)  # averages of a rising series still rise


def test_divergence_is_caught_and_weights_stay_finite(toy):
    s = session(toy, learning_rate=1e6)
    with pytest.raises(Diverged, match="diverged at step"):
        s.run(100)
    assert s.diverged and "diverged at step" in s.diverged
    assert np.all(np.isfinite(s.network.flat))
    s.set_hyperparameters(learning_rate=0.01)  # a change clears the verdict …
    assert s.diverged is None
    s.reset()  # … and a reset recovers
    s.run(5)
    assert s.step_count == 5 and s.diverged is None


def test_non_finite_cost_rejects_the_step_before_any_weight_changes(toy):
    s = session(toy)
    s.run(2)
    s.network.weights[-1][0, 0] = np.inf
    before = s.network.flat.copy()
    with pytest.raises(Diverged, match="not a finite number"):
        s.step()
    np.testing.assert_array_equal(s.network.flat, before)
    assert s.step_count == 2


def test_gradient_clipping_bounds_the_update(toy):
    s = session(toy, learning_rate=1.0, clip=1e-3)
    before = s.network.flat.copy()
    s.step()
    assert np.linalg.norm(s.network.flat - before) <= 1e-3 * (1 + 1e-9)


@pytest.mark.parametrize("spec", ["", "8", "8-x-4", "8--4", "8-0-4", "-8-4", "8-12.5-4",
                                  "8-999999-4"])
def test_bad_architecture_strings(spec):
    with pytest.raises(BackpropError):
        parse_sizes(spec)


def test_architecture_forms():
    assert parse_sizes("8-12-12-4") == (8, 12, 12, 4)
    assert parse_sizes([8, 12, 4]) == (8, 12, 4)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("learning_rate", 0, "learning rate must be positive"),
    ("learning_rate", -0.1, "learning rate must be positive"),
    ("learning_rate", float("nan"), "must be a finite number"),
    ("batch_size", 0, "batch size"),
    ("batch_size", 2.5, "batch size"),
    ("momentum", 1.0, "momentum"),
    ("l2", -1, "l2 must be"),
    ("optimizer", "sgdx", "unknown optimizer"),
])
def test_bad_hyperparameters(field, value, message):
    with pytest.raises(BackpropError, match=message):
        Hyperparameters(**{field: value})


def test_bad_names_and_mismatched_shapes(toy):
    with pytest.raises(BackpropError, match="unknown hidden activation 'swish'"):
        Network("5-3", hidden="swish")
    with pytest.raises(BackpropError, match="needs a softmax output"):
        Network("5-3", output="sigmoid", loss="cross_entropy")
    with pytest.raises(BackpropError, match="unknown loss"):
        Network("5-3", loss="hinge")
    with pytest.raises(BackpropError, match="unknown initialisation"):
        Network("5-3", init="zeros")
    with pytest.raises(BackpropError, match="does not fit data set"):
        TrainingSession(toy, Network("4-3"))


def test_reset_replays_exactly_like_a_fresh_session(toy):
    fresh = session(toy, seed=9, batch_size=7)
    fresh.run(30)
    again = session(toy, seed=9, batch_size=7)
    again.run(13)
    again.reset()
    again.run(30)
    np.testing.assert_array_equal(fresh.network.flat, again.network.flat)
