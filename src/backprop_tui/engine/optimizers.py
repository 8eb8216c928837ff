"""Optimizers: each turns a gradient into an in-place update of the parameters.

Parameters and gradients are single flat vectors (see :attr:`Network.flat`), so an update is
a handful of whole-vector operations whatever the depth. ``update`` may overwrite ``grad``
(it is scratch space once used). State (velocity, moments) lives in the optimizer, so the
learning rate and momentum can change between any two steps without losing it.
"""

from __future__ import annotations

import numpy as np

from backprop_tui.errors import BackpropError

ADAM_BETAS = (0.9, 0.999)
RMSPROP_DECAY = 0.9
EPSILON = 1e-8


class Optimizer:
    """Plain stochastic gradient descent: p ← p − η·g."""

    name = "sgd"

    def __init__(self, param: np.ndarray) -> None:
        self.steps = 0

    def update(self, param: np.ndarray, grad: np.ndarray, learning_rate: float,
               momentum: float) -> None:
        grad *= learning_rate
        param -= grad


class Momentum(Optimizer):
    """Classical momentum: v ← μ·v − η·g;  p ← p + v."""

    name = "momentum"

    def __init__(self, param: np.ndarray) -> None:
        super().__init__(param)
        self.velocity = np.zeros_like(param)

    def update(self, param: np.ndarray, grad: np.ndarray, learning_rate: float,
               momentum: float) -> None:
        self.velocity *= momentum
        grad *= learning_rate
        self.velocity -= grad
        param += self.velocity


class Nesterov(Momentum):
    """Nesterov's accelerated gradient (as in scikit-learn): v ← μ·v − η·g; p ← p + μ·v − η·g."""

    name = "nesterov"

    def update(self, param: np.ndarray, grad: np.ndarray, learning_rate: float,
               momentum: float) -> None:
        velocity = self.velocity
        velocity *= momentum
        grad *= learning_rate
        velocity -= grad
        param -= grad
        np.multiply(velocity, momentum, out=grad)
        param += grad


class Adam(Optimizer):
    """Adam: m ← β₁m + (1−β₁)g; s ← β₂s + (1−β₂)g²; p ← p − η·m̂/(√ŝ + ε), bias-corrected."""

    name = "adam"

    def __init__(self, param: np.ndarray) -> None:
        super().__init__(param)
        self.mean = np.zeros_like(param)
        self.square = np.zeros_like(param)

    def update(self, param: np.ndarray, grad: np.ndarray, learning_rate: float,
               momentum: float) -> None:
        self.steps += 1
        beta1, beta2 = ADAM_BETAS
        rate = learning_rate * np.sqrt(1 - beta2**self.steps) / (1 - beta1**self.steps)
        self.mean *= beta1
        self.mean += (1 - beta1) * grad
        grad *= grad
        self.square *= beta2
        self.square += (1 - beta2) * grad
        np.sqrt(self.square, out=grad)
        grad += EPSILON
        np.divide(self.mean, grad, out=grad)
        grad *= rate
        param -= grad


class RMSprop(Optimizer):
    """RMSprop: s ← ρs + (1−ρ)g²;  p ← p − η·g/(√s + ε)."""

    name = "rmsprop"

    def __init__(self, param: np.ndarray) -> None:
        super().__init__(param)
        self.square = np.zeros_like(param)

    def update(self, param: np.ndarray, grad: np.ndarray, learning_rate: float,
               momentum: float) -> None:
        self.square *= RMSPROP_DECAY
        self.square += (1 - RMSPROP_DECAY) * grad * grad
        grad *= learning_rate
        grad /= np.sqrt(self.square) + EPSILON
        param -= grad


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (Optimizer, Momentum, Nesterov, Adam, RMSprop)
}


def make_optimizer(name: str, param: np.ndarray) -> Optimizer:
    """A fresh optimizer called ``name`` for the flat parameter vector ``param``."""
    if name not in OPTIMIZERS:
        raise BackpropError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name](param)
