"""More 2-D sets on the Playground square: multi-class blobs, a function's boundary, and
Playground's two regression sets (a plane and a mixture of Gaussians).

They take the options of the sets in :mod:`backprop_tui.data.toy2d` (samples, noise,
train_ratio, seed, features) and place their points inside about [-EXTENT, EXTENT]². The
regression targets stay in their own units (about -1 to 1), positive drawn blue.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop_tui.data._common import check_int
from backprop_tui.data.base import Dataset, register
from backprop_tui.data.toy2d import GENERATORS, PLAIN, plane_dataset, plane_options
from backprop_tui.errors import BackpropError

COLOURS = ("blue", "orange", "green", "purple", "red", "teal")
"""The blobs' class names, in the order the boundary screen colours them."""
CLASSES = (3, 6)
"""The fewest and most blobs."""
CURVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": lambda x: 0.5 * np.sin(np.pi * x),
    "cubic": lambda x: 1.5 * (x**3 - x),
    "abs": lambda x: np.abs(x) - 0.5,
}
"""The function boundary's f: 0.5 sin(πx), 1.5 (x³ − x) and |x| − 0.5 (each dividing the
square into two equal areas)."""
BUMPS = np.array([[-0.67, 0.42, 1], [0, 0.42, -1], [0.67, 0.42, 1],
                  [-0.67, -0.42, -1], [0, -0.42, 1], [0.67, -0.42, -1]])
"""The Gaussian mixture's bumps: centre x, centre y and sign, in a 3 × 2 checkerboard."""
BUMP_WIDTH = 0.2


def _square(samples: int, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-1.0, 1.0, (samples, 2))


@register("blobs")
def blobs(samples: int = 400, noise: float = 0.1, train_ratio: float = 0.5, seed: int = 0,
          features: str = PLAIN, classes: int = 3) -> Dataset:
    """2-D blobs: 3 to 6 Gaussian blobs (``classes``) evenly round a circle of radius 0.6,
    one class each; noise widens them (std 0.1 + 0.4 × noise)."""
    from sklearn.datasets import make_blobs

    classes = check_int("classes", classes, *CLASSES)
    chosen = plane_options(samples, noise, train_ratio, seed, features, classes=classes)
    angles = np.pi / 2 + 2 * np.pi * np.arange(classes) / classes
    sizes = [chosen.samples // classes + (k < chosen.samples % classes) for k in range(classes)]
    points, codes = make_blobs(n_samples=sizes, centers=0.6 * np.column_stack(
        [np.cos(angles), np.sin(angles)]), cluster_std=0.1 + 0.4 * chosen.noise,
        random_state=chosen.seed)
    return plane_dataset("blobs", points, codes, chosen, COLOURS[:classes],
                         f", {classes} classes")


@register("function")
def function(samples: int = 400, noise: float = 0.1, train_ratio: float = 0.5, seed: int = 0,
             features: str = PLAIN, f: str = "sin") -> Dataset:
    """2-D function boundary: blue above y = f(x), orange below, f one of sin (0.5 sin πx),
    cubic (1.5 (x³ − x)) or abs (|x| − 0.5); noise: jitter std 0.3 × noise."""
    if f not in CURVES:
        raise BackpropError(f"unknown f {f!r}; choose one of: {', '.join(CURVES)}")
    chosen = plane_options(samples, noise, train_ratio, seed, features, f=f)
    rng = np.random.default_rng(chosen.seed)
    codes = (np.arange(chosen.samples) >= chosen.samples // 2).astype(np.int64)
    x = rng.uniform(-1.0, 1.0, chosen.samples)
    curve = CURVES[f](x)
    y = np.where(codes == 0, rng.uniform(curve, 1.0), rng.uniform(-1.0, curve))
    points = np.column_stack([x, y]) + 0.3 * chosen.noise * rng.standard_normal((len(x), 2))
    return plane_dataset("function", points, codes, chosen, detail=f" {f}")


@register("plane")
def plane(samples: int = 400, noise: float = 0.1, train_ratio: float = 0.5, seed: int = 0,
          features: str = PLAIN) -> Dataset:
    """2-D plane (regression): the value (x₁ + x₂) / 2 over the square; noise adds
    Gaussian noise of std 0.5 × noise to the value."""
    chosen = plane_options(samples, noise, train_ratio, seed, features)
    rng = np.random.default_rng(chosen.seed)
    points = _square(chosen.samples, rng)
    values = points.sum(axis=1) / 2 + 0.5 * chosen.noise * rng.standard_normal(len(points))
    return plane_dataset("plane", points, values, chosen, labels=())


@register("gaussians")
def gaussians(samples: int = 400, noise: float = 0.1, train_ratio: float = 0.5,
              seed: int = 0, features: str = PLAIN) -> Dataset:
    """2-D mixture of Gaussians (regression): six bumps of height ±1 (std 0.2) in a
    checkerboard, summed; noise adds Gaussian noise of std 0.5 × noise to the value."""
    chosen = plane_options(samples, noise, train_ratio, seed, features)
    rng = np.random.default_rng(chosen.seed)
    points = _square(chosen.samples, rng)
    values = mixture(points) + 0.5 * chosen.noise * rng.standard_normal(len(points))
    return plane_dataset("gaussians", points, values, chosen, labels=())


def mixture(points: np.ndarray) -> np.ndarray:
    """The Gaussian mixture's clean value at each of ``points`` (n, 2)."""
    squared = ((points[:, None, :] - BUMPS[None, :, :2]) ** 2).sum(axis=2)
    return np.asarray(np.exp(-squared / (2 * BUMP_WIDTH**2)) @ BUMPS[:, 2])


PLANE_SETS = (*GENERATORS, "blobs", "function", "plane", "gaussians")
"""Every 2-D set's name."""
