"""Activation functions and their derivatives, by name.

Each activation computes ``a = f(z)`` into a preallocated array and its derivative ``f'(z)``
from ``z`` and ``a`` (whichever is cheaper), so the hot path allocates nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.errors import BackpropError

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """``forward(z, out)`` writes f(z) into ``out``; ``derivative(z, a, out)`` writes f'(z)."""

    name: str
    formula: str
    forward: Callable[[np.ndarray, np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _sigmoid(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^−z), computed as ½(1 + tanh(z/2)): no overflow for any z."""
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def _sigmoid_prime(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 − σ(z))."""
    np.subtract(1.0, a, out=out)
    out *= a
    return out


def _tanh(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.tanh(z, out=out)


def _tanh_prime(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 − tanh²(z)."""
    np.multiply(a, a, out=out)
    np.subtract(1.0, out, out=out)
    return out


def _relu(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0, out=out)


def _relu_prime(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """1 where z > 0, else 0."""
    return np.greater(z, 0.0, out=out, casting="unsafe")


def _leaky_relu(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """max(z, 0.01·z)."""
    np.multiply(z, LEAKY_SLOPE, out=out)
    return np.maximum(z, out, out=out)


def _leaky_relu_prime(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """1 where z > 0, else 0.01."""
    np.greater(z, 0.0, out=out, casting="unsafe")
    out *= 1.0 - LEAKY_SLOPE
    out += LEAKY_SLOPE
    return out


def _linear(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    np.copyto(out, z)
    return out


def _linear_prime(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    out.fill(1.0)
    return out


def _softmax(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """softmax(z)ᵢ = e^(zᵢ − max z) / Σⱼ e^(zⱼ − max z), row by row."""
    np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def _softmax_prime(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    raise BackpropError("softmax is an output activation: pair it with cross_entropy")


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", "σ(z) = 1/(1+e^−z)", _sigmoid, _sigmoid_prime),
        Activation("tanh", "tanh(z)", _tanh, _tanh_prime),
        Activation("relu", "max(0, z)", _relu, _relu_prime),
        Activation("leaky_relu", "max(0.01z, z)", _leaky_relu, _leaky_relu_prime),
        Activation("linear", "z", _linear, _linear_prime),
        Activation("softmax", "e^zᵢ/Σe^zⱼ", _softmax, _softmax_prime),
    )
}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
"""Activations a hidden layer may use (softmax is for the output only)."""


def get_activation(name: str, hidden: bool = True) -> Activation:
    """The activation called ``name``; a BackpropError names the choices if there is none."""
    choices = HIDDEN_ACTIVATIONS if hidden else tuple(ACTIVATIONS)
    if name not in choices:
        kind = "hidden activation" if hidden else "activation"
        raise BackpropError(f"unknown {kind} {name!r}; choose one of: {', '.join(choices)}")
    return ACTIVATIONS[name]
