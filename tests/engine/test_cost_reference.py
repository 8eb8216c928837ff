"""Every output/loss pairing and the L1/L2 penalties against formulas written here, and the
cost at initialisation against what the output and the loss imply.

Pinned conventions: C = (1/m)·Σ ½‖a − y‖² for MSE (the ½ included), and the penalty
½·λ₂·ΣW² + λ₁·Σ|W| over the weights only (biases are not penalised).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import log_loss

from backprop_tui.engine import Hyperparameters, Network, TrainingSession

from .conftest import make_dataset

ROWS, INPUTS, HIDDEN, OUTPUTS = 12, 3, 5, 4


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def output_pre_activation(network: Network, x: np.ndarray) -> np.ndarray:
    """z of the output layer, by hand, for a one-hidden-layer tanh network."""
    (w0, w1), (b0, b1) = network.weights, network.biases
    return np.tanh(x @ w0 + b0) @ w1 + b1


def mse(a: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean([0.5 * np.sum((ai - yi) ** 2) for ai, yi in zip(a, y, strict=True)]))


def cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return float(-np.mean(np.sum(y * np.log(p), axis=1)))


def binary_cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    a = sigmoid(z)
    return float(-np.mean(np.sum(y * np.log(a) + (1 - y) * np.log(1 - a), axis=1)))


def targets(loss: str, rng: np.random.Generator) -> np.ndarray:
    if loss == "cross_entropy":
        return np.eye(OUTPUTS)[rng.integers(0, OUTPUTS, ROWS)]
    if loss == "binary_cross_entropy":
        return rng.integers(0, 2, (ROWS, OUTPUTS)).astype(float)
    return rng.standard_normal((ROWS, OUTPUTS))


PAIRS = {
    ("linear", "mse"): lambda z, y: mse(z, y),
    ("sigmoid", "mse"): lambda z, y: mse(sigmoid(z), y),
    ("softmax", "cross_entropy"): cross_entropy,
    ("sigmoid", "binary_cross_entropy"): binary_cross_entropy,
}


@pytest.mark.parametrize(("output", "loss"), PAIRS)
def test_cost_is_the_formula(output, loss):
    rng = np.random.default_rng(5)
    network = Network([INPUTS, HIDDEN, OUTPUTS], hidden="tanh", output=output, loss=loss,
                      init="normal", seed=2)
    x, y = rng.standard_normal((ROWS, INPUTS)), targets(loss, rng)
    expected = PAIRS[output, loss](output_pre_activation(network, x), y)
    assert network.cost(x, y) == pytest.approx(expected, rel=1e-12)
    assert network.gradients(x, y).cost == pytest.approx(expected, rel=1e-12)
    prediction = network.predict(x)
    z = output_pre_activation(network, x)
    reference = {"linear": z, "sigmoid": sigmoid(z),
                 "softmax": np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)}[output]
    np.testing.assert_allclose(prediction, reference, rtol=1e-12, atol=1e-15)


def test_cross_entropy_is_sklearns_log_loss():
    rng = np.random.default_rng(6)
    network = Network([INPUTS, HIDDEN, OUTPUTS], init="normal", seed=3)
    x, y = rng.standard_normal((ROWS, INPUTS)), targets("cross_entropy", rng)
    expected = log_loss(y.argmax(axis=1), network.predict(x), labels=range(OUTPUTS))
    assert network.cost(x, y) == pytest.approx(expected, rel=1e-9)


def test_binary_cross_entropy_stays_finite_where_the_sigmoid_saturates():
    network = Network([1, 1], output="sigmoid", loss="binary_cross_entropy", init="normal")
    network.weights[0][...] = 1.0
    network.biases[0][...] = 0.0
    x, y = np.array([[40.0], [-40.0]]), np.array([[0.0], [1.0]])
    # −log σ(−40) = 40 + log(1 + e^−40) for each row.
    assert network.cost(x, y) == pytest.approx(40.0 + math.log1p(math.exp(-40.0)), rel=1e-12)


@pytest.mark.parametrize(("l2", "l1"), [(0.1, 0.0), (0.0, 0.03), (0.1, 0.03)])
def test_penalties_are_half_l2_sum_of_squares_plus_l1_sum_of_magnitudes_over_weights(l2, l1):
    rng = np.random.default_rng(7)
    network = Network([INPUTS, HIDDEN, OUTPUTS], output="linear", loss="mse", init="normal",
                      seed=4)
    x, y = rng.standard_normal((ROWS, INPUTS)), targets("mse", rng)
    data_cost = mse(output_pre_activation(network, x), y)
    penalty = sum(0.5 * l2 * np.sum(w**2) + l1 * np.sum(np.abs(w)) for w in network.weights)
    assert network.cost(x, y, l2=l2, l1=l1) == pytest.approx(data_cost + penalty, rel=1e-12)
    assert network.gradients(x, y, l2=l2, l1=l1).cost == pytest.approx(data_cost + penalty,
                                                                       rel=1e-12)
    for b in network.biases:  # biases carry no penalty: moving them changes the data term only
        b += 1.0
    data_cost = mse(output_pre_activation(network, x), y)
    assert network.cost(x, y, l2=l2, l1=l1) == pytest.approx(data_cost + penalty, rel=1e-12)


def test_a_training_step_reports_the_penalised_cost_and_evaluate_the_plain_one():
    dataset = make_dataset("regression", rows=30, inputs=INPUTS, outputs=2)
    network = Network([INPUTS, HIDDEN, 2], output="linear", loss="mse", init="normal", seed=1)
    x, y = dataset.x_train, dataset.y_train
    l2, l1 = 0.05, 0.01
    penalty = sum(0.5 * l2 * np.sum(w**2) + l1 * np.sum(np.abs(w)) for w in network.weights)
    expected = mse(output_pre_activation(network, x), y) + penalty
    test_cost = mse(output_pre_activation(network, dataset.x_test), dataset.y_test)
    session = TrainingSession(dataset, network, Hyperparameters(batch_size=len(x), l2=l2,
                                                                l1=l1), seed=0)
    assert session.evaluate("test")["cost"] == pytest.approx(test_cost, rel=1e-12)
    assert session.step() == pytest.approx(expected, rel=1e-12)


def zeroed_output(output: str, loss: str, seed: int = 0) -> Network:
    network = Network([INPUTS, HIDDEN, OUTPUTS], output=output, loss=loss, seed=seed)
    network.weights[-1][...] = 0.0
    network.biases[-1][...] = 0.0
    return network


@pytest.mark.parametrize(("output", "loss"), PAIRS)
def test_cost_with_a_zeroed_output_layer(output, loss):
    """z_L = 0: softmax gives 1/C per class (cost ln C), a sigmoid ½ per bit (cost k·ln 2 for
    k bits, or ½·mean‖½ − y‖² under MSE), a linear output 0 (½·mean‖y‖²)."""
    rng = np.random.default_rng(8)
    x, y = rng.standard_normal((ROWS, INPUTS)), targets(loss, rng)
    expected = {
        ("linear", "mse"): 0.5 * np.mean(np.sum(y**2, axis=1)),
        ("sigmoid", "mse"): 0.5 * np.mean(np.sum((0.5 - y) ** 2, axis=1)),
        ("softmax", "cross_entropy"): math.log(OUTPUTS),
        ("sigmoid", "binary_cross_entropy"): OUTPUTS * math.log(2.0),
    }[output, loss]
    assert zeroed_output(output, loss).cost(x, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("classes", [2, 3, 10])
def test_softmax_cross_entropy_starts_near_ln_classes_with_small_output_weights(classes):
    """ln C + min z ≤ log Σ e^z ≤ ln C + max z, so a first cost −log softmax(z)_y is within
    the spread max z − min z of ln C: small output weights start near ln C."""
    dataset = make_dataset("classes", rows=90, inputs=INPUTS, outputs=classes, seed=2)
    network = Network([INPUTS, HIDDEN, classes], seed=1)
    network.weights[-1][...] *= 0.01
    z = output_pre_activation(network, dataset.x_train)
    spread = float(np.max(z.max(axis=1) - z.min(axis=1)))
    assert 0 < spread < 0.1
    session = TrainingSession(dataset, network, Hyperparameters(batch_size=len(dataset.x_train)))
    assert abs(session.step() - math.log(classes)) <= spread
