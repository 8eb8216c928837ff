"""One training step from outside: the rows it takes, the step Δp it applies, clipping,
the optimizers' own hyperparameters and copies of a session."""

import functools
from dataclasses import fields
from fractions import Fraction

import numpy as np
import pytest

from backprop_tui.engine import (
    OPTIMIZERS,
    BackpropError,
    Diverged,
    Hyperparameters,
    Network,
    TrainingSession,
    gradient_check,
)
from backprop_tui.engine.optimizers import EPSILON, clip_norm

from .conftest import make_dataset


def session(dataset=None, **hyper):
    dataset = dataset or make_dataset()
    net = Network(f"{dataset.n_inputs}-7-{dataset.n_outputs}", output=dataset.output,
                  loss=dataset.loss, seed=1)
    return TrainingSession(dataset, net, Hyperparameters(**hyper), seed=2)


def next_gradient(s):
    """The gradient of the cost on the rows the next step trains on (no penalties)."""
    rows = s.next_rows()
    return s.network.gradients(s.x_train[rows], s.y_train[rows]).grad.copy()


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_last_step_is_what_the_parameters_moved_by(optimizer):
    s = session(optimizer=optimizer, batch_size=8, learning_rate=0.05, momentum=0.8)
    assert s.last_step is None
    for _ in range(3):  # later steps carry the optimizers' state
        before = s.network.flat.copy()
        s.step()
        after, step = s.network.flat, s.last_step
        assert step is not None and step.shape == after.shape and np.any(step)
        for old, new, delta in zip(before.tolist(), after.tolist(), step.tolist(), strict=True):
            # new is old + Δp rounded once: within half a unit in the last place of new
            error = abs(Fraction(new) - Fraction(old) - Fraction(delta))
            assert error <= Fraction(float(np.spacing(abs(new)))) / 2, (old, new, delta)


def test_a_rejected_step_leaves_no_last_step():
    s = session(learning_rate=1.0)
    s.step()
    s.network.flat[:] = np.inf
    with pytest.raises(Diverged):
        s.step()
    assert s.last_step is None


def test_sgd_steps_down_the_gradient():
    s = session(optimizer="sgd", learning_rate=0.1)
    gradient = next_gradient(s)
    s.step()
    np.testing.assert_allclose(s.last_step, -0.1 * gradient, rtol=1e-12, atol=0)


def test_rmsprop_with_rho_0_and_adam_with_betas_0_take_sign_steps():
    """With ρ = 0 (and β₁ = β₂ = 0) the running means are this step's g and g², so every
    step is −η·g/(|g| + ε), nearly −η·sign(g)."""
    for hyper in ({"optimizer": "rmsprop", "rho": 0.0},
                  {"optimizer": "adam", "beta1": 0.0, "beta2": 0.0}):
        s = session(learning_rate=0.01, **hyper)
        for _ in range(3):
            gradient = next_gradient(s)
            s.step()
            np.testing.assert_allclose(s.last_step, -0.01 * gradient / (np.abs(gradient)
                                                                        + EPSILON),
                                       rtol=1e-12, atol=1e-18)


def test_the_decay_rates_change_the_steps():
    def steps(**hyper):
        s = session(learning_rate=0.01, **hyper)
        s.run(3)
        return s.network.flat.copy()

    for optimizer, name in (("adam", "beta1"), ("adam", "beta2"), ("rmsprop", "rho"),
                            ("momentum", "momentum")):
        assert not np.array_equal(steps(optimizer=optimizer),
                                  steps(optimizer=optimizer, **{name: 0.5})), name
    assert np.array_equal(steps(optimizer="adam"), steps(optimizer="adam", rho=0.5))


def test_each_optimizer_names_the_hyperparameters_it_uses():
    assert {name: cls.uses for name, cls in OPTIMIZERS.items()} == {
        "sgd": (), "momentum": ("momentum",), "nesterov": ("momentum",),
        "adam": ("beta1", "beta2"), "rmsprop": ("rho",)}
    defaults = {f.name: f.default for f in fields(Hyperparameters)}
    assert (defaults["beta1"], defaults["beta2"], defaults["rho"]) == (0.9, 0.999, 0.9)


