"""Unknown or mismatched names get one line that names the valid choices; edge values of
the metrics, each worked out by hand (these close mutants that survived the other tests)."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.engine import BackpropError, Network, evaluate, make_loss, make_schedule


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Network("2-2", hidden="softmax"),
     "unknown hidden activation 'softmax'; choose one of: sigmoid, tanh, relu, leaky_relu, "
     "linear"),
    (lambda: Network("2-2", output="nope", loss="mse"),
     "loss 'mse' needs a linear or sigmoid output, not 'nope'"),
    (lambda: make_loss("nope", "linear"),
     "unknown loss 'nope'; choose one of: mse, cross_entropy, binary_cross_entropy"),
    (lambda: make_schedule("nope"),
     "unknown schedule 'nope'; choose one of: constant, step, cosine, adaptive"),
])
def test_a_bad_name_names_the_choices(make, message):
    with pytest.raises(BackpropError) as caught:
        make()
    assert str(caught.value) == message


def test_an_unknown_output_activation_is_not_called_hidden():
    from backprop_tui.engine import get_activation

    with pytest.raises(BackpropError, match=r"^unknown activation 'nope'; choose one of: "
                       r"sigmoid, tanh, relu, leaky_relu, linear, softmax$"):
        get_activation("nope", hidden=False)


def test_the_mse_loss_is_named_and_keeps_its_output_derivative():
    loss = make_loss("mse", "sigmoid")
    assert loss.name == "mse" and not loss.delta_is_a_minus_y
    z = np.array([[0.3, -1.2]])
    a = 1 / (1 + np.exp(-z))
    y = np.array([[1.0, 0.0]])
    out, scratch = np.empty_like(z), np.empty_like(z)
    np.testing.assert_allclose(loss.delta(z, a, y, out, scratch), (a - y) * a * (1 - a))


def test_mae_defaults_to_the_targets_own_units():
    y, output = np.array([[1.0], [2.0], [4.0]]), np.array([[1.5], [2.0], [3.0]])
    assert evaluate("regression", y, output)["mae"] == pytest.approx(0.5)


def test_r2_of_targets_with_a_small_spread():
    """Σ(y − ȳ)² = 0.02 < 1 is still a spread: R² = 1 − 0.005/0.02 = 0.75."""
    y = np.array([[0.0], [0.1], [0.2]])
    output = np.array([[0.05], [0.1], [0.15]])
    assert evaluate("regression", y, output)["r2"] == pytest.approx(0.75)


def test_an_output_of_exactly_one_half_is_a_zero_bit_in_the_accuracies():
    y = np.array([[0.0, 1.0]])
    scores = evaluate("bits", y, np.array([[0.5, 0.9]]))
    assert scores == {"bit_accuracy": 1.0, "word_accuracy": 1.0}
