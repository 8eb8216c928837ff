"""Handwritten digits: scikit-learn's 8×8 set (ships with it, works offline).

:func:`digit_images` builds the Dataset shared with the 28×28 MNIST loader.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from backprop_tui.data._common import (
    check_ratio,
    check_seed,
    class_describer,
    classes_dataset,
    split,
)
from backprop_tui.data.base import Dataset, register
from backprop_tui.errors import BackpropError

DIGIT_LABELS = tuple(str(digit) for digit in range(10))
SCALINGS = ("fixed", "minmax")
"""``fixed``: pixels / their largest possible value; ``minmax``: each pixel column mapped to
[0, 1] by its own smallest and largest value, each split on its own (as the MNIST post does
with scikit-learn's MinMaxScaler); a constant column becomes 0."""


Levels = tuple[np.ndarray, np.ndarray] | None
"""Each input's value for a blank and for a full pixel (None: 0 and 1; see Dataset)."""


def scaled(train: np.ndarray, test: np.ndarray, scaling: str
           ) -> tuple[np.ndarray, np.ndarray, Levels]:
    """Both splits' pixel rows (already / the largest value) scaled as ``scaling`` says, and
    the training split's levels of a blank and a full pixel."""
    if scaling not in SCALINGS:
        raise BackpropError(f"unknown scaling {scaling!r}; choose one of: {', '.join(SCALINGS)}")
    if scaling == "fixed":
        return train, test, None
    low, span = _range(train)
    return (train - low) / span, _min_max(test), (-low / span, (1 - low) / span)


def _range(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's smallest value and its span (1 for a constant column)."""
    low, high = pixels.min(axis=0), pixels.max(axis=0)
    return low, np.where(high > low, high - low, 1.0)


def _min_max(pixels: np.ndarray) -> np.ndarray:
    low, span = _range(pixels)
    result: np.ndarray = (pixels - low) / span
    return result


def digit_images(
    name: str,
    x_train: np.ndarray,
    codes_train: np.ndarray,
    x_test: np.ndarray,
    codes_test: np.ndarray,
    *,
    image_shape: tuple[int, int],
    summary: str,
    options: dict[str, object],
    levels: Levels = None,
) -> Dataset:
    """A digit classification Dataset: pixel rows in [0, 1], one-hot targets for 0..9."""
    dataset = classes_dataset(
        name,
        x_train,
        codes_train,
        x_test,
        codes_test,
        labels=DIGIT_LABELS,
        describe=class_describer(DIGIT_LABELS),
        summary=summary,
        options=options,
        image_shape=image_shape,
    )
    return replace(dataset, image_levels=levels)


@register("digits")
def digits(seed: int = 0, train_ratio: float = 0.7, scaling: str = "fixed") -> Dataset:
    """1797 8×8 digits (pixels / 16, or see SCALINGS), stratified ``train_ratio`` split."""
    from sklearn.datasets import load_digits

    seed, train_ratio = check_seed(seed), check_ratio(train_ratio)
    pixels, codes = load_digits(return_X_y=True)
    x_train, x_test, codes_train, codes_test = split(
        pixels / 16.0, codes, train_ratio=train_ratio, seed=seed, stratify=codes
    )
    x_train, x_test, levels = scaled(x_train, x_test, scaling)
    return digit_images(
        "digits",
        x_train,
        codes_train,
        x_test,
        codes_test,
        image_shape=(8, 8),
        levels=levels,
        summary="8×8 digits" + (", min-max scaled" if scaling == "minmax" else ""),
        options={"seed": seed, "train_ratio": train_ratio,
                 **({"scaling": scaling} if scaling != "fixed" else {})},
    )