@pytest.mark.parametrize("name", ["beta1", "beta2", "rho"])
@pytest.mark.parametrize("value", [-0.1, 1.0])
def test_decay_rates_must_be_in_0_1(name, value):
    with pytest.raises(BackpropError, match=rf"{name} must be in \[0, 1\)"):
        Hyperparameters(**{name: value})


def test_clip_norm_scales_long_gradients_down_to_the_limit():
    grad = np.array([3.0, -4.0])  # norm 5
    assert clip_norm(grad, 2.5, 25.0)
    np.testing.assert_allclose(grad, [1.5, -2.0])
    short = np.array([0.3, 0.4])
    assert not clip_norm(short, 2.5, 0.25) and list(short) == [0.3, 0.4]
    assert not clip_norm(grad, 0.0, 6.25)  # 0: no clipping


def test_the_next_step_trains_on_the_next_rows():
    s = session(batch_size=7)
    seen = []
    for _ in range(s.steps_per_epoch):
        rows = s.next_rows()
        expected = s.network.cost(s.x_train[rows], s.y_train[rows])
        seen.extend(rows.tolist())
        assert s.step() == pytest.approx(expected, rel=1e-12)
    assert sorted(seen) == list(range(len(s.x_train)))  # one epoch: every row once
    order = s.epoch_order
    assert sorted(order.tolist()) == list(range(len(s.x_train)))
    assert not order.flags.writeable
    np.testing.assert_array_equal(s.next_rows(), order[:7])


def test_copies_share_the_data_but_not_the_state():
    s = session(optimizer="momentum")
    s.run(4)
    copy = s.copy()
    assert copy.x_train is s.x_train and copy.dataset is s.dataset
    assert copy.last_step is None and s.last_step is not None
    step, flat = s.last_step.copy(), s.network.flat.copy()
    copy.run(3)
    assert copy.last_step is not None and not np.shares_memory(copy.last_step, s.last_step)
    assert copy.step_count == 7 and s.step_count == 4
    np.testing.assert_array_equal(s.last_step, step)
    np.testing.assert_array_equal(s.network.flat, flat)
    s.step()  # the original is unharmed by its copy's steps
    assert s.step_count == 5


def test_dropout_and_a_unit_off_together_make_one_mask():
    net = Network("4-6-5-3", hidden="tanh", seed=0)
    net.set_unit(0, 3, on=False)
    dropout = [np.where(np.arange(6) % 2, 2.0, 0.0) * np.ones((3, 1)), None]
    masks = net.layer_masks(dropout)
    np.testing.assert_array_equal(masks[0], [[0, 2, 0, 0, 0, 2]] * 3)  # 0, 2, 4 dropped; 3 off
    assert masks[1] is None
    net.set_unit(1, 1, on=False)
    np.testing.assert_array_equal(net.layer_masks(dropout)[1], [1, 0, 1, 1, 1])
    assert net.layer_masks(None) is net.unit_mask


def test_backprop_agrees_with_finite_differences_under_dropout_and_units_off():
    net = Network("4-6-5-3", hidden="tanh", seed=0)
    net.set_unit(0, 3, on=False)
    net.set_unit(1, 1, on=False)
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((5, 4)), np.eye(3)[rng.integers(0, 3, 5)]
    masks = [np.where(rng.random((5, 6)) < 0.3, 0.0, 1 / 0.7), None]
    trace = net.gradients(x, y, l2=0.01, masks=masks)
    assert not trace.a[1][:, 3].any() and not trace.a[2][:, 1].any()
    net.cost = functools.partial(net.cost, masks=masks)  # the checker's cost sees the masks
    assert all(check.ok for check in gradient_check(net, x, y, l2=0.01,
                                                    gradients=trace.grads))
