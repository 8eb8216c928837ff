"""Optimizers: each turns a gradient into an in-place update of the parameters.

Parameters and gradients are single flat vectors (see :attr:`Network.flat`), so an update is
a handful of whole-vector operations whatever the depth. ``update`` may overwrite ``grad``
(it is scratch space once used) and returns the array holding the step Δp it added to the
parameters (valid until the next update). State (velocity, moments) lives in the optimizer,
so the learning rate and the decay rates can change between any two steps without losing it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from backprop_tui.errors import BackpropError

if TYPE_CHECKING:
    from backprop_tui.engine.hyper import Hyperparameters

EPSILON = 1e-8


def clip_norm(grad: np.ndarray, limit: float, square_norm: float) -> bool:
    """Scale ``grad`` (whose squared norm is ``square_norm``) in place down to the norm
    ``limit`` if it is longer; ``limit`` 0 means no clipping. True if it was scaled."""
    if not limit or square_norm <= limit**2:
        return False
    grad *= limit / math.sqrt(square_norm)
    return True


class Optimizer:
    """Plain stochastic gradient descent: p ← p − η·g."""

    name: ClassVar[str] = "sgd"
    uses: ClassVar[tuple[str, ...]] = ()
    """The hyperparameters the update reads besides the learning rate."""

    def __init__(self, param: np.ndarray) -> None:
        self.steps = 0

    def update(self, param: np.ndarray, grad: np.ndarray, learning_rate: float,
               hyper: Hyperparameters) -> np.ndarray:
        grad *= -learning_rate
        param += grad
        return grad


class Momentum(Optimizer):
    """Classical momentum: v ← μ·v − η·g;  p ← p + v."""

    name = "momentum"
    uses = ("momentum",)

    def __init__(self, param: np.ndarray) -> None:
        super().__init__(param)
        self.velocity = np.zeros_like(param)

    def update(self, param: np.ndarray, grad: np.ndarray, learning_rate: float,
               hyper: Hyperparameters) -> np.ndarray:
        self.velocity *= hyper.momentum
        grad *= learning_rate
        self.velocity -= grad
        param += self.velocity
        return self.velocity


class Nesterov(Momentum):
    """Nesterov's accelerated gradient (as in scikit-learn): v ← μ·v − η·g; p ← p + μ·v − η·g."""

    name = "nesterov"

    def __init__(self, param: np.ndarray) -> None:
        super().__init__(param)
        self.step = np.zeros_like(param)

    def update(self, param: np.ndarray, grad: np.ndarray, learning_rate: float,
               hyper: Hyperparameters) -> np.ndarray:
        velocity, step = self.velocity, self.step
        velocity *= hyper.momentum
        grad *= learning_rate
        velocity -= grad
        np.multiply(velocity, hyper.momentum, out=step)
        step -= grad
        param += step
        return step


class Adam(Optimizer):
    """Adam: m ← β₁m + (1−β₁)g; s ← β₂s + (1−β₂)g²; p ← p − η·m̂/(√ŝ + ε), bias-corrected."""

    name = "adam"
    uses = ("beta1", "beta2")

    def __init__(self, param: np.ndarray) -> None:
        super().__init__(param)
        self.mean = np.zeros_like(param)
        self.square = np.zeros_like(param)

    def update(self, param: np.ndarray, grad: np.ndarray, learning_rate: float,
               hyper: Hyperparameters) -> np.ndarray:
        self.steps += 1
        beta1, beta2 = hyper.beta1, hyper.beta2
        rate = learning_rate * np.sqrt(1 - beta2**self.steps) / (1 - beta1**self.steps)
        self.mean *= beta1
        self.mean += (1 - beta1) * grad
        grad *= grad
        self.square *= beta2
        self.square += (1 - beta2) * grad
        np.sqrt(self.square, out=grad)
        grad += EPSILON
        np.divide(self.mean, grad, out=grad)
        grad *= -rate
        param += grad
        return grad


class RMSprop(Optimizer):
    """RMSprop: s ← ρs + (1−ρ)g²;  p ← p − η·g/(√s + ε)."""

    name = "rmsprop"
    uses = ("rho",)

    def __init__(self, param: np.ndarray) -> None:
        super().__init__(param)
        self.square = np.zeros_like(param)

    def update(self, param: np.ndarray, grad: np.ndarray, learning_rate: float,
               hyper: Hyperparameters) -> np.ndarray:
        self.square *= hyper.rho
        self.square += (1 - hyper.rho) * grad * grad
        grad *= -learning_rate
        grad /= np.sqrt(self.square) + EPSILON
        param += grad
        return grad


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (Optimizer, Momentum, Nesterov, Adam, RMSprop)
}


def make_optimizer(name: str, param: np.ndarray) -> Optimizer:
    """A fresh optimizer called ``name`` for the flat parameter vector ``param``."""
    if name not in OPTIMIZERS:
        raise BackpropError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name](param)
