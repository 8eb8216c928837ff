"""Initial weights and biases of one layer, by the initialisation's name."""

from __future__ import annotations

import numpy as np

from backprop_tui.engine.activations import Activation

INITIALISATIONS = ("auto", "he", "glorot", "normal", "normal0.1", "uniform")
"""``auto`` picks the hidden activation's ``auto_init`` (He for (leaky) ReLU, else Glorot);
``uniform`` is U[0, 1), ``normal`` N(0, 1) and ``normal0.1`` N(0, 1)·0.1, each for weights
*and* biases (as the seed posts draw them)."""


def initial(
    init: str, hidden: Activation, shape: tuple[int, ...], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Initial (W, b) for one layer of weights of shape (fan in, fan out)."""
    fan_in, fan_out = shape
    if init == "uniform":
        return rng.random((fan_in, fan_out)), rng.random(fan_out)
    if init in ("normal", "normal0.1"):
        scale = 0.1 if init == "normal0.1" else 1.0
        return (scale * rng.standard_normal((fan_in, fan_out)),
                scale * rng.standard_normal(fan_out))
    if init == "auto":
        init = hidden.auto_init
    if init == "he":
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))
    else:
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-limit, limit, (fan_in, fan_out))
    return w, np.zeros(fan_out)
