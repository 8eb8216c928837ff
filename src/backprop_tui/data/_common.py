"""Helpers shared by the data sets: option checks, splitting, encoding and describe lines.

scikit-learn is imported inside the functions that need it, so importing the data package
stays fast.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np

from backprop_tui.data.base import Dataset, Describe
from backprop_tui.errors import BackpropError

MAX_SEED = 2**32 - 1


def check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]``, or a BackpropError naming the option."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise BackpropError(f"{name} must be a whole number, got {value!r}")
    number = int(value)
    if number < low or (high is not None and number > high):
        span = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise BackpropError(f"{name} must be {span}, got {number}")
    return number


def check_float(
    name: str, value: object, low: float, high: float | None = None, *, open_: bool = False
) -> float:
    """``value`` as a float in ``[low, high]`` (``(low, high)`` when ``open_``)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise BackpropError(f"{name} must be a number, got {value!r}")
    value = float(value)
    below = value <= low if open_ else value < low
    above = high is not None and (value >= high if open_ else value > high)
    if below or above:
        if high is None:
            span = f"above {low:g}" if open_ else f"at least {low:g}"
        else:
            span = f"between {low:g} and {high:g}" + (" (exclusive)" if open_ else "")
        raise BackpropError(f"{name} must be {span}, got {value:g}")
    return value


def check_seed(seed: object) -> int:
    return check_int("seed", seed, 0, MAX_SEED)


def check_ratio(train_ratio: object) -> float:
    return check_float("train_ratio", train_ratio, 0.0, 1.0, open_=True)


