"""Textbook optimizer updates, written out here independently of the engine.

Each reference keeps its own state and maps (parameters, gradient, η, μ) to new parameters.
The constants are the engine's documented ones: Adam β₁ = 0.9, β₂ = 0.999, ε = 1e-8;
RMSprop ρ = 0.9, ε = 1e-8.
"""

from __future__ import annotations

import numpy as np

from backprop_tui.engine import Network

BETA1, BETA2, EPSILON, RHO = 0.9, 0.999, 1e-8, 0.9


class Reference:
    """SGD: p ← p − η·g."""

    def __init__(self, size: int) -> None:
        self.v = np.zeros(size)
        self.s = np.zeros(size)
        self.t = 0

    def step(self, p: np.ndarray, g: np.ndarray, lr: float, mu: float) -> np.ndarray:
        return p - lr * g


class MomentumReference(Reference):
    """Classical momentum (Sutskever et al. 2013, η inside the velocity): v ← μv − ηg; p ← p + v."""

    def step(self, p: np.ndarray, g: np.ndarray, lr: float, mu: float) -> np.ndarray:
        self.v = mu * self.v - lr * g
        return p + self.v


class NesterovReference(Reference):
    """Nesterov momentum in scikit-learn's form: v ← μv − ηg; p ← p + μv − ηg."""

    def step(self, p: np.ndarray, g: np.ndarray, lr: float, mu: float) -> np.ndarray:
        self.v = mu * self.v - lr * g
        return p + mu * self.v - lr * g


class AdamReference(Reference):
    """Adam, Kingma & Ba (2015) Algorithm 1 in the "more efficient" order of their section 2:
    m ← β₁m + (1−β₁)g; s ← β₂s + (1−β₂)g²; η_t = η·√(1−β₂ᵗ)/(1−β₁ᵗ);
    p ← p − η_t·m/(√s + ε) (ε added to √s, not to the bias-corrected √ŝ)."""

    def step(self, p: np.ndarray, g: np.ndarray, lr: float, mu: float) -> np.ndarray:
        self.t += 1
        self.v = BETA1 * self.v + (1 - BETA1) * g
        self.s = BETA2 * self.s + (1 - BETA2) * g**2
        rate = lr * np.sqrt(1 - BETA2**self.t) / (1 - BETA1**self.t)
        return p - rate * self.v / (np.sqrt(self.s) + EPSILON)


class RMSpropReference(Reference):
    """RMSprop (Hinton's lecture 6e): s ← ρs + (1−ρ)g²; p ← p − η·g/(√s + ε)."""

    def step(self, p: np.ndarray, g: np.ndarray, lr: float, mu: float) -> np.ndarray:
        self.s = RHO * self.s + (1 - RHO) * g**2
        return p - lr * g / (np.sqrt(self.s) + EPSILON)


REFERENCES: dict[str, type[Reference]] = {
    "sgd": Reference,
    "momentum": MomentumReference,
    "nesterov": NesterovReference,
    "adam": AdamReference,
    "rmsprop": RMSpropReference,
}


def parameters(network: Network) -> np.ndarray:
    """Every weight, then every bias, in one new vector."""
    return np.concatenate([w.ravel() for w in network.weights] + list(network.biases))


def load(network: Network, vector: np.ndarray) -> None:
    """Write ``vector`` (laid out as :func:`parameters`) into the network's weights and biases."""
    start = 0
    for array in [*network.weights, *network.biases]:
        array[...] = vector[start : start + array.size].reshape(array.shape)
        start += array.size


def gradient(network: Network, x: np.ndarray, y: np.ndarray, l2: float = 0.0,
             l1: float = 0.0) -> np.ndarray:
    """The unpenalised backprop gradient (laid out as :func:`parameters`) plus the gradient of
    ½λ₂ΣW² + λ₁Σ|W|: λ₂W + λ₁·sign(W) on the weights, nothing on the biases."""
    trace = network.gradients(x, y)
    penalty = [l2 * w + l1 * np.sign(w) for w in network.weights]
    return np.concatenate([(dw + pw).ravel() for dw, pw in zip(trace.dW, penalty, strict=True)]
                          + [db.copy() for db in trace.db])


def clipped(grad: np.ndarray, clip: float) -> np.ndarray:
    """``grad`` scaled down to norm ``clip`` when its norm is larger (0: no clipping)."""
    norm = float(np.linalg.norm(grad))
    return grad * (clip / norm) if clip and norm > clip else grad
