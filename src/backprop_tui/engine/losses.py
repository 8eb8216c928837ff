"""Output activation + loss pairs, each computed stably from the output pre-activation.

Costs are averaged over the batch and summed over outputs. The output error term is
``δ_L = ∂C/∂z_L`` per sample (not yet divided by the batch size m):

* ``mse`` (with ``linear`` or ``sigmoid`` output): C = (1/m) Σ ½‖a − y‖², the blog posts'
  ½·Σ convention, so δ_L = (a − y) ⊙ f'(z_L).
* ``cross_entropy`` (with ``softmax``): C = −(1/m) Σ y·log softmax(z), via log-sum-exp;
  δ_L = a − y.
* ``binary_cross_entropy`` (with ``sigmoid``; several independent bits):
  C = (1/m) Σ [max(z, 0) − z·y + log(1 + e^−|z|)], never log(0); δ_L = a − y.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.engine.activations import Activation, get_activation
from backprop_tui.errors import BackpropError

MATCHED_OUTPUTS = {
    "mse": ("linear", "sigmoid"),
    "cross_entropy": ("softmax",),
    "binary_cross_entropy": ("sigmoid",),
}
"""For each loss, the output activations it may be paired with."""


@dataclass(frozen=True)
class Loss:
    """``cost(z, a, y)`` is the batch's mean cost; ``delta(z, a, y, out, scratch)`` writes δ_L
    into ``out`` (``scratch`` is a spare array of the same shape)."""

    name: str
    output: Activation
    cost: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    delta: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]

    @property
    def delta_is_a_minus_y(self) -> bool:
        """True for the matched cross-entropy pairs, where f'(z_L) cancels out."""
        return self.name != "mse"


def _mse_cost(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> float:
    diff = a - y
    return 0.5 * float(np.vdot(diff, diff)) / len(y)


def _cross_entropy_cost(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> float:
    top = z.max(axis=1, keepdims=True)
    log_sum_exp = np.log(np.exp(z - top).sum(axis=1)) + top[:, 0]
    return float(log_sum_exp.sum() - np.vdot(y, z)) / len(y)


def _binary_cross_entropy_cost(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> float:
    per_bit = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return float(per_bit.sum()) / len(y)


def _a_minus_y(
    z: np.ndarray, a: np.ndarray, y: np.ndarray, out: np.ndarray, scratch: np.ndarray
) -> np.ndarray:
    np.subtract(a, y, out=out)
    return out


def make_loss(loss: str, output: str) -> Loss:
    """The loss ``loss`` with output activation ``output``; mismatched pairs are refused."""
    if loss not in MATCHED_OUTPUTS:
        raise BackpropError(f"unknown loss {loss!r}; choose one of: {', '.join(MATCHED_OUTPUTS)}")
    if output not in MATCHED_OUTPUTS[loss]:
        allowed = " or ".join(MATCHED_OUTPUTS[loss])
        raise BackpropError(f"loss {loss!r} needs a {allowed} output, not {output!r}")
    activation = get_activation(output, hidden=False)
    if loss == "mse":

        def mse_delta(
            z: np.ndarray, a: np.ndarray, y: np.ndarray, out: np.ndarray, scratch: np.ndarray
        ) -> np.ndarray:
            np.subtract(a, y, out=out)
            out *= activation.derivative(z, a, scratch)
            return out

        return Loss(loss, activation, _mse_cost, mse_delta)
    cost = _cross_entropy_cost if loss == "cross_entropy" else _binary_cross_entropy_cost
    return Loss(loss, activation, cost, _a_minus_y)
