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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backprop_tui.engine.activations import Activation, get_activation
from backprop_tui.engine.losses import make_loss
from backprop_tui.engine.sizes import format_sizes, parse_sizes
from backprop_tui.errors import BackpropError

INITIALISATIONS = ("auto", "he", "glorot", "normal", "normal0.1", "uniform")
"""``auto`` picks the hidden activation's ``auto_init`` (He for (leaky) ReLU, else Glorot);
``uniform`` is U[0, 1), ``normal`` N(0, 1) and ``normal0.1`` N(0, 1)·0.1, each for weights
*and* biases (as the seed posts draw them)."""


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

    @property
    def grads(self) -> list[np.ndarray]:
        """Gradients in parameter order: dW0, db0, dW1, db1, …"""
        return [g for pair in zip(self.dW, self.db, strict=True) for g in pair]


class Network:
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
    ) -> None:
        self.sizes = parse_sizes(sizes)
        self.bias = bias
        """False: no bias parameters (every b_l is a fixed zero)."""
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
        self.flat = np.empty(self.n_params, self.dtype)
        self.weights, self.biases = self.layer_views(self.flat)
        for w, b in zip(self.weights, self.biases, strict=True):
            w[:], initial_b = _initial(init, self.hidden, w.shape, rng)
            if bias:
                b[:] = initial_b
        self.unit_mask: list[np.ndarray | None] = [None] * (self.n_layers - 1)
        """Per hidden layer, None (every unit on) or a 0/1 vector: 0 switches a unit off."""

    # -- description ---------------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + the output layer)."""
        return len(self.weights)

    @property
    def n_weights(self) -> int:
        """Number of weights (biases excluded): ``flat[:n_weights]`` holds every weight."""
        return sum(i * o for i, o in zip(self.sizes, self.sizes[1:], strict=False))

    @property
    def n_params(self) -> int:
        return self.n_weights + (sum(self.sizes[1:]) if self.bias else 0)

    def layer_views(self, flat: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per-layer (weights, biases) views into a flat vector laid out [W0, W1, …, b0, b1, …]
        (without biases: [W0, W1, …], and each bias is a read-only zero vector)."""
        weights, biases, start = [], [], 0
        shapes = list(zip(self.sizes, self.sizes[1:], strict=False))
        for fan_in, fan_out in shapes:
            weights.append(flat[start : start + fan_in * fan_out].reshape(fan_in, fan_out))
            start += fan_in * fan_out
        for _, fan_out in shapes:
            if self.bias:
                biases.append(flat[start : start + fan_out])
                start += fan_out
            else:
                zero = np.zeros(fan_out, flat.dtype)
                zero.flags.writeable = False
                biases.append(zero)
        return weights, biases

    @property
    def params(self) -> list[np.ndarray]:
        """The live parameter arrays in order W0, b0, W1, b1, … (updated in place)."""
        return [p for pair in zip(self.weights, self.biases, strict=True) for p in pair]

    def activation_name(self, layer: int) -> str:
        return self.loss.output.name if layer == self.n_layers - 1 else self.hidden.name

    def describe(self) -> str:
        return (f"{format_sizes(self.sizes)} {self.hidden.name} → "
                f"{self.loss.output.name} + {self.loss.name}{'' if self.bias else ', no biases'}")

    def __deepcopy__(self, memo: dict[int, object]) -> Network:
        return self.copy()  # keeps the per-layer views pointing into the copied flat vector

    def copy(self) -> Network:
        clone = object.__new__(Network)
        clone.__dict__.update(self.__dict__)
        clone.flat = self.flat.copy()
        clone.weights, clone.biases = self.layer_views(clone.flat)
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
        return Trace(per_layer(self.sizes[1:]), per_layer(self.sizes), per_layer(self.sizes[1:]),
                     per_layer(self.sizes[1:]), grad, *self.layer_views(grad))

    def new_masks(self, batch: int, rates: Sequence[float]) -> list[np.ndarray | None]:
        """Mask buffers for :attr:`Trace.masks`: one per hidden layer whose rate is > 0."""
        return [np.empty((batch, n), self.dtype) if p else None
                for n, p in zip(self.sizes[1:-1], rates, strict=True)]

    def forward(
        self, x: np.ndarray, trace: Trace | None = None,
        masks: Sequence[np.ndarray | None] | None = None,
    ) -> Trace:
        """Compute every layer's ``z``, ``a`` and (hidden layers) f'(z) ⊙ mask for the batch
        ``x`` into ``trace``. ``masks`` (dropout, see :class:`Trace`) replaces ``trace.masks``
        when given."""
        if trace is None:
            trace = self.new_trace(len(x))
            trace.a[0] = np.asarray(x, dtype=self.dtype)  # read, never written: no copy needed
        elif x is not trace.a[0]:
            np.copyto(trace.a[0], x, casting="same_kind")
        if masks is not None:
            trace.masks = list(masks)
        z, a, derivative = trace.z, trace.a, trace.derivative
        for layer, mask in enumerate(self.layer_masks(trace.masks)):
            self._affine(layer, a[layer], z[layer])
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

    def _affine(self, layer: int, a: np.ndarray, z: np.ndarray) -> np.ndarray:
        """z = a·W + b for weight layer ``layer``, into ``z``."""
        np.dot(a, self.weights[layer], out=z)
        z += self.biases[layer]
        return z

    def backward(
        self, trace: Trace, y: np.ndarray, l2: float = 0.0, l1: float = 0.0
    ) -> Trace:
        """Backpropagate from ``trace`` (after :meth:`forward`): fills δ, dW, db and the cost.

        The cost includes the penalties ½·λ₂·ΣW² + λ₁·Σ|W| (weights only, not biases).
        """
        last = self.n_layers - 1
        z_out, a_out = trace.z[last], trace.a[last + 1]
        cost = self.loss.cost(z_out, a_out, y)
        self.loss.delta(z_out, a_out, y, trace.delta[last], trace.derivative[last])
        trace.delta[last] *= 1.0 / len(y)
        for layer in range(last, -1, -1):
            delta = trace.delta[layer]
            np.dot(trace.a[layer].T, delta, out=trace.dW[layer])
            if self.bias:
                np.add.reduce(delta, axis=0, out=trace.db[layer])
            if layer:
                below = np.dot(delta, self.weights[layer].T, out=trace.delta[layer - 1])
                below *= trace.derivative[layer - 1]  # f'(z) ⊙ mask, from the forward pass
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
        without changing any weight."""
        return self.backward(self.forward(x, masks=masks), y, l2=l2, l1=l1)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The output layer's activations for ``x`` (a fresh array)."""
        a = np.asarray(x, dtype=self.dtype)
        last = self.n_layers - 1
        for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = a @ w
            z += b
            f = self.loss.output if layer == last else self.hidden
            a = f.forward(z, z)
            if layer < last and (units := self.unit_mask[layer]) is not None:
                a *= units
        return a

    def cost(
        self, x: np.ndarray, y: np.ndarray, l2: float = 0.0, l1: float = 0.0,
        masks: Sequence[np.ndarray | None] | None = None,
    ) -> float:
        """The batch cost, penalties included (the quantity the gradients differentiate)."""
        trace = self.forward(x, masks=masks)
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


def _initial(
    init: str, hidden: Activation, shape: tuple[int, ...], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Initial (W, b) for one layer of weights of shape (fan in, fan out)."""
    fan_in, fan_out = shape
    if init == "uniform":
        return rng.random((fan_in, fan_out)), rng.random(fan_out)
    if init in ("normal", "normal0.1"):
        scale = 0.1 if init == "normal0.1" else 1.0
        return (scale * rng.standard_normal((fan_in, fan_out)),
                scale * rng.standard_normal(fan_out))
    if init == "auto":
        init = hidden.auto_init
    if init == "he":
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))
    else:
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-limit, limit, (fan_in, fan_out))
    return w, np.zeros(fan_out)
