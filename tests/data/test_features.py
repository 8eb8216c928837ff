"""Engineered input features of the 2-D sets: the map, the loaders' option, its errors."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.data import load
from backprop_tui.data.toy2d import FEATURES, GENERATORS, feature_map, parse_features
from backprop_tui.errors import BackpropError

POINTS = np.array([[0.5, -0.25], [-1.0, 0.75], [0.0, 0.3]])


def test_feature_map_values():
    x1, x2 = POINTS[:, 0], POINTS[:, 1]
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_array_equal(feature_map(POINTS, ",".join(FEATURES)), expected)
    np.testing.assert_array_equal(feature_map(POINTS, "x1x2"), (x1 * x2)[:, None])
    np.testing.assert_array_equal(feature_map(POINTS, ["sin_x2", "x1^2"]),
                                  np.column_stack([x1**2, np.sin(x2)]))


def test_parse_features_orders_and_dedupes():
    assert parse_features(" x1x2, x1 ,x1x2") == ("x1", "x1x2")


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_loaders_feed_the_chosen_features(name: str):
    plain = load(name, samples=60, seed=3)
    assert plain.n_inputs == 2 and "features" not in plain.options
    np.testing.assert_array_equal(plain.x_train, plain.points[0])
    data = load(name, samples=60, seed=3, features="x2^2,x1,sin_x1")
    assert data.n_inputs == 3 and data.options["features"] == "x1,x2^2,sin_x1"
    raw_train, raw_test = data.points
    np.testing.assert_array_equal(raw_train, plain.points[0])
    np.testing.assert_array_equal(data.x_train, feature_map(raw_train, "x1,x2^2,sin_x1"))
    np.testing.assert_array_equal(data.x_test, feature_map(raw_test, "x1,x2^2,sin_x1"))
    again = load(name, **data.options)
    assert again.options == data.options
    np.testing.assert_array_equal(again.x_test, data.x_test)
    assert "inputs x1, x2^2, sin_x1" in data.summary


@pytest.mark.parametrize("features", ["x1,cos_x1", "", " , "])
def test_bad_features_are_refused(features: str):
    with pytest.raises(BackpropError, match="choose one or more of: x1, x2, x1\\^2"):
        load("circle", features=features)
