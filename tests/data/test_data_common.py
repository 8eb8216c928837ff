"""Shared helpers: option checks, splitting, number formatting and describe lines."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.data._common import (
    check_float,
    check_int,
    class_describer,
    number,
    one_hot,
    split,
)
from backprop_tui.errors import BackpropError


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12.5, "12.5"),
        (11.93, "11.9"),
        (1.1, "1.10"),
        (-1.234, "-1.23"),
        (0.0123, "0.0123"),
        (1234.4, "1234"),
        (0.0, "0"),
    ],
)
def test_number_keeps_about_three_digits(value: float, text: str) -> None:
    assert number(value) == text


def test_checks_name_the_option() -> None:
    with pytest.raises(BackpropError, match="bits must be from 1 to 12, got 13"):
        check_int("bits", 13, 1, 12)
    with pytest.raises(BackpropError, match="bits must be a whole number"):
        check_int("bits", True, 1, 12)
    with pytest.raises(BackpropError, match="noise must be between 0 and 0.5, got 0.7"):
        check_float("noise", 0.7, 0.0, 0.5)
    assert check_float("noise", 0, 0.0, 0.5) == 0.0


def test_split_sizes_and_too_few_samples() -> None:
    x, y = np.arange(10.0).reshape(-1, 1), np.arange(10)
    x_train, x_test, y_train, y_test = split(x, y, train_ratio=0.7, seed=0)
    assert (len(x_train), len(x_test)) == (7, 3)
    np.testing.assert_array_equal(x_train.ravel(), y_train)
    with pytest.raises(BackpropError, match="too few to split"):
        split(x[:1], y[:1], train_ratio=0.5, seed=0)


def test_stratified_split_falls_back_when_a_class_is_tiny() -> None:
    x, codes = np.arange(10.0).reshape(-1, 1), np.array([0] * 9 + [1])
    x_train, x_test, _, _ = split(x, codes, train_ratio=0.5, seed=0, stratify=codes)
    assert len(x_train) == len(x_test) == 5


def test_one_hot_keeps_every_class_column() -> None:
    np.testing.assert_array_equal(one_hot(np.array([2, 0]), 4), [[0, 0, 1, 0], [1, 0, 0, 0]])


def test_class_describer() -> None:
    describe = class_describer(("cat", "dog"), "pet:", lambda x: f"{x[0]:.0f} → ")
    line = describe(np.array([7.0]), np.array([0.0, 1.0]), np.array([0.884, 0.116]))
    assert line == "7 → pet: dog, predicted cat (88 %)"


@pytest.mark.parametrize("n", [3, 10, 256, 539])
@pytest.mark.parametrize("ratio", [0.3, 0.7, 0.8])
@pytest.mark.parametrize("seed", [0, 5, 2**32 - 1])
def test_plain_split_is_scikit_learns(n: int, ratio: float, seed: int) -> None:
    from sklearn.model_selection import train_test_split

    x = np.arange(3.0 * n).reshape(n, 3)
    y = -np.arange(1.0 * n).reshape(n, 1)
    expected = train_test_split(x, y, train_size=round(ratio * n), random_state=seed)
    for ours, theirs in zip(split(x, y, train_ratio=ratio, seed=seed), expected, strict=True):
        np.testing.assert_array_equal(ours, theirs)
