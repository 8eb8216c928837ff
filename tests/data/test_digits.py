"""scikit-learn's 8×8 digits."""

from __future__ import annotations

import numpy as np

from backprop_tui.data import load


def test_digits_shapes_range_and_labels() -> None:
    data = load("digits")
    assert data.x_train.shape == (1258, 64) and data.x_test.shape == (539, 64)
    assert data.y_train.shape == (1258, 10)
    assert data.x_train.min() == 0 and data.x_train.max() == 1
    assert data.labels == tuple("0123456789") and data.image_shape == (8, 8)
    assert (data.task, data.output, data.loss) == ("classes", "softmax", "cross_entropy")
    assert data.summary == "8×8 digits, 1258 train / 539 test"


def test_digits_split_is_stratified() -> None:
    data = load("digits", seed=5)
    train, test = data.y_train.sum(axis=0), data.y_test.sum(axis=0)
    np.testing.assert_allclose(train / (train + test), 0.7, atol=0.01)


def test_digits_describe() -> None:
    data = load("digits")
    truth = np.eye(10)[3]
    prediction = np.full(10, 0.03 / 9)
    prediction[3] = 0.97
    assert data.describe(data.x_test[0], truth, prediction) == "true 3, predicted 3 (97 %)"
    assert data.describe(data.x_test[0], np.eye(10)[8], prediction).startswith("true 8, ")
