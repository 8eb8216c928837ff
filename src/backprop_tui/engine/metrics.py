"""Quality measures per task, from a network's outputs and the targets.

Written directly in numpy (checked against scikit-learn in the tests) because they run after
every epoch, and tiny data sets have an epoch every few steps: scikit-learn's input
validation alone would cost more than the training.
"""

from __future__ import annotations

import numpy as np

METRICS = {
    "classes": ("accuracy",),
    "bits": ("bit_accuracy", "word_accuracy"),
    "regression": ("r2", "mae"),
}
"""The metrics reported for each task kind; the first one is the headline."""


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
    if task == "classes":
        return output.argmax(axis=1) == y.argmax(axis=1)
    if task == "bits":
        return ((output > 0.5) == (y > 0.5)).all(axis=1)
    return (np.abs(y - output) <= tolerance).all(axis=1)
