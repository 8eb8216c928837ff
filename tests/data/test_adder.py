"""The n-bit adder / subtractor."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.data import load
from backprop_tui.data.adder import from_bits, to_bits
from backprop_tui.errors import BackpropError


def decode(x: np.ndarray, y: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    weights = 1 << np.arange(bits - 1, -1, -1)
    as_int = x.astype(np.int64)
    return as_int[:, :bits] @ weights, as_int[:, bits:] @ weights, y.astype(np.int64) @ weights


def test_default_is_the_classic_8_12_12_4_problem() -> None:
    data = load("adder")
    assert data.x_train.shape == (45, 8) and data.y_train.shape == (45, 4)
    assert data.x_test.shape == (19, 8) and data.y_test.shape == (19, 4)
    assert (data.task, data.output, data.loss) == ("bits", "sigmoid", "binary_cross_entropy")
    assert data.summary == "4-bit adder, 45 train / 19 test"
    x = np.vstack([data.x_train, data.x_test])
    a, b, total = decode(x, np.vstack([data.y_train, data.y_test]), 4)
    np.testing.assert_array_equal(a + b, total)
    assert {(int(i), int(j)) for i, j in zip(a, b, strict=True)} == {
        (i, j) for i in range(8) for j in range(8)
    }


def test_subtraction_never_goes_negative() -> None:
    data = load("adder", operation="subtract")
    assert len(data.x_train) + len(data.x_test) == 16 * 17 // 2
    assert len(data.x_train) == round(0.7 * 136)
    a, b, difference = decode(data.x_train, data.y_train, 4)
    assert np.all(a >= b) and np.all(a < 16)
    np.testing.assert_array_equal(a - b, difference)


@pytest.mark.parametrize("operation", ["add", "subtract"])
def test_wide_operands_are_sampled_without_repeats(operation: str) -> None:
    data = load("adder", bits=12, operation=operation, max_pairs=3000)
    x, y = np.vstack([data.x_train, data.x_test]), np.vstack([data.y_train, data.y_test])
    assert x.shape == (3000, 24) and y.shape == (3000, 12)
    a, b, result = decode(x, y, 12)
    np.testing.assert_array_equal(a + b if operation == "add" else a - b, result)
    assert len({(int(i), int(j)) for i, j in zip(a, b, strict=True)}) == 3000
    if operation == "subtract":
        assert np.all(a >= b)


def test_every_subtraction_pair_is_enumerated_once() -> None:
    data = load("adder", bits=6, operation="subtract", max_pairs=10**6)
    a, b, _ = decode(np.vstack([data.x_train, data.x_test]), np.zeros((1, 6)), 6)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [
        (i, j) for i in range(64) for j in range(i + 1)
    ]


def test_describe_shows_the_sum_and_the_thresholded_prediction() -> None:
    data = load("adder")
    x = to_bits(np.array([6, 5]), 4).ravel().astype(float)
    y = to_bits(np.array([11]), 4)[0].astype(float)
    line = data.describe(x, y, np.array([0.9, 0.2, 0.7, 0.6]))
    assert line == "6 + 5 = 11  (0110+0101 → 1011, predicted 1011 = 11)"
    wrong = data.describe(x, y, np.array([0.9, 0.2, 0.7, 0.4]))
    assert wrong.endswith("predicted 1010 = 10)")
    minus = load("adder", operation="subtract").describe(x, to_bits(np.array([1]), 4)[0], y)
    assert minus == "6 - 5 = 1  (0110-0101 → 0001, predicted 1011 = 11)"


def test_bits_round_trip() -> None:
    assert to_bits(np.array([5]), 4).tolist() == [[0, 1, 0, 1]]
    assert from_bits(np.array([0.1, 0.9, 0.4, 0.5])) == 5


def test_split_is_seeded() -> None:
    assert np.array_equal(load("adder", seed=3).x_test, load("adder", seed=3).x_test)
    assert not np.array_equal(load("adder", seed=3).x_test, load("adder", seed=4).x_test)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"bits": 0}, "bits must be from 1 to 12"),
        ({"bits": 13}, "bits must be from 1 to 12"),
        ({"operation": "multiply"}, "unknown operation 'multiply'"),
        ({"bits": 1}, "too few to split"),
    ],
)
def test_bad_options(options: dict[str, object], problem: str) -> None:
    with pytest.raises(BackpropError, match=problem):
        load("adder", **options)
