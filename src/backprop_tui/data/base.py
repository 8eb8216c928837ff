"""What every data set returns, and the registry that finds one by name."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from backprop_tui.errors import BackpropError

Task = Literal["classes", "bits", "regression"]
"""classes: one-hot targets, softmax output; bits: several 0/1 outputs (the adder's sum bits);
regression: real-valued targets (standardised; ``target_scale`` maps errors back to units)."""

Describe = Callable[[np.ndarray, np.ndarray, np.ndarray], str]
"""describe(x_row, y_row, prediction_row) -> one line in the data set's own words."""


@dataclass(frozen=True)
class Dataset:
    """A train/test split ready for the network, plus what a person needs to read it.

    Arrays are row-major ``(n_samples, n_features)`` / ``(n_samples, n_outputs)``, float64.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: Task
    output: str
    """Recommended output activation: ``softmax``, ``sigmoid`` or ``linear``."""
    loss: str
    """Recommended loss, matched with ``output``: ``cross_entropy``, ``binary_cross_entropy``
    or ``mse``."""
    describe: Describe
    summary: str = ""
    """One line for the status bar / picker, e.g. ``4-bit adder, 45 train / 19 test``."""
    labels: tuple[str, ...] = ()
    """Class names for ``classes`` tasks (``"0"`` … ``"9"`` for digits)."""
    image_shape: tuple[int, int] | None = None
    """Set for image data sets: each input row reshapes to this (values in [0, 1])."""
    target_scale: float = 1.0
    """For regression: one standardised target unit in the data set's own units."""
    options: dict[str, object] = field(default_factory=dict)
    """The options it was loaded with (noise, seed, …), for reloading and display."""
    points: tuple[np.ndarray, np.ndarray] | None = None
    """The 2-D sets' raw (x₁, x₂) train and test points, whatever input features they feed."""
    image_levels: tuple[np.ndarray, np.ndarray] | None = None
    """Image sets scaled column by column: each input's value for a blank and for a full
    pixel, as the training rows are scaled (None: 0 and 1)."""

    @property
    def n_inputs(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_outputs(self) -> int:
        return int(self.y_train.shape[1])


Loader = Callable[..., Dataset]
_REGISTRY: dict[str, Loader] = {}


def register(name: str) -> Callable[[Loader], Loader]:
    """Decorator: make a loader available to :func:`load` under ``name``."""

    def add(loader: Loader) -> Loader:
        _REGISTRY[name] = loader
        return loader

    return add


def names() -> list[str]:
    """Every registered data set name (``csv:PATH`` is accepted by :func:`load` as well)."""
    return sorted(_REGISTRY)


def load(name: str, **options: object) -> Dataset:
    """Load a data set by name (``adder``, ``digits``, ``csv:path/to/file.csv`` …)."""
    if name.startswith("csv:"):
        options = {"path": name[4:], **options}
        name = "csv"
    try:
        loader = _REGISTRY[name]
    except KeyError:
        known = ", ".join(names())
        raise BackpropError(
            f"unknown data set {name!r}; choose one of: {known}, csv:PATH"
        ) from None
    try:
        inspect.signature(loader).bind(**options)
    except TypeError as error:  # an option the loader does not take
        raise BackpropError(f"data set {name!r}: {error}") from None
    return loader(**options)
