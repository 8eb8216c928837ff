"""The TensorFlow-Playground-style 2-D sets."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.data import load
from backprop_tui.data.toy2d import EXTENT, GENERATORS
from backprop_tui.errors import BackpropError


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_shapes_balance_and_scale(name: str) -> None:
    data = load(name)
    assert data.x_train.shape == (200, 2) and data.x_test.shape == (200, 2)
    assert data.y_train.shape == (200, 2) and data.labels == ("blue", "orange")
    assert (data.task, data.output, data.loss) == ("classes", "softmax", "cross_entropy")
    np.testing.assert_array_equal(data.y_train.sum(axis=0), [100, 100])
    np.testing.assert_array_equal(data.y_test.sum(axis=0), [100, 100])
    points = np.vstack([data.x_train, data.x_test])
    assert np.abs(points).max() < 1.3 * EXTENT
    assert np.abs(points).max() > 0.7 * EXTENT


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_options_and_seed(name: str) -> None:
    data = load(name, samples=101, noise=0.3, train_ratio=0.6, seed=9)
    assert len(data.x_train) == round(0.6 * 101) and len(data.x_test) == 101 - 61
    assert data.options == {"samples": 101, "noise": 0.3, "train_ratio": 0.6, "seed": 9}
    np.testing.assert_array_equal(data.x_test, load(name, **data.options).x_test)
    with pytest.raises(BackpropError, match="noise must be between 0 and 0.5"):
        load(name, noise=0.6)


def test_clean_circle_has_fixed_radii() -> None:
    data = load("circle", noise=0.0)
    radius = np.hypot(*data.x_train.T)
    blue = data.y_train[:, 0] == 1
    np.testing.assert_allclose(radius[blue], 0.4)
    np.testing.assert_allclose(radius[~blue], 0.8)


def test_clean_xor_follows_the_sign_rule() -> None:
    data = load("xor", noise=0.0)
    blue = data.y_train[:, 0] == 1
    np.testing.assert_array_equal(blue, np.prod(data.x_train, axis=1) > 0)


def test_describe() -> None:
    data = load("circle")
    line = data.describe(np.array([0.31, -0.72]), np.array([0.0, 1.0]), np.array([0.12, 0.88]))
    assert line == "(0.31, -0.72) → class orange, predicted orange (88 %)"
