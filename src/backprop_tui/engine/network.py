"""A fully connected network: parameters, forward pass and backpropagation.

Conventions (as scikit-learn): batches are rows, ``x`` has shape ``(m, n_inputs)``; layer ``l``
has weights ``W[l]`` of shape ``(fan_in, fan_out)`` and bias ``b[l]`` of shape ``(fan_out,)``.

Forward:   z_l = a_{l−1}·W_l + b_l,   a_l = f(z_l),   a_0 = x
Backward:  δ_L = ∂C/∂z_L (see :mod:`losses`),   δ_l = (δ_{l+1}·W_{l+1}ᵀ) ⊙ f'(z_l)
Gradients: ∂C/∂W_l = a_{l−1}ᵀ·δ_l / m + λ₂·W_l + λ₁·sign(W_l),   ∂C/∂b_l = Σ_rows δ_l / m
(the 1/m is applied once, to δ_L, and carries down through the linear backward pass)

Without biases (``bias=False``) every b_l is a fixed, read-only zero vector outside the flat
parameter vector, which then holds the weights alone; ∂C/∂b_l is left at zero.

Masks: dropout (training only) multiplies a hidden layer's activations by a mask whose entries
are 0 (dropped unit) or 1/(1 − p) (kept unit, "inverted" dropout); units switched off
(:attr:`Network.unit_mask`) by a persistent 0/1 mask, in every pass (training too), so an off
unit's output stays exactly 0. A pass multiplies both into one mask m_l per hidden layer:
a_l = f(z_l) ⊙ m_l, and the forward pass keeps f'(z_l) ⊙ m_l, so backward always computes
δ_l = (δ_{l+1}·W_{l+1}ᵀ) ⊙ (f'(z_l) ⊙ m_l).

Normalisation (``norm``, see :mod:`.norm`): each hidden layer normalises a·W (+ b) and scales
and shifts it by its learnable γ and β before the activation; batch norm keeps running
statistics (after the parameters in :attr:`Network.state`), used whenever ``forward`` is not
told ``training``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from backprop_tui.engine import norm as normalisation
from backprop_tui.engine.activations import get_activation
from backprop_tui.engine.init import INITIALISATIONS, initial
from backprop_tui.engine.layout import Layout
from backprop_tui.engine.losses import make_loss
from backprop_tui.engine.sizes import format_sizes, parse_sizes
from backprop_tui.errors import BackpropError

__all__ = ["INITIALISATIONS", "Network", "Trace", "fill_masks"]


@dataclass
class Trace:
    """Everything one forward and backward pass computed, layer by layer (index l = 0…L−1).

    ``a[0]`` is the input; ``a[l + 1] = f(z[l])``; ``delta[l]`` is the error term δ_l = ∂C/∂z_l
    of each sample *divided by the batch size m* (so ``dW[l] = a[l]ᵀ·delta[l]`` directly;
    multiply by m for the per-sample δ).
    ``dW``/``db`` are views into one flat gradient vector ``grad`` laid out like
    :attr:`Network.flat`.
    ``derivative[l]`` is f'(z[l]) ⊙ mask for a hidden layer, computed by the forward pass
    (the output layer's is scratch space for the loss).
    ``masks`` (None: no dropout) holds one dropout mask per hidden layer (None for a layer
    without dropout); the forward pass combines it with the units switched off into one mask
    per layer (see :meth:`Network.layer_masks`), so a masked ``a[l + 1]`` is f(z[l]) ⊙ mask.
    With normalisation, ``z[l]`` of a hidden layer is the activation's input y and ``delta[l]``
    is ∂C/∂(a·W + b); ``norm`` keeps the rest and ``d_scale`` views ∂C/∂γ over ∂C/∂β.
    """

    z: list[np.ndarray]
    a: list[np.ndarray]
    derivative: list[np.ndarray]
    delta: list[np.ndarray]
    grad: np.ndarray
    dW: list[np.ndarray]
    db: list[np.ndarray]
    cost: float = float("nan")
    masks: list[np.ndarray | None] | None = None
    norm: normalisation.NormTrace | None = None
    d_scale: list[np.ndarray] = field(default_factory=list)

    @property
    def grads(self) -> list[np.ndarray]:
        """Gradients in parameter order: dW0, db0, dW1, db1, …, then (normalised networks)
        ∂C/∂γ over ∂C/∂β of each hidden layer."""
        return [g for pair in zip(self.dW, self.db, strict=True) for g in pair] + self.d_scale


class Network(Layout):
    """A multilayer perceptron with one hidden activation and a matched output/loss pair."""

    def __init__(
        self,
        sizes: str | Sequence[int],
        hidden: str = "tanh",
        output: str = "softmax",
        loss: str = "cross_entropy",
        init: str = "auto",
        seed: int | np.random.Generator = 0,
        dtype: type | str = np.float64,
        bias: bool = True,
        norm: str = "none",
    ) -> None:
        self.sizes = parse_sizes(sizes)
        self.bias = bias
        """False: no bias parameters (every b_l is a fixed zero)."""
        self.norm = normalisation.check_norm(norm)
        """``none``, ``batch`` or ``layer``: how hidden layers normalise (see :mod:`.norm`)."""
        self.hidden = get_activation(hidden)
        self.loss = make_loss(loss, output)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float64, np.float32):
            raise BackpropError(f"dtype must be float64 or float32, not {self.dtype}")
        if init not in INITIALISATIONS:
            raise BackpropError(f"unknown initialisation {init!r}; choose one of: "
                                + ", ".join(INITIALISATIONS))
        self.init = init
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self._view(np.empty(self.n_params + self.n_running, self.dtype))
        for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            w[:], initial_b = initial(init, self.hidden, w.shape, rng)
            if self.has_bias(layer):
                b[:] = initial_b
        for scale in self.scales:
            scale[:] = ((1.0,), (0.0,))  # γ = 1, β = 0
        for running in self.running_views:
            running[:] = ((0.0,), (1.0,))  # batch norm's running μ = 0, σ² = 1
        self.unit_mask: list[np.ndarray | None] = [None] * (self.n_layers - 1)
        """Per hidden layer, None (every unit on) or a 0/1 vector: 0 switches a unit off."""

    # -- description ---------------------------------------------------------------------
    def _view(self, state: np.ndarray) -> None:
        """Take ``state`` = [flat parameters | running statistics] and view it per layer."""
        self.state = state
        """The parameters (:attr:`flat`), then batch norm's running statistics."""
        self.flat = state[: self.n_params] if self.n_running else state  # one array if no stats
        self.weights, self.biases = self.layer_views(self.flat)
        self.scales = self.scale_views(self.flat)
        """Per hidden layer, γ over β (2 × n; none without normalisation)."""
        self.running_views = normalisation.blocks(state, self.n_params, self.sizes[1:-1]) \
            if self.n_running else []
        """Per hidden layer, batch norm's running mean over running variance (2 × n)."""

    @property
    def params(self) -> list[np.ndarray]:
        """The live parameter arrays in order W0, b0, W1, b1, …, then each hidden layer's γ over
        β (normalised networks), updated in place; :attr:`Trace.grads` has the same order."""
        return [p for pair in zip(self.weights, self.biases, strict=True) for p in pair] + \
            self.scales

    def activation_name(self, layer: int) -> str:
        return self.loss.output.name if layer == self.n_layers - 1 else self.hidden.name

    def describe(self) -> str:
        return (f"{format_sizes(self.sizes)} {self.hidden.name} → "
                f"{self.loss.output.name} + {self.loss.name}{'' if self.bias else ', no biases'}"
                f"{normalisation.norm_label(self.norm)}")

    def __deepcopy__(self, memo: dict[int, object]) -> Network:
        return self.copy()  # keeps the per-layer views pointing into the copied flat vector

    def copy(self) -> Network:
        clone = object.__new__(Network)
        clone.__dict__.update(self.__dict__)
        clone._view(self.state.copy())
        clone.unit_mask = [None if m is None else m.copy() for m in self.unit_mask]
        return clone

    # -- switching units off -------------------------------------------------------------
    def set_unit(self, layer: int, unit: int, on: bool) -> None:
        """Switch unit ``unit`` of hidden layer ``layer`` (0 = the first) on or off."""
        if not 0 <= layer < self.n_layers - 1 or not 0 <= unit < self.sizes[layer + 1]:
            raise BackpropError(f"there is no hidden unit {unit} in hidden layer {layer}")
        mask = self.unit_mask[layer]
        if mask is None:
            mask = np.ones(self.sizes[layer + 1], self.dtype)
        mask[unit] = 1.0 if on else 0.0
        self.unit_mask[layer] = None if mask.all() else mask

    def unit_on(self, layer: int, unit: int) -> bool:
        mask = self.unit_mask[layer] if layer < self.n_layers - 1 else None
        return mask is None or bool(mask[unit])

    @property
    def off_units(self) -> tuple[tuple[int, int], ...]:
        """(hidden layer, unit) of every unit switched off."""
        return tuple((layer, int(unit)) for layer, mask in enumerate(self.unit_mask)
                     if mask is not None for unit in np.flatnonzero(mask == 0))

    # -- passes --------------------------------------------------------------------------
    def new_trace(self, batch: int) -> Trace:
        """Buffers for a batch of ``batch`` rows; reuse one trace across steps to save work."""
        def per_layer(widths: Sequence[int]) -> list[np.ndarray]:
            return [np.empty((batch, n), self.dtype) for n in widths]

        grad = np.empty_like(self.flat)
        norm = None if self.norm == "none" else \
            normalisation.new_trace(batch, self.sizes[1:-1], self.dtype)
        return Trace(per_layer(self.sizes[1:]), per_layer(self.sizes), per_layer(self.sizes[1:]),
                     per_layer(self.sizes[1:]), grad, *self.layer_views(grad), norm=norm,
                     d_scale=self.scale_views(grad))

    def new_masks(self, batch: int, rates: Sequence[float]) -> list[np.ndarray | None]:
        """Mask buffers for :attr:`Trace.masks`: one per hidden layer whose rate is > 0."""
        return [np.empty((batch, n), self.dtype) if p else None
                for n, p in zip(self.sizes[1:-1], rates, strict=True)]

    def forward(
        self, x: np.ndarray, trace: Trace | None = None,
        masks: Sequence[np.ndarray | None] | None = None, training: bool = False,
    ) -> Trace:
        """Compute every layer's ``z``, ``a`` and (hidden layers) f'(z) ⊙ mask for the batch
        ``x`` into ``trace``. ``masks`` (dropout, see :class:`Trace`) replaces ``trace.masks``
        when given. ``training``: batch norm uses the batch's own statistics (else its running
        ones); the running ones change only by :meth:`remember_statistics`."""
        if trace is None:
            trace = self.new_trace(len(x))
            trace.a[0] = np.asarray(x, dtype=self.dtype)  # read, never written: no copy needed
        elif x is not trace.a[0]:
            np.copyto(trace.a[0], x, casting="same_kind")
        if masks is not None:
            trace.masks = list(masks)
        z, a, derivative = trace.z, trace.a, trace.derivative
        for layer, mask in enumerate(self.layer_masks(trace.masks)):
            if trace.norm is None:
                self._affine(layer, a[layer], z[layer])
            else:
                self._normalise(layer, trace, trace.norm, training)
            self.hidden.forward(z[layer], a[layer + 1])
            self.hidden.derivative(z[layer], a[layer + 1], derivative[layer])
            if mask is not None:  # dropped or switched-off units: output and slope 0
                a[layer + 1] *= mask
                derivative[layer] *= mask
        last = self.n_layers - 1
        self._affine(last, a[last], z[last])
        self.loss.output.forward(z[last], a[last + 1])
        return trace

    def layer_masks(
        self, dropout: Sequence[np.ndarray | None] | None = None
    ) -> list[np.ndarray | None]:
        """Per hidden layer, the one mask a pass multiplies its output and slope by: the
        dropout mask ⊙ the units switched on, or None where neither applies."""
        if not dropout:
            return self.unit_mask
        return [units if drop is None else drop if units is None else drop * units
                for drop, units in zip(dropout, self.unit_mask, strict=True)]

    def _normalise(self, layer: int, trace: Trace, keep: normalisation.NormTrace,
                   training: bool) -> None:
        """y = γ ⊙ ẑ + β of hidden layer ``layer`` into ``trace.z``, from a·W + b."""
        self._affine(layer, trace.a[layer], keep.pre[layer])
        running = self.running_views[layer] if self.norm == "batch" and not training else None
        keep.batch_statistics = running is None
        keep.mean[layer], keep.var[layer] = normalisation.normalise(
            self.norm, keep.pre[layer], self.scales[layer], trace.z[layer], keep.hat[layer],
            running)

    def remember_statistics(self, trace: Trace) -> None:
        """Fold a training pass's batch statistics into batch norm's running ones."""
        if self.norm == "batch" and trace.norm is not None and trace.norm.batch_statistics:
            normalisation.update_running(self.running_views, trace.norm, len(trace.a[0]))

    def _affine(self, layer: int, a: np.ndarray, z: np.ndarray) -> np.ndarray:
        """z = a·W + b for weight layer ``layer``, into ``z``."""
        np.dot(a, self.weights[layer], out=z)
        z += self.biases[layer]
        return z

    def backward(
        self, trace: Trace, y: np.ndarray, l2: float = 0.0, l1: float = 0.0
    ) -> Trace:
        """Backpropagate from ``trace`` (after :meth:`forward`): fills δ, dW, db (and ∂C/∂γ,
        ∂C/∂β) and the cost. The cost includes the penalties ½·λ₂·ΣW² + λ₁·Σ|W| (weights
        only: not biases, γ or β)."""
        last = self.n_layers - 1
        z_out, a_out = trace.z[last], trace.a[last + 1]
        cost = self.loss.cost(z_out, a_out, y)
        self.loss.delta(z_out, a_out, y, trace.delta[last], trace.derivative[last])
        trace.delta[last] *= 1.0 / len(y)
        for layer in range(last, -1, -1):
            delta = trace.delta[layer]
            np.dot(trace.a[layer].T, delta, out=trace.dW[layer])
            if self.has_bias(layer):
                np.add.reduce(delta, axis=0, out=trace.db[layer])
            if layer:
                keep = trace.norm
                below = np.dot(delta, self.weights[layer].T,
                               out=trace.delta[layer - 1] if keep is None else keep.dy[layer - 1])
                below *= trace.derivative[layer - 1]  # f'(z) ⊙ mask, from the forward pass
                if keep is not None:  # ∂C/∂y → ∂C/∂γ, ∂C/∂β and ∂C/∂z
                    normalisation.backward(self.norm, keep, layer - 1, self.scales[layer - 1],
                                           trace.d_scale[layer - 1], trace.delta[layer - 1])
        if l2 or l1:
            weights, grad = self.flat[: self.n_weights], trace.grad[: self.n_weights]
            cost += self.penalty(l2, l1)
            grad += l2 * weights
            if l1:
                grad += l1 * np.sign(weights)
        trace.cost = cost
        return trace

    def gradients(
        self, x: np.ndarray, y: np.ndarray, l2: float = 0.0, l1: float = 0.0,
        masks: Sequence[np.ndarray | None] | None = None,
    ) -> Trace:
        """Cost and every gradient of the batch (with fixed dropout ``masks`` if given),
        without changing any weight (batch norm: with the batch's statistics)."""
        return self.backward(self.forward(x, masks=masks, training=True), y, l2=l2, l1=l1)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The output layer's activations for ``x`` (a fresh array)."""
        a = np.asarray(x, dtype=self.dtype)
        last = self.n_layers - 1
        for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = a @ w
            z += b
            if layer < last and self.norm != "none":  # batch norm: the running statistics
                normalisation.normalise(self.norm, z, self.scales[layer], z, np.empty_like(z),
                                        self.running_views[layer] if self.norm == "batch" else None)
            f = self.loss.output if layer == last else self.hidden
            a = f.forward(z, z)
            if layer < last and (units := self.unit_mask[layer]) is not None:
                a *= units
        return a

    def cost(
        self, x: np.ndarray, y: np.ndarray, l2: float = 0.0, l1: float = 0.0,
        masks: Sequence[np.ndarray | None] | None = None,
    ) -> float:
        """The batch cost, penalties included (the quantity the gradients differentiate:
        batch norm uses the batch's statistics)."""
        trace = self.forward(x, masks=masks, training=True)
        last = self.n_layers - 1
        cost = self.loss.cost(trace.z[last], trace.a[last + 1], np.asarray(y, self.dtype))
        return cost + self.penalty(l2, l1)

    def penalty(self, l2: float, l1: float) -> float:
        """½·λ₂·ΣW² + λ₁·Σ|W| over every weight (biases are not penalised)."""
        if not (l2 or l1):
            return 0.0
        weights = self.flat[: self.n_weights]
        return 0.5 * l2 * float(np.vdot(weights, weights)) + l1 * float(np.abs(weights).sum())


def fill_masks(
    masks: Sequence[np.ndarray | None], rates: Sequence[float], rng: np.random.Generator
) -> None:
    """Draw fresh inverted-dropout masks in place: each entry is 0 with probability p (the
    layer's rate), else 1/(1 − p), so every unit's expected output is unchanged."""
    for mask, p in zip(masks, rates, strict=True):
        if mask is not None:
            rng.random(out=mask, dtype=mask.dtype)
            np.greater_equal(mask, p, out=mask, casting="unsafe")
            mask *= 1.0 / (1.0 - p)
