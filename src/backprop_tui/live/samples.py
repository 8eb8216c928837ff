"""The test samples the predictions panel shows, in the data set's own words, and the
figures measured on the same rows with the same weights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from backprop_tui.engine import correct, evaluate

if TYPE_CHECKING:
    from backprop_tui.engine import TrainingSession

PREDICTION_POOL = 2000
"""Test rows the predictions panel counts and the status's test metrics are measured on
(all of them in every set but MNIST, where 10,000 rows would cost 75 ms a snapshot)."""
PREDICTIONS_SHOWN = 24
"""Samples a snapshot carries: more than the panel fits at 120×40, so it is never left
with empty rows while there are samples to show (p/P page by as many as it shows)."""


def frozen(array: np.ndarray) -> np.ndarray:
    """A read-only float64 copy."""
    copy = np.array(array, dtype=np.float64)
    copy.flags.writeable = False
    return copy


@dataclass(frozen=True)
class Prediction:
    """One test sample in the data set's own words."""

    row: int
    text: str
    correct: bool
    image: np.ndarray | None = None
    top: tuple[tuple[str, float], ...] = ()
    error: float | None = None
    """Regression: prediction − target in the data set's own units (no right or wrong)."""


def sample_predictions(session: TrainingSession, pool: np.ndarray, offset: int
                 ) -> tuple[tuple[Prediction, ...], int, dict[str, float]]:
    """The shown samples (mistakes first; regression: largest error first), the number of
    mistakes and the task's metrics, all on the ``pool`` test rows with the current weights."""
    dataset = session.dataset
    if not len(pool):
        return (), 0, {}
    x, y = session.x_test[pool], session.y_test[pool]
    with np.errstate(all="ignore"):
        output = session.network.predict(x)
        metrics = evaluate(dataset.task, y, output, dataset.target_scale)
    if dataset.task == "regression":
        errors = (output - y)[:, 0] * dataset.target_scale
        order = np.argsort(-np.abs(np.nan_to_num(errors, nan=np.inf)), kind="stable")
        right, wrong = np.ones(len(pool), bool), 0
    else:
        errors, right = None, correct(dataset.task, y, output)
        order = np.argsort(right, kind="stable")  # mistakes first, then in pool order
        wrong = int((~right).sum())
    chosen = np.roll(order, -offset)[:PREDICTIONS_SHOWN]
    shown = tuple(prediction(session, int(pool[k]), output[k], bool(right[k]),
                             None if errors is None else float(errors[k])) for k in chosen)
    return shown, wrong, metrics


def top_classes(labels: tuple[str, ...], output: np.ndarray, count: int = 3
                ) -> tuple[tuple[str, float], ...]:
    """The ``count`` likeliest classes of one ``output`` row, as (label, probability)."""
    best = np.argsort(output)[::-1][:count] if labels else ()
    return tuple((labels[j], float(output[j])) for j in best)


def prediction(session: TrainingSession, row: int, output: np.ndarray, right: bool,
               error: float | None = None) -> Prediction:
    """Test row ``row`` as the network's ``output`` for it reads."""
    dataset = session.dataset
    top = top_classes(dataset.labels, output) if dataset.task == "classes" else ()
    image = None
    if dataset.image_shape:
        image = frozen(dataset.x_test[row].reshape(dataset.image_shape))
    text = dataset.describe(dataset.x_test[row], dataset.y_test[row], output)
    return Prediction(row, text, right, image, top, error)
