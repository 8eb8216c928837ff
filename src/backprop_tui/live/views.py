"""The classification views' data: confusion matrix, mistakes, first-layer weight images and
weight histograms now and at initialisation, built in the trainer while the views are open.

Sizes are bounded: at most VIEW_ROWS test rows, MISTAKES mistakes and NEURON_IMAGES images.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.engine import TrainingSession, correct, rebuild
from backprop_tui.live.samples import Prediction, frozen, prediction
from backprop_tui.live.snapshot import HISTOGRAM_BINS

VIEW_ROWS = 2000
"""Test rows the confusion matrix counts (all of them for the small data sets)."""
MISTAKES = 12
NEURON_IMAGES = 32


@dataclass(frozen=True)
class Histogram:
    """Weight counts over ``HISTOGRAM_BINS`` bins from ``weight_min`` to ``weight_max`` (the
    field names the weight panel's sparkline reads)."""

    histogram: tuple[int, ...]
    weight_min: float
    weight_max: float


@dataclass(frozen=True)
class Views:
    """What the views screen draws, for the first ``rows`` test rows."""

    rows: int
    labels: tuple[str, ...]
    """Class names (classes) or output names (bits)."""
    confusion: np.ndarray | None
    """classes: counts, rows true class, columns predicted; else None."""
    bit_accuracy: tuple[float, ...]
    """bits: the fraction of rows each output bit gets right; else ()."""
    wrong: int
    mistakes: tuple[Prediction, ...]
    """The first MISTAKES wrong rows."""
    neurons: tuple[int, ...]
    """Which first-layer neurons have an image (image data sets only)."""
    images: tuple[np.ndarray, ...]
    """Each shown neuron's incoming weights reshaped to the data set's image shape."""
    histograms: tuple[tuple[Histogram, Histogram], ...]
    """Per weight layer, (now, at initialisation) over the same bin edges."""


class InitialWeights:
    """The weights the current network started from: a fresh network of the same shape from
    the session's seed (what building, resetting and reshaping give), cached per shape."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._weights: tuple[np.ndarray, ...] = ()

    def __call__(self, session: TrainingSession) -> tuple[np.ndarray, ...]:
        net = session.network
        key = (net.sizes, net.hidden.name, net.loss.output.name, net.loss.name, net.init,
               net.dtype, session.seed)
        if key != self._key:
            fresh = rebuild(net, seed=session.seed)
            self._key, self._weights = key, tuple(frozen(w) for w in fresh.weights)
        return self._weights


def histograms(now: np.ndarray, initial: np.ndarray) -> tuple[Histogram, Histogram]:
    """Both weight matrices counted over the same bins (empty counts if not finite)."""
    both = np.concatenate([now.ravel(), initial.ravel()])
    if not np.isfinite(both).all():
        empty = Histogram((0,) * HISTOGRAM_BINS, float("nan"), float("nan"))
        return empty, empty
    low, high = float(both.min()), float(both.max())
    edges = np.linspace(low, high, HISTOGRAM_BINS + 1) if high > low else HISTOGRAM_BINS
    now_counted, initial_counted = (
        Histogram(tuple(int(c) for c in np.histogram(w, bins=edges)[0]), low, high)
        for w in (now, initial))
    return now_counted, initial_counted


def _first_layer(session: TrainingSession) -> tuple[tuple[int, ...], tuple[np.ndarray, ...]]:
    shape, weights = session.dataset.image_shape, session.network.weights[0]
    if shape is None or weights.shape[0] != shape[0] * shape[1]:
        return (), ()
    width = weights.shape[1]
    neurons = np.unique(np.linspace(0, width - 1, min(width, NEURON_IMAGES)).round().astype(int))
    return (tuple(int(n) for n in neurons),
            tuple(frozen(weights[:, n].reshape(shape)) for n in neurons))


def build_views(session: TrainingSession, initial: tuple[np.ndarray, ...]) -> Views:
    """The views of ``session``, comparing its weights with ``initial``."""
    dataset = session.dataset
    rows = min(VIEW_ROWS, len(session.x_test))
    y = session.y_test[:rows]
    with np.errstate(all="ignore"):
        output = session.network.predict(session.x_test[:rows])
    right = correct(dataset.task, y, output)
    confusion: np.ndarray | None = None
    bits: tuple[float, ...] = ()
    labels = dataset.labels or tuple(str(k) for k in range(y.shape[1]))
    if dataset.task == "classes":
        classes = y.shape[1]
        pairs = y.argmax(axis=1) * classes + output.argmax(axis=1)
        confusion = np.bincount(pairs, minlength=classes * classes).reshape(classes, classes)
        confusion.flags.writeable = False
    elif dataset.task == "bits":
        bits = tuple(float(b) for b in ((output > 0.5) == (y > 0.5)).mean(axis=0))
    wrong_rows = np.flatnonzero(~right)
    mistakes = tuple(prediction(session, int(row), output[row], False)
                     for row in wrong_rows[:MISTAKES])
    neurons, images = _first_layer(session)
    pairs_now_init = tuple(histograms(w, w0)
                           for w, w0 in zip(session.network.weights, initial, strict=True))
    return Views(rows, labels, confusion, bits, len(wrong_rows), mistakes, neurons, images,
                 pairs_now_init)
