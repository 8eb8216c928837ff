"""The further 2-D sets: blobs, function boundary, plane and Gaussian mixture."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, r2_score

from backprop_tui.data import load
from backprop_tui.engine import Hyperparameters, Network, TrainingSession
from backprop_tui.errors import BackpropError

SETS = [("blobs", {}), ("blobs", {"classes": 6}), ("function", {"f": "sin"}),
        ("function", {"f": "cubic"}), ("function", {"f": "abs"}), ("plane", {}),
        ("gaussians", {})]


@pytest.mark.parametrize(("name", "extra"), SETS)
def test_shapes_balance_and_determinism(name, extra):
    data = load(name, samples=120, noise=0.2, train_ratio=0.75, seed=4, **extra)
    outputs = extra.get("classes", 3) if name == "blobs" else 2 if name == "function" else 1
    assert data.x_train.shape == (90, 2) and data.x_test.shape == (30, 2)
    assert data.y_train.shape == (90, outputs) and data.y_test.shape == (30, outputs)
    assert np.abs(np.vstack([data.x_train, data.x_test])).max() < 1.6
    again = load(name, **data.options)
    np.testing.assert_array_equal(again.x_test, data.x_test)
    np.testing.assert_array_equal(again.y_train, data.y_train)
    assert not np.array_equal(load(name, **{**data.options, "seed": 5}).x_train, data.x_train)
    if outputs > 1:
        per_class = np.vstack([data.y_train, data.y_test]).sum(axis=0)
        assert per_class.max() - per_class.min() <= 1 and per_class.sum() == 120
        assert (data.task, data.output) == ("classes", "softmax")
    else:
        assert (data.task, data.output, data.loss) == ("regression", "linear", "mse")


def test_clean_function_points_lie_on_their_side():
    curves = {"sin": lambda x: 0.5 * np.sin(np.pi * x), "cubic": lambda x: 1.5 * (x**3 - x),
              "abs": lambda x: np.abs(x) - 0.5}
    for f, curve in curves.items():
        data = load("function", f=f, noise=0.0)
        x, y = data.x_train.T
        np.testing.assert_array_equal(data.y_train[:, 0] == 1, y > curve(x))


def test_clean_regression_values_follow_their_formula():
    plane = load("plane", noise=0.0)
    np.testing.assert_allclose(plane.y_train[:, 0], plane.x_train.sum(axis=1) / 2)
    mix = load("gaussians", noise=0.0)
    bumps = [(-0.67, 0.42, 1), (0, 0.42, -1), (0.67, 0.42, 1), (-0.67, -0.42, -1),
             (0, -0.42, 1), (0.67, -0.42, -1)]
    x, y = mix.x_test.T
    expected = sum(s * np.exp(-((x - a) ** 2 + (y - b) ** 2) / (2 * 0.2**2))
                   for a, b, s in bumps)
    np.testing.assert_allclose(mix.y_test[:, 0], expected)


def test_bad_options_are_one_line_errors():
    with pytest.raises(BackpropError, match="classes must be from 3 to 6, got 7"):
        load("blobs", classes=7)
    with pytest.raises(BackpropError, match="unknown f 'tan'; choose one of: sin, cubic, abs"):
        load("function", f="tan")
    with pytest.raises(BackpropError, match="noise must be between 0 and 0.5"):
        load("plane", noise=0.9)


@pytest.mark.parametrize(("name", "extra", "sizes", "steps", "floor"), [
    ("blobs", {"classes": 5}, (16,), 1500, 0.95),
    ("function", {"f": "cubic"}, (16, 16), 3000, 0.93),
    ("plane", {}, (8,), 1500, 0.95),
    ("gaussians", {}, (16, 16), 3000, 0.8),
])
def test_a_small_network_learns_it(name, extra, sizes, steps, floor):
    """Test accuracy (scikit-learn's) or R² (scikit-learn's) of a small trained network."""
    data = load(name, **extra)
    net = Network((2, *sizes, data.n_outputs), hidden="tanh", output=data.output,
                  loss=data.loss, seed=0)
    TrainingSession(data, net, Hyperparameters(learning_rate=0.01, batch_size=10,
                                               optimizer="adam"), seed=0).run(steps)
    predicted = net.predict(data.x_test)
    if data.task == "classes":
        score = accuracy_score(data.y_test.argmax(1), predicted.argmax(1))
    else:
        score = r2_score(data.y_test[:, 0], predicted[:, 0])
    assert score >= floor