def split(
    x: np.ndarray,
    y: np.ndarray,
    *,
    train_ratio: float,
    seed: int,
    stratify: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Seeded ``round(train_ratio * n)`` / rest split: ``x_train, x_test, y_train, y_test``.

    With ``stratify`` (class codes) the split keeps class proportions when every class has
    enough members, and falls back to a plain shuffle otherwise.
    """
    n = len(x)
    n_train = round(train_ratio * n)
    if not 1 <= n_train < n:
        raise BackpropError(f"{n} samples are too few to split with train_ratio {train_ratio:g}")
    if stratify is not None:
        from sklearn.model_selection import train_test_split

        try:
            parts = train_test_split(x, y, train_size=n_train, random_state=seed, stratify=stratify)
        except ValueError:  # a class too small to appear on both sides
            pass
        else:
            x_train, x_test, y_train, y_test = parts
            return x_train, x_test, y_train, y_test
    train, test = shuffled_split(n, n_train, seed)
    return x[train], x[test], y[train], y[test]


def shuffled_split(n: int, n_train: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) row indices of the plain shuffle scikit-learn's ``train_test_split``
    makes with ``random_state=seed``: the test rows first in one seeded permutation. Done in
    numpy, since importing scikit-learn takes longer than a built-in data set's whole start."""
    permutation = np.random.RandomState(seed).permutation(n)
    return permutation[n - n_train:], permutation[:n - n_train]


def rows(array: Any) -> np.ndarray:
    """A C-contiguous float64 2-D array (a 1-D input becomes one column)."""
    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    return np.ascontiguousarray(array)


def one_hot(codes: np.ndarray, n_classes: int) -> np.ndarray:
    """Integer class codes ``0 .. n_classes-1`` as float64 one-hot rows."""
    from sklearn.preprocessing import OneHotEncoder

    encoder = OneHotEncoder(
        categories=[np.arange(n_classes)], sparse_output=False, dtype=np.float64
    )
    return rows(encoder.fit_transform(np.asarray(codes).reshape(-1, 1)))


def standardise(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray, Any]:
    """Fit a StandardScaler on ``train``; return both scaled and the scaler."""
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(rows(train))
    return rows(scaler.transform(rows(train))), rows(scaler.transform(rows(test))), scaler


def _scale(train: np.ndarray, test: np.ndarray, on: bool) -> tuple[np.ndarray, np.ndarray, Any]:
    """:func:`standardise`, or (``on`` False) the data as it is with an identity scaler."""
    if on:
        return standardise(train, test)
    from sklearn.preprocessing import StandardScaler

    return rows(train), rows(test), StandardScaler(with_mean=False, with_std=False).fit(rows(train))


def unscale(scaler: Any, row: np.ndarray) -> np.ndarray:
    """One scaled row back in original units."""
    original: np.ndarray = scaler.inverse_transform(np.ravel(row).reshape(1, -1))[0]
    return original


def counts(x_train: np.ndarray, x_test: np.ndarray) -> str:
    """``45 train / 19 test`` for summaries."""
    return f"{len(x_train)} train / {len(x_test)} test"


def number(value: float) -> str:
    """About three significant digits, never scientific: 12.5, 11.9, 1.10, 0.0123, 1234."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = min(6, max(0, 2 - math.floor(math.log10(abs(value)))))
    return f"{value:.{decimals}f}"


def class_describer(
    labels: Sequence[str], word: str = "true", lead: Callable[[np.ndarray], str] | None = None
) -> Describe:
    """``{lead}{word} 3, predicted 3 (97 %)``: the true class, the top prediction and its share."""

    def describe(x_row: np.ndarray, y_row: np.ndarray, prediction_row: np.ndarray) -> str:
        prediction = np.ravel(prediction_row)
        true, guess = int(np.argmax(np.ravel(y_row))), int(np.argmax(prediction))
        start = lead(np.ravel(x_row)) if lead is not None else ""
        share = 100 * float(prediction[guess])
        return f"{start}{word} {labels[true]}, predicted {labels[guess]} ({share:.0f} %)"

    return describe


def regression_describer(y_scaler: Any, word: str = "target") -> Describe:
    """``{word} 1.23, predicted 1.10`` in the target's original units."""

    def describe(x_row: np.ndarray, y_row: np.ndarray, prediction_row: np.ndarray) -> str:
        true = unscale(y_scaler, y_row)[0]
        guess = unscale(y_scaler, prediction_row)[0]
        return f"{word} {number(true)}, predicted {number(guess)}"

    return describe


def regression_dataset(
    name: str,
    x: np.ndarray,
    y: np.ndarray,
    *,
    train_ratio: float,
    seed: int,
    describer: Callable[[Any, Any], Describe],
    summary: str,
    options: dict[str, object],
    standardise: bool = True,
    test_rows: np.ndarray | None = None,
) -> Dataset:
    """Split (where the boolean mask ``test_rows`` says, else seeded), standardise inputs and
    targets on the training rows (unless ``standardise`` is False: the identity), and wrap it
    up.

    ``describer(x_scaler, y_scaler)`` builds the describe function in original units;
    ``target_scale`` is the training targets' standard deviation (1 when not standardised).
    """
    x, y = rows(x), rows(y)
    x_train, x_test, y_train, y_test = split(x, y, train_ratio=train_ratio, seed=seed) \
        if test_rows is None else (x[~test_rows], x[test_rows], y[~test_rows], y[test_rows])
    x_train, x_test, x_scaler = _scale(x_train, x_test, standardise)
    y_train, y_test, y_scaler = _scale(y_train, y_test, standardise)
    return Dataset(
        name=name,
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        task="regression",
        output="linear",
        loss="mse",
        describe=describer(x_scaler, y_scaler),
        summary=f"{summary}, {counts(x_train, x_test)}",
        target_scale=1.0 if y_scaler.scale_ is None else float(y_scaler.scale_[0]),
        options=options,
    )


def classes_dataset(
    name: str,
    x_train: np.ndarray,
    codes_train: np.ndarray,
    x_test: np.ndarray,
    codes_test: np.ndarray,
    *,
    labels: Sequence[str],
    describe: Describe,
    summary: str,
    options: dict[str, object],
    image_shape: tuple[int, int] | None = None,
) -> Dataset:
    """A classification Dataset from split inputs and integer class codes (one-hot targets)."""
    return Dataset(
        name=name,
        x_train=rows(x_train),
        y_train=one_hot(codes_train, len(labels)),
        x_test=rows(x_test),
        y_test=one_hot(codes_test, len(labels)),
        task="classes",
        output="softmax",
        loss="cross_entropy",
        describe=describe,
        summary=f"{summary}, {counts(x_train, x_test)}",
        labels=tuple(labels),
        image_shape=image_shape,
        options=options,
    )
