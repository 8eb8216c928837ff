"""Normalised hidden layers: batch normalisation and layer normalisation.

A normalised hidden layer puts two steps between its affine map and its activation::

    z = a·W (+ b),   ẑ = (z − μ) / √(σ² + ε),   y = γ ⊙ ẑ + β,   a' = f(y)

``batch`` (batch norm): μ and σ² per unit over the batch's rows while training (the trace
keeps them and, once a training step is accepted, the session folds them into running
averages: running ← MOMENTUM·running + (1 − MOMENTUM)·batch, the variance with Bessel's
m/(m − 1)); evaluation, predictions and every view use the running averages (starting at
μ = 0, σ² = 1). The layer has no bias: subtracting μ removes any constant added to z, and β
takes its place.
``layer`` (layer norm): μ and σ² per row over the layer's units, the same in training and
evaluation; the bias stays.

γ (initially 1) and β (initially 0) are learnable, one pair of vectors per hidden layer, held
in the network's flat parameter vector after the biases: optimizers, clipping, the gradient
check and checkpoints see them; the L2 and L1 penalties do not (they cover weights only).

Backward, from ∂C/∂y (sums and means over the normalised axis: rows for batch norm, units
for layer norm; g = γ ⊙ ∂C/∂y = ∂C/∂ẑ)::

    ∂C/∂γ = Σ_rows ∂C/∂y ⊙ ẑ,   ∂C/∂β = Σ_rows ∂C/∂y
    ∂C/∂z = (g − mean(g) − ẑ ⊙ mean(g ⊙ ẑ)) / √(σ² + ε)

which for batch norm is the compact γ/√(σ² + ε) ⊙ (∂C/∂y − (∂C/∂β + ẑ ⊙ ∂C/∂γ)/m); with fixed
(running) statistics it is γ ⊙ ∂C/∂y / √(σ² + ε).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from backprop_tui.errors import BackpropError

NORMS = ("none", "batch", "layer")
EPSILON = 1e-5
"""ε in √(σ² + ε): keeps a unit with no spread over the batch (or row) finite."""
MOMENTUM = 0.9
"""Weight of the old running mean and variance at each training step (batch norm)."""
TAGS = {"none": "", "batch": "BN", "layer": "LN"}
"""Short labels for the screen (status bar, network panel, gradient check)."""
NAMES = {"none": "no normalisation", "batch": "batch norm", "layer": "layer norm"}


def norm_label(norm: str) -> str:
    """``, batch norm`` (to follow an activation's name), or nothing without normalisation."""
    return f", {NAMES[norm]}" if norm != "none" else ""


def check_norm(norm: str) -> str:
    if norm not in NORMS:
        raise BackpropError(f"unknown normalisation {norm!r}; choose one of: {', '.join(NORMS)}")
    return norm


@dataclass
class NormTrace:
    """What the forward pass of the normalised hidden layers kept for backward (index l:
    hidden layer l; the network's :class:`~backprop_tui.engine.network.Trace` holds y as
    ``z[l]``, the activation's input)."""

    pre: list[np.ndarray]
    """z = a·W (+ b), before normalising (m × n)."""
    hat: list[np.ndarray]
    """ẑ (m × n)."""
    dy: list[np.ndarray]
    """∂C/∂y divided by m, as :attr:`Trace.delta` (filled by backward)."""
    mean: list[np.ndarray] = field(default_factory=list)
    """μ used: 1 × n (batch norm) or m × 1 (layer norm)."""
    var: list[np.ndarray] = field(default_factory=list)
    """σ² used, shaped as ``mean``."""
    batch_statistics: bool = True
    """False when batch norm used its running statistics (an evaluation pass)."""


def new_trace(batch: int, widths: Sequence[int], dtype: np.dtype) -> NormTrace:
    """Buffers for ``batch`` rows through hidden layers of ``widths`` units."""
    def per_layer() -> list[np.ndarray]:
        return [np.empty((batch, n), dtype) for n in widths]

    unset = [np.empty(0, dtype) for _ in widths]
    return NormTrace(per_layer(), per_layer(), per_layer(), unset, list(unset))


def blocks(vector: np.ndarray, start: int, widths: Sequence[int]) -> list[np.ndarray]:
    """Consecutive 2 × n views into ``vector`` from ``start``, one per width (γ over β, or
    running mean over running variance)."""
    views = []
    for n in widths:
        views.append(vector[start : start + 2 * n].reshape(2, n))
        start += 2 * n
    return views


def normalise(norm: str, z: np.ndarray, scale: np.ndarray, out: np.ndarray, hat: np.ndarray,
              running: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """y = γ ⊙ ẑ + β into ``out`` and ẑ into ``hat``, for one layer's ``z`` and its
    ``scale`` (γ over β); returns the (μ, σ²) used: fixed ``running`` ones (batch norm's
    mean over variance) or, without them, those of ``z`` itself."""
    if running is None:
        axis = 0 if norm == "batch" else 1
        mean = z.mean(axis=axis, keepdims=True)
        np.subtract(z, mean, out=hat)
        var = np.mean(hat * hat, axis=axis, keepdims=True)
    else:
        mean, var = running[0], running[1]
        np.subtract(z, mean, out=hat)
    hat *= 1.0 / np.sqrt(var + EPSILON)
    np.multiply(hat, scale[0], out=out)
    out += scale[1]
    return mean, var


def backward(norm: str, trace: NormTrace, layer: int, scale: np.ndarray, d_scale: np.ndarray,
             dz: np.ndarray) -> None:
    """∂C/∂γ, ∂C/∂β (into ``d_scale``) and ∂C/∂z (into ``dz``) from ``trace.dy[layer]``."""
    dy, hat, gamma = trace.dy[layer], trace.hat[layer], scale[0]
    d_gamma, d_beta = d_scale
    np.einsum("ij,ij->j", dy, hat, out=d_gamma)
    np.add.reduce(dy, axis=0, out=d_beta)
    inv = 1.0 / np.sqrt(trace.var[layer] + EPSILON)
    if norm == "batch" and not trace.batch_statistics:
        np.multiply(dy, gamma * inv, out=dz)
    elif norm == "batch":
        np.multiply(hat, d_gamma, out=dz)
        dz += d_beta
        dz *= -1.0 / len(dy)
        dz += dy
        dz *= gamma * inv
    else:
        g = dy * gamma
        np.subtract(g, g.mean(axis=1, keepdims=True), out=dz)
        dz -= hat * (g * hat).mean(axis=1, keepdims=True)
        dz *= inv


def update_running(running: Sequence[np.ndarray], trace: NormTrace, rows: int) -> None:
    """Fold a training batch's μ and σ² (of ``rows`` rows) into each layer's ``running`` mean
    over variance; the variance with Bessel's correction m/(m − 1)."""
    bessel = rows / (rows - 1) if rows > 1 else 1.0
    for block, mean, var in zip(running, trace.mean, trace.var, strict=True):
        block *= MOMENTUM
        block[0] += (1.0 - MOMENTUM) * mean.ravel()
        block[1] += (1.0 - MOMENTUM) * bessel * var.ravel()
