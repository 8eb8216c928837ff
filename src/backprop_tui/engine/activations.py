"""Activation functions by name: each one's formula, derivative, short label and the rule
that calls its units inactive (dead or saturated).

Each activation computes ``a = f(z)`` into a preallocated array and its derivative ``f'(z)``
from ``z`` and ``a`` (whichever is cheaper), so the hot path allocates (almost) nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.errors import BackpropError

LEAKY_SLOPE = 0.01
EXP_CAP = {np.dtype(t): float(np.floor(np.log(np.finfo(t).max))) for t in (np.float32, np.float64)}
"""The largest whole x with a finite e^x, per float type (88 and 709)."""


Inactivity = Callable[[np.ndarray, np.ndarray], float]
"""(z, a) of a batch, a row per sample → the fraction of the layer's units that are inactive."""


def _always_active(z: np.ndarray, a: np.ndarray) -> float:
    return 0.0


def _never_active(z: np.ndarray, a: np.ndarray) -> float:
    """Dead: units whose z ≤ 0 on every sample (no output change, no gradient)."""
    return float(np.mean(np.all(z <= 0, axis=0)))


def _saturation(low: float) -> Inactivity:
    """Saturated: outputs within 0.01 of ``low`` or of 1 (the flat ends of the curve)."""
    def saturated(z: np.ndarray, a: np.ndarray) -> float:
        return float(np.mean((a < low + 0.01) | (a > 0.99)))
    return saturated


@dataclass(frozen=True)
class Activation:
    """``forward(z, out)`` writes f(z) into ``out``; ``derivative(z, a, out)`` writes f'(z).

    ``short`` labels a layer where room is tight; ``inactive`` names what an inactive unit is
    (``dead`` or ``sat``, "" when the activation has no such state) and ``inactive_fraction``
    measures it; ``auto_init`` is the weight initialisation ``auto`` picks for it."""

    name: str
    formula: str
    forward: Callable[[np.ndarray, np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    short: str
    inactive: str = ""
    inactive_fraction: Inactivity = _always_active
    auto_init: str = "glorot"


def _sigmoid(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^−z): full relative precision on both tails (where σ is a normal
    float). e^−z is capped below overflow, so a z under −709 (float32: −88), whose σ is
    subnormal or 0, gives σ(−709) instead. (``out`` may be ``z``.)"""
    np.negative(z, out=out)
    np.minimum(out, EXP_CAP[out.dtype], out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)
    return out


def _sigmoid_prime(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 − σ(z))."""
    np.subtract(1.0, a, out=out)
    out *= a
    return out


def _tanh(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    np.tanh(z, out=out)
    return out


def _tanh_prime(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 − tanh²(z)."""
    np.multiply(a, a, out=out)
    np.subtract(1.0, out, out=out)
    return out


def _relu(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    np.maximum(z, 0.0, out=out)
    return out


def _relu_prime(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """1 where z > 0, else 0."""
    np.greater(z, 0.0, out=out, casting="unsafe")
    return out


def _leaky_relu(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """max(z, 0.01·z). (``out`` may be ``z``.)"""
    np.maximum(z, LEAKY_SLOPE * z, out=out)
    return out


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
        Activation("sigmoid", "σ(z) = 1/(1+e^−z)", _sigmoid, _sigmoid_prime, "sig",
                   "sat", _saturation(0.0)),
        Activation("tanh", "tanh(z)", _tanh, _tanh_prime, "tanh", "sat", _saturation(-1.0)),
        Activation("relu", "max(0, z)", _relu, _relu_prime, "relu", "dead", _never_active,
                   auto_init="he"),
        Activation("leaky_relu", "max(0.01z, z)", _leaky_relu, _leaky_relu_prime, "lrelu",
                   "dead", _never_active, auto_init="he"),
        Activation("linear", "z", _linear, _linear_prime, "lin"),
        Activation("softmax", "e^zᵢ/Σe^zⱼ", _softmax, _softmax_prime, "smax"),
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
