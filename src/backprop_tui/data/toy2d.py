"""Two-class 2-D sets in the spirit of TensorFlow Playground: circle, xor, gauss, spiral, moons.

Every generator places its points at a fixed scale inside about [-EXTENT, EXTENT]², so a
decision-boundary plot over that square shows the whole set. Classes are exactly balanced.
``noise`` (0..0.5) blurs each set in its own way, noted per generator. ``features`` picks
the network's inputs, computed from each point (x₁, x₂): see FEATURES and :func:`feature_map`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from backprop_tui.data._common import (
    check_float,
    check_int,
    check_ratio,
    check_seed,
    class_describer,
    classes_dataset,
    counts,
    number,
    rows,
    split,
)
from backprop_tui.data.base import Dataset, Describe, Loader, register
from backprop_tui.errors import BackpropError

EXTENT = 1.0
LABELS = ("blue", "orange")
Generator = Callable[[int, float, int], tuple[np.ndarray, np.ndarray]]
"""generate(samples, noise, seed) -> (points (n, 2), class codes (n,))."""

_FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sin_x1": lambda x1, x2: np.sin(x1),
    "sin_x2": lambda x1, x2: np.sin(x2),
}
FEATURES = tuple(_FEATURES)
"""The input features a 2-D set can feed the network, in column order."""
PLAIN = "x1,x2"
"""The default features: the point itself."""


def parse_features(features: str | Sequence[str]) -> tuple[str, ...]:
    """The named features (a comma list or names) in FEATURES order; at least one."""
    chosen = features.split(",") if isinstance(features, str) else list(features)
    chosen = [name.strip() for name in chosen if name.strip()]
    unknown = [name for name in chosen if name not in _FEATURES]
    if unknown or not chosen:
        what = f"unknown feature {unknown[0]!r}" if unknown else "no features"
        raise BackpropError(f"{what}; choose one or more of: {', '.join(FEATURES)}")
    return tuple(name for name in FEATURES if name in chosen)


def feature_map(points: np.ndarray, features: str | Sequence[str]) -> np.ndarray:
    """The (n, k) feature columns of ``points`` (n, 2), one per chosen feature."""
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([_FEATURES[name](x1, x2) for name in parse_features(features)])


def _halves(samples: int) -> np.ndarray:
    """Class codes: ``samples // 2`` zeros, then ones."""
    return (np.arange(samples) >= samples // 2).astype(np.int64)


def circle(samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A blue circle (radius 0.4) inside an orange one (0.8); noise: make_circles' std × 0.8."""
    from sklearn.datasets import make_circles

    points, inner = make_circles(samples, noise=noise, factor=0.5, random_state=seed)
    return points * 0.8, 1 - inner


def moons(samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half moons, centred; noise: make_moons' std (scaled by 1 / 1.6)."""
    from sklearn.datasets import make_moons

    points, codes = make_moons(samples, noise=noise, random_state=seed)
    return (points - [0.5, 0.25]) / 1.6, codes


def gauss(samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs at ±(0.45, 0.45); noise widens them (std 0.15 + 0.6 × noise)."""
    from sklearn.datasets import make_blobs

    half = samples // 2
    points, codes = make_blobs(
        n_samples=[half, samples - half],
        centers=[[0.45, 0.45], [-0.45, -0.45]],
        cluster_std=0.15 + 0.6 * noise,
        random_state=seed,
    )
    return points, codes


def xor(samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Blue where x·y > 0, orange elsewhere, kept off the axes; noise: jitter std 0.3 × noise."""
    rng = np.random.default_rng(seed)
    codes = _halves(samples)
    magnitude = rng.uniform(0.05, 0.9, (samples, 2))
    sign_x = rng.choice([-1.0, 1.0], samples)
    sign_y = np.where(codes == 0, sign_x, -sign_x)
    points = magnitude * np.column_stack([sign_x, sign_y])
    return points + 0.3 * noise * rng.standard_normal((samples, 2)), codes


def spiral(samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms (1.75 turns, radius 0.9); noise: jitter std 0.2 × noise."""
    rng = np.random.default_rng(seed)
    codes = _halves(samples)
    half = samples // 2
    t = np.concatenate([np.linspace(0, 1, half), np.linspace(0, 1, samples - half)])
    angle = 1.75 * 2 * np.pi * t + np.pi * codes
    points = 0.9 * t[:, None] * np.column_stack([np.sin(angle), np.cos(angle)])
    return points + 0.2 * noise * rng.standard_normal((samples, 2)), codes


GENERATORS: dict[str, Generator] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "moons": moons,
}


def _point(names: tuple[str, ...]) -> Callable[[np.ndarray], str]:
    """How an input row reads: the point itself, or each feature by name."""
    if names == ("x1", "x2"):
        return lambda x_row: f"({x_row[0]:.2f}, {x_row[1]:.2f}) → "
    return lambda x_row: ", ".join(f"{name} {value:.2f}"
                                   for name, value in zip(names, x_row, strict=True)) + " → "


@dataclass(frozen=True)
class PlaneOptions:
    """The checked options every 2-D set takes, plus a set's own (``extra``)."""

    samples: int
    noise: float
    train_ratio: float
    seed: int
    features: tuple[str, ...]
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def options(self) -> dict[str, object]:
        """As the data set keeps them: ``features`` only when not the plain point."""
        options: dict[str, object] = {"samples": self.samples, "noise": self.noise,
                                      "train_ratio": self.train_ratio, "seed": self.seed,
                                      **self.extra}
        if ",".join(self.features) != PLAIN:
            options["features"] = ",".join(self.features)
        return options


def plane_options(samples: object, noise: object, train_ratio: object, seed: object,
                  features: str | Sequence[str], **extra: object) -> PlaneOptions:
    """Check the options every 2-D set takes; ``extra`` are a set's own, already checked."""
    return PlaneOptions(check_int("samples", samples, 10, 1_000_000),
                        check_float("noise", noise, 0.0, 0.5), check_ratio(train_ratio),
                        check_seed(seed), parse_features(features), extra)


def plane_dataset(name: str, points: np.ndarray, targets: np.ndarray, chosen: PlaneOptions,
                  labels: tuple[str, ...] = LABELS, detail: str = "") -> Dataset:
    """A 2-D set split and fed to the network as ``chosen`` says: classes with ``labels``
    (``targets`` are class codes, split stratified), regression without them (``targets``
    are values, kept in their own units)."""
    names = chosen.features
    inputs = "" if ",".join(names) == PLAIN else ", inputs " + ", ".join(names)
    raw_train, raw_test, train, test = split(
        points, targets, train_ratio=chosen.train_ratio, seed=chosen.seed,
        stratify=targets if labels else None)
    return split_plane_dataset(name, (raw_train, train), (raw_test, test), names, labels,
                               f"{name}{detail}, noise {chosen.noise:g}{inputs}",
                               chosen.options)


def split_plane_dataset(name: str, train: tuple[np.ndarray, np.ndarray],
                        test: tuple[np.ndarray, np.ndarray], features: tuple[str, ...],
                        labels: tuple[str, ...], summary: str, options: dict[str, object]
                        ) -> Dataset:
    """A 2-D set from its (points, targets) ``train`` and ``test`` rows: classes with
    ``labels`` (targets are class codes), regression without them (targets are values, kept
    in their own units); the network sees ``features`` of each point."""
    (raw_train, y_train), (raw_test, y_test) = train, test
    x_train, x_test = feature_map(raw_train, features), feature_map(raw_test, features)
    if labels:
        dataset = classes_dataset(name, x_train, y_train, x_test, y_test, labels=labels,
                                  describe=class_describer(labels, "class", _point(features)),
                                  summary=summary, options=options)
    else:
        dataset = Dataset(name, rows(x_train), rows(y_train), rows(x_test), rows(y_test),
                          task="regression", output="linear", loss="mse",
                          describe=_value_describer(_point(features)),
                          summary=f"{summary}, {counts(x_train, x_test)}", options=options)
    return replace(dataset, points=(raw_train, raw_test))


def _value_describer(lead: Callable[[np.ndarray], str]) -> Describe:
    def describe(x_row: np.ndarray, y_row: np.ndarray, prediction_row: np.ndarray) -> str:
        true, guess = float(np.ravel(y_row)[0]), float(np.ravel(prediction_row)[0])
        return f"{lead(np.ravel(x_row))}value {number(true)}, predicted {number(guess)}"

    return describe


def _loader(name: str, generate: Generator) -> Loader:
    def load(
        samples: int = 400,
        noise: float = 0.1,
        train_ratio: float = 0.5,
        seed: int = 0,
        features: str = PLAIN,
    ) -> Dataset:
        chosen = plane_options(samples, noise, train_ratio, seed, features)
        points, codes = generate(chosen.samples, chosen.noise, chosen.seed)
        return plane_dataset(name, points, codes, chosen)

    load.__name__ = load.__qualname__ = name
    load.__doc__ = f"2-D {name}: {generate.__doc__}"
    return load


for _name, _generate in GENERATORS.items():
    register(_name)(_loader(_name, _generate))
