"""The activation table: σ's precision on both tails, and the inactive-unit rules."""

import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest

from backprop_tui.engine import ACTIVATIONS, HIDDEN_ACTIVATIONS

POINTS = (-40.0, -30.0, -1.0, 0.0, 1.0, 30.0, 40.0)


def exact_sigmoid(z: float) -> float:
    """1 / (1 + e^−z) in 50-digit decimal arithmetic, rounded to the nearest float."""
    with localcontext() as context:
        context.prec = 50
        return float(1 / (1 + (-Decimal(z)).exp()))


def test_sigmoid_has_full_relative_precision_on_both_tails():
    z = np.array(POINTS)
    got = ACTIVATIONS["sigmoid"].forward(z, np.empty_like(z))
    want = np.array([exact_sigmoid(v) for v in POINTS])
    assert want[0] == pytest.approx(4.248354255291589e-18, rel=1e-15)  # the reference itself
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)


def test_sigmoid_works_in_place_without_warnings_at_any_z():
    z = np.array([-40.0, 0.0, 40.0, 800.0, 1e308, np.inf, -800.0, -1e308, -np.inf, np.nan])
    want = [exact_sigmoid(-40.0), 0.5, 1.0, 1.0, 1.0, 1.0]
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise",
                                                divide="raise"):
        warnings.simplefilter("error")
        same = ACTIVATIONS["sigmoid"].forward(z, z)  # out is z, as Network.predict calls it
    assert same is z
    np.testing.assert_allclose(z[:6], want, rtol=1e-15, atol=0)
    assert np.all((z[6:9] >= 0) & (z[6:9] < np.finfo(float).tiny)) and np.isnan(z[9])
    for dtype in (np.float32, np.float64):
        z = np.linspace(-80, 80, 161, dtype=dtype)
        with np.errstate(over="raise"):
            a = ACTIVATIONS["sigmoid"].forward(z, np.empty_like(z))
        assert a.dtype == dtype
        np.testing.assert_allclose(a, [exact_sigmoid(float(v)) for v in z],
                                   rtol=4 * np.finfo(dtype).eps)


def test_dead_units_are_the_ones_never_active_on_any_row():
    z = np.array([[-1.0, 0.5, 0.0, -2.0],
                  [-3.0, -1.0, 0.0, 0.1]])  # units 0 and 2 never above 0
    for name in ("relu", "leaky_relu"):
        activation = ACTIVATIONS[name]
        a = activation.forward(z, np.empty_like(z))
        assert activation.inactive == "dead"
        assert activation.inactive_fraction(z, a) == 0.5


@pytest.mark.parametrize(("name", "low"), [("sigmoid", 0.0), ("tanh", -1.0)])
def test_saturated_outputs_are_within_a_hundredth_of_either_end(name, low):
    a = np.array([[low + 0.005, low + 0.02, 0.5, 0.985, 0.995]])
    activation = ACTIVATIONS[name]
    assert activation.inactive == "sat"
    assert activation.inactive_fraction(np.zeros_like(a), a) == pytest.approx(2 / 5)


def test_every_activation_has_one_entry_with_everything_the_app_shows():
    shorts = [activation.short for activation in ACTIVATIONS.values()]
    assert len(set(shorts)) == len(shorts) and all(1 <= len(s) <= 5 for s in shorts)
    for name in ("linear", "softmax"):
        z = np.ones((2, 3))
        assert ACTIVATIONS[name].inactive == "" and ACTIVATIONS[name].inactive_fraction(z, z) == 0
    assert {name: ACTIVATIONS[name].auto_init for name in HIDDEN_ACTIVATIONS} == {
        "sigmoid": "glorot", "tanh": "glorot", "relu": "he", "leaky_relu": "he",
        "linear": "glorot"}


FORMULAS = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh,
    "relu": lambda z: np.where(z > 0, z, 0.0), "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "linear": lambda z: z,
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_each_activation_gives_its_formula_in_place_and_into_a_new_array(name):
    # predict() runs each activation in place (out is z): a leaky ReLU that wrote 0.01·z into
    # out before reading z once turned every positive output into 0.01·z there
    z = np.linspace(-3.0, 3.0, 13).reshape(1, -1)
    want = FORMULAS[name](z)
    fresh = ACTIVATIONS[name].forward(z, np.empty_like(z))
    in_place = z.copy()
    ACTIVATIONS[name].forward(in_place, in_place)
    np.testing.assert_allclose(fresh, want, rtol=1e-15)
    np.testing.assert_allclose(in_place, want, rtol=1e-15)


def test_a_leaky_relu_network_predicts_what_its_forward_pass_computes():
    from backprop_tui.engine import Network

    net = Network((3, 5, 2), hidden="leaky_relu", seed=0)
    x = np.random.default_rng(1).normal(size=(4, 3))
    h = x @ net.weights[0] + net.biases[0]
    h = np.where(h > 0, h, 0.01 * h)
    z = h @ net.weights[1] + net.biases[1]
    want = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(net.predict(x), want / want.sum(axis=1, keepdims=True), rtol=1e-12)
