"""Finite-difference gradient check: does backprop's gradient match the numerical one?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.engine.network import Network

TOLERANCE = 1e-6


@dataclass(frozen=True)
class LayerCheck:
    """One layer's verdict: relative error ‖g_bp − g_num‖ / max(‖g_bp‖ + ‖g_num‖, tiny)."""

    layer: int
    weight_error: float
    bias_error: float
    checked: int
    """How many parameters were perturbed (large layers are sampled)."""
    norm_error: float | None = None
    """γ and β of a normalised hidden layer (None: the layer has none)."""

    @property
    def error(self) -> float:
        return max(self.weight_error, self.bias_error, self.norm_error or 0.0)

    @property
    def ok(self) -> bool:
        return self.error < TOLERANCE


def gradient_check(
    network: Network,
    x: np.ndarray,
    y: np.ndarray,
    l2: float = 0.0,
    l1: float = 0.0,
    epsilon: float = 1e-6,
    max_per_layer: int = 200,
    seed: int = 0,
    gradients: list[np.ndarray] | None = None,
) -> list[LayerCheck]:
    """Compare backprop's gradients with central differences (C(p+ε) − C(p−ε)) / 2ε.

    Layers with more than ``max_per_layer`` parameters are checked on a seeded random sample
    of them; a layer without biases has none to check (their error reads 0). The cost is
    the training one (batch norm normalises with the batch's statistics, as backprop did).
    ``gradients`` (dW0, db0, …, then γ over β per hidden layer: :attr:`Trace.grads`)
    replaces backprop's own, to test the checker itself.
    The network's weights are restored exactly afterwards.
    """
    if gradients is None:
        gradients = network.gradients(x, y, l2=l2, l1=l1).grads
    rng = np.random.default_rng(seed)
    params = network.params
    errors: list[float] = []
    counts: list[int] = []
    for index, (param, analytic) in enumerate(zip(params, gradients, strict=True)):
        flat, grad = param.reshape(-1), analytic.reshape(-1)
        fixed = index < 2 * network.n_layers and index % 2 and not network.has_bias(index // 2)
        size = 0 if fixed else flat.size  # fixed zero biases: skip
        chosen = np.arange(size)
        if size > max_per_layer:
            chosen = rng.choice(size, max_per_layer, replace=False)
        numeric = np.empty(len(chosen))
        for k, i in enumerate(chosen):
            saved = flat[i]
            flat[i] = saved + epsilon
            plus = network.cost(x, y, l2=l2, l1=l1)
            flat[i] = saved - epsilon
            minus = network.cost(x, y, l2=l2, l1=l1)
            flat[i] = saved
            numeric[k] = (plus - minus) / (2 * epsilon)
        backprop = grad[chosen]
        scale = max(float(np.linalg.norm(backprop) + np.linalg.norm(numeric)), 1e-12)
        errors.append(float(np.linalg.norm(backprop - numeric)) / scale)
        counts.append(len(chosen))
    pairs = 2 * network.n_layers  # γ over β of each hidden layer follow the W, b pairs
    return [
        LayerCheck(layer, errors[w], errors[w + 1], counts[w] + counts[w + 1]
                   + (counts[pairs + layer] if pairs + layer < len(errors) else 0),
                   errors[pairs + layer] if pairs + layer < len(errors) else None)
        for layer, w in enumerate(range(0, pairs, 2))
    ]
