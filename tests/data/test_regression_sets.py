"""The random regression and the Fahrenheit → Celsius sets."""

from __future__ import annotations

import re

import numpy as np
import pytest

from backprop_tui.data import load
from backprop_tui.errors import BackpropError


def test_regression_shapes_and_standardised_training_data() -> None:
    data = load("regression")
    assert data.x_train.shape == (800, 10) and data.y_train.shape == (800, 1)
    assert data.x_test.shape == (200, 10) and data.y_test.shape == (200, 1)
    assert (data.task, data.output, data.loss) == ("regression", "linear", "mse")
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(data.y_train.std(), 1)
    assert 0.5 < data.target_scale < 2


def test_regression_options() -> None:
    data = load("regression", samples=100, features=3, noise=0.0, train_ratio=0.5, seed=2)
    assert data.x_train.shape == (50, 3)
    assert data.options == {
        "samples": 100,
        "features": 3,
        "noise": 0.0,
        "seed": 2,
        "train_ratio": 0.5,
    }
    with pytest.raises(BackpropError, match="noise must be at least 0"):
        load("regression", noise=-1)


def test_regression_describe_uses_original_units() -> None:
    data = load("regression")
    line = data.describe(data.x_test[0], data.y_test[0], data.y_test[0] + 1)
    match = re.fullmatch(r"target (-?[\d.]+), predicted (-?[\d.]+)", line)
    assert match, line
    assert float(match[2]) - float(match[1]) == pytest.approx(data.target_scale, abs=0.02)


def test_celsius_is_an_exact_linear_map() -> None:
    data = load("celsius")
    assert data.x_train.shape == (160, 1) and data.x_test.shape == (40, 1)
    x, y = np.vstack([data.x_train, data.x_test]), np.vstack([data.y_train, data.y_test])
    assert np.corrcoef(x.ravel(), y.ravel())[0, 1] == pytest.approx(1)
    # one standard deviation of °C is 5/9 of the °F spread of [-40, 212]
    assert data.target_scale == pytest.approx(5 / 9 * 252 / np.sqrt(12), rel=0.1)


def test_celsius_describe_inverts_the_scalers() -> None:
    data = load("celsius")
    for row in range(5):
        line = data.describe(data.x_test[row], data.y_test[row], data.y_test[row])
        match = re.fullmatch(r"(-?[\d.]+) °F → (-?[\d.]+) °C \(predicted (-?[\d.]+)\)", line)
        assert match, line
        fahrenheit, celsius, predicted = (float(value) for value in match.groups())
        assert -40 <= fahrenheit <= 212
        assert celsius == pytest.approx((fahrenheit - 32) * 5 / 9, abs=0.11)
        assert predicted == celsius


def test_celsius_noise_and_seed() -> None:
    clean, noisy = load("celsius"), load("celsius", noise=2.0)
    assert np.corrcoef(noisy.x_train.ravel(), noisy.y_train.ravel())[0, 1] < 0.9999
    np.testing.assert_array_equal(clean.x_train, load("celsius", seed=0).x_train)
