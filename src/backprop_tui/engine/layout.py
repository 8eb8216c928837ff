"""Where each parameter of a network lives in its one flat vector.

The flat vector is laid out [W0, W1, …, b0, b1, …, γ0 β0, γ1 β1, …]: every weight matrix
(fan in × fan out, row-major), then the biases of the layers that have them, then (normalised
networks) each hidden layer's γ over β. Batch norm's running statistics follow the flat
vector in :attr:`Network.state`, outside the parameters.
"""

from __future__ import annotations

import numpy as np

from backprop_tui.engine import norm as normalisation


class Layout:
    """The parameter layout of a network of ``sizes``, with or without biases, normalised
    or not (a base of :class:`~backprop_tui.engine.network.Network`)."""

    sizes: tuple[int, ...]
    bias: bool
    norm: str

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + the output layer)."""
        return len(self.sizes) - 1

    @property
    def n_weights(self) -> int:
        """Number of weights (biases excluded): ``flat[:n_weights]`` holds every weight."""
        return sum(i * o for i, o in zip(self.sizes, self.sizes[1:], strict=False))

    @property
    def n_params(self) -> int:
        biases = sum(n for layer, n in enumerate(self.sizes[1:]) if self.has_bias(layer))
        return self.n_weights + biases + (2 * sum(self.sizes[1:-1]) if self.norm != "none" else 0)

    @property
    def n_running(self) -> int:
        """Running statistics kept after the parameters in :attr:`state` (batch norm)."""
        return 2 * sum(self.sizes[1:-1]) if self.norm == "batch" else 0

    def has_bias(self, layer: int) -> bool:
        """Whether weight layer ``layer`` has biases (batch norm's hidden layers have none)."""
        return self.bias and not (self.norm == "batch" and layer < len(self.sizes) - 2)

    def scale_views(self, flat: np.ndarray) -> list[np.ndarray]:
        """Per hidden layer, γ over β (2 × n) inside a flat vector (after the biases)."""
        if self.norm == "none":
            return []
        start = self.n_params - 2 * sum(self.sizes[1:-1])
        return normalisation.blocks(flat, start, self.sizes[1:-1])

    def layer_views(self, flat: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per-layer (weights, biases) views into a flat vector laid out [W0, W1, …, b0, b1, …]
        (a layer without biases has none there: its bias is a read-only zero vector)."""
        weights, biases, start = [], [], 0
        shapes = list(zip(self.sizes, self.sizes[1:], strict=False))
        for fan_in, fan_out in shapes:
            weights.append(flat[start : start + fan_in * fan_out].reshape(fan_in, fan_out))
            start += fan_in * fan_out
        for layer, (_, fan_out) in enumerate(shapes):
            if self.has_bias(layer):
                biases.append(flat[start : start + fan_out])
                start += fan_out
            else:
                zero = np.zeros(fan_out, flat.dtype)
                zero.flags.writeable = False
                biases.append(zero)
        return weights, biases
