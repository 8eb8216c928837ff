"""Data augmentation for image data sets: random shifts, small rotations and pixel noise.

Each training mini-batch can be replaced by randomly transformed copies of its images (the
targets stay). The transforms work on pixels, not on what the network sees: a row is mapped
back to pixel values (0 blank … 1 full) with the data set's ``image_levels``, transformed, and
scaled again, so a pixel shifted in from outside the frame is a blank pixel in any scaling.
The random draws come from a generator of their own; with augmentation off nothing is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from backprop_tui.errors import BackpropError

if TYPE_CHECKING:
    from backprop_tui.data import Dataset

TRANSFORMS = ("shift", "rotate", "noise")
"""The transforms, as spelled; a batch is rotated first, then shifted, then noised."""
OFF = "off"
MAX_DEGREES = 12.0
"""Rotations are drawn uniformly from ± this many degrees, about the image's centre."""
NOISE_STD = 0.1
"""Standard deviation of the Gaussian pixel noise, as a fraction of a full pixel (clipped to
blank … full)."""
STREAM = 41
"""The augmentation generator is ``default_rng([seed, STREAM])``."""
ALIASES = {"none": OFF, OFF: OFF, "on": ",".join(TRANSFORMS), "all": ",".join(TRANSFORMS)}


def canonical(text: object) -> str:
    """``text`` (a comma list of TRANSFORMS, ``all``/``on`` or ``off``/``none``) spelled one
    way: the chosen transforms comma-separated in TRANSFORMS' order, or ``off``."""
    if not isinstance(text, str):
        raise BackpropError(f"augment must be a comma list of {', '.join(TRANSFORMS)} (or all, "
                            f"off), not {text!r}")
    words = [word for word in (part.strip().lower() for part in text.split(",")) if word]
    if len(words) <= 1 and (alias := ALIASES.get(words[0] if words else OFF)):
        return alias
    for word in words:
        if word not in TRANSFORMS:
            raise BackpropError(f"unknown augmentation {word!r}; choose a comma list of "
                                f"{', '.join(TRANSFORMS)}, or all, or off")
    return ",".join(name for name in TRANSFORMS if name in words)


def chosen(augment: str) -> tuple[str, ...]:
    """The transforms a canonical ``augment`` value switches on (() when off)."""
    return () if augment == OFF else tuple(augment.split(","))


def check(augment: str, dataset: Dataset) -> None:
    """Refuse augmentation on a data set whose rows are not images."""
    if augment != OFF and dataset.image_shape is None:
        raise BackpropError(f"augmentation needs an image data set (digits, mnist); the rows of "
                            f"{dataset.name} are not images")


def max_shift(shape: tuple[int, int]) -> int:
    """The largest shift, in pixels: 1 on an 8×8 image, 2 on a 28×28 one."""
    return max(1, round(min(shape) / 14))


def levels(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Each input's value for a blank and for a full pixel (0 and 1 unless the data set says
    otherwise)."""
    if dataset.image_levels is not None:
        return dataset.image_levels
    return np.zeros(dataset.n_inputs), np.ones(dataset.n_inputs)


def shifted(images: np.ndarray, down: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Each image ``k`` of ``images`` (n, h, w) moved ``down[k]`` rows and ``right[k]``
    columns (whole numbers, negative: up or left), blank where it moved away from."""
    rows = np.arange(images.shape[1])[None, :, None] - down[:, None, None]
    cols = np.arange(images.shape[2])[None, None, :] - right[:, None, None]
    return _pixels(images, rows, cols)


def rotated(images: np.ndarray, degrees: np.ndarray) -> np.ndarray:
    """Each image ``k`` of ``images`` (n, h, w) turned ``degrees[k]`` about its centre
    (positive: anticlockwise as drawn, rows going down), bilinear, blank outside the frame."""
    n, h, w = images.shape
    angle = np.deg2rad(degrees)[:, None, None]
    cos, sin = np.cos(angle), np.sin(angle)
    y = np.arange(h)[None, :, None] - (h - 1) / 2
    x = np.arange(w)[None, None, :] - (w - 1) / 2
    # where each output pixel comes from; beyond a pixel outside the frame all is blank
    source_y = np.clip((h - 1) / 2 + cos * y + sin * x, -1, h)
    source_x = np.clip((w - 1) / 2 - sin * y + cos * x, -1, w)
    top, left = np.floor(source_y), np.floor(source_x)
    down, across = source_y - top, source_x - left
    framed = np.zeros((n, h + 3, w + 3))  # a blank border: every neighbour is inside
    framed[:, 1:h + 1, 1:w + 1] = images
    flat, row = framed.ravel(), w + 3
    corner = ((np.arange(n)[:, None, None] * (h + 3) + top.astype(np.intp) + 1) * row
              + left.astype(np.intp) + 1)
    result: np.ndarray = (
        (1 - down) * ((1 - across) * flat[corner] + across * flat[corner + 1])
        + down * ((1 - across) * flat[corner + row] + across * flat[corner + row + 1]))
    return result


def _pixels(images: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``images[k, rows[k, i, j], cols[k, i, j]]``, 0 where the index is outside the image."""
    n, h, w = images.shape
    inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
    picked = images[np.arange(n)[:, None, None], rows.clip(0, h - 1), cols.clip(0, w - 1)]
    return np.where(inside, picked, 0.0)


def augmented(x: np.ndarray, dataset: Dataset, augment: str,
              rng: np.random.Generator) -> np.ndarray:
    """Randomly transformed copies of the image rows ``x`` (n, h·w) of ``dataset``: rotated
    by up to MAX_DEGREES, shifted by up to :func:`max_shift` pixels and with NOISE_STD noise,
    as ``augment`` chooses, drawing in that order from ``rng``."""
    transforms, shape = chosen(augment), dataset.image_shape
    if not transforms or shape is None:
        return x.copy()
    blank, full = levels(dataset)
    n = len(x)
    pixels = ((x - blank) / (full - blank)).reshape(n, *shape)
    if "rotate" in transforms:
        pixels = rotated(pixels, rng.uniform(-MAX_DEGREES, MAX_DEGREES, n))
    if "shift" in transforms:
        most = max_shift(shape)
        moves = rng.integers(-most, most + 1, (2, n))
        pixels = shifted(pixels, moves[0], moves[1])
    if "noise" in transforms:
        pixels = np.clip(pixels + rng.normal(0.0, NOISE_STD, pixels.shape), 0.0, 1.0)
    result: np.ndarray = blank + pixels.reshape(n, -1) * (full - blank)
    return result
