"""Quality measures per task, from a network's outputs and the targets.

Written directly in numpy (checked against scikit-learn in the tests) because they run after
every epoch, and tiny data sets have an epoch every few steps: scikit-learn's input
validation alone would cost more than the training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Metric:
    """How one metric is named and read: ``label`` in full, ``short`` where room is tight,
    whether higher is better and whether it reads as a percentage (a fraction shown × 100)."""

    name: str
    label: str
    short: str
    higher_is_better: bool = True
    percent: bool = False
    spec: str = ".3g"
    """How a value that is not a percentage is written."""

    def format(self, value: float) -> str:
        """``97.2 %`` for a percentage, else as ``spec`` says (R²: ``0.9996``, never a
        rounded ``1``)."""
        return f"{100 * value:.1f} %" if self.percent else f"{value:{self.spec}}"


METRIC_TABLE = {m.name: m for m in (
    Metric("accuracy", "accuracy", "acc", percent=True),
    Metric("bit_accuracy", "bit accuracy", "bit acc", percent=True),
    Metric("word_accuracy", "word accuracy", "word acc", percent=True),
    Metric("r2", "R²", "R²", spec=".4f"),
    Metric("mae", "MAE", "MAE", higher_is_better=False),
)}
"""Every metric, by name."""
METRICS = {
    "classes": ("accuracy",),
    "bits": ("bit_accuracy", "word_accuracy"),
    "regression": ("r2", "mae"),
}
"""The metrics reported for each task kind."""
HEADLINES = {"classes": "accuracy", "bits": "word_accuracy", "regression": "r2"}
"""The one metric per task kind that sums up how well the network does."""


def headline(task: str) -> Metric:
    """The headline metric of ``task`` (plotted, compared with a target, shown in the lab)."""
    return METRIC_TABLE[HEADLINES[task]]


def evaluate(task: str, y: np.ndarray, output: np.ndarray, target_scale: float = 1.0
             ) -> dict[str, float]:
    """Metrics of ``output`` against targets ``y`` for ``task`` (see :data:`METRICS`)."""
    if task == "classes":
        return {"accuracy": float(np.mean(output.argmax(axis=1) == y.argmax(axis=1)))}
    if task == "bits":
        right = (output > 0.5) == (y > 0.5)
        words = right.all(axis=1)
        return {"bit_accuracy": float(right.mean()), "word_accuracy": float(words.mean())}
    residual = y - output
    total = float(np.sum((y - y.mean(axis=0)) ** 2))
    r2 = 1.0 - float(np.sum(residual**2)) / total if total > 0 else 0.0
    return {"r2": r2, "mae": float(np.abs(residual).mean()) * target_scale}


def correct(task: str, y: np.ndarray, output: np.ndarray, tolerance: float = 0.1) -> np.ndarray:
    """Per sample: right or wrong (regression: within ``tolerance`` standardised units)."""
    right: np.ndarray
    if task == "classes":
        right = output.argmax(axis=1) == y.argmax(axis=1)
    elif task == "bits":
        right = ((output > 0.5) == (y > 0.5)).all(axis=1)
    else:
        right = (np.abs(y - output) <= tolerance).all(axis=1)
    return right
