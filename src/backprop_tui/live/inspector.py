"""The backprop inspector: one training step, stage by stage, with the engine's own numbers.

The trainer builds a frozen :class:`Inspection` of the next mini-batch (or one training row):
the forward pass, the backward pass, the gradients and the optimizer's would-be update, each
a :class:`Stage` with its equation, shapes and numbers. Nothing in the session changes.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

from backprop_tui.engine import TrainingSession
from backprop_tui.engine.network import Network, Trace
from backprop_tui.engine.optimizers import clip_norm

FULL = 8
"""Arrays with at most this many rows and columns are shown in full."""
TOP = 5
"""Entries of largest magnitude listed for a larger array."""
KINDS = ("forward", "backward", "gradient", "update")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class Numbers:
    """One array: in full when small, else its summary and its largest entries."""

    name: str
    shape: tuple[int, ...]
    full: np.ndarray | None = None
    """A read-only copy when the array is at most FULL×FULL; None otherwise."""
    summary: tuple[float, float, float, float] = (math.nan,) * 4
    """mean, std, min, max."""
    top: tuple[tuple[tuple[int, ...], float], ...] = ()
    """(index, value) of the TOP entries of largest magnitude (larger arrays only)."""


@dataclass(frozen=True)
class Stage:
    """One step of the computation for one weight layer (1-based, as the topology)."""

    kind: str
    layer: int
    equation: str
    shapes: str
    numbers: tuple[Numbers, ...]


@dataclass(frozen=True)
class Inspection:
    """Every stage of one training step, before it is taken."""

    step: int
    rows: int
    """m, the number of samples."""
    sample: int | None
    """The training row inspected, or None for the next mini-batch."""
    sizes: tuple[int, ...]
    cost: float
    stages: tuple[Stage, ...]
    notes: tuple[str, ...] = ()


def sub(n: int | str) -> str:
    """``12`` → ``₁₂``."""
    return str(n).translate(_SUBSCRIPTS)


def numbers(name: str, values: np.ndarray) -> Numbers:
    """Describe ``values`` (copied: the caller's buffers may be reused)."""
    shape = tuple(values.shape)
    if all(n <= FULL for n in shape):
        full = np.array(values)
        full.flags.writeable = False
        return Numbers(name, shape, full)
    flat = values.ravel()
    order = np.argsort(-np.abs(flat), kind="stable")[:TOP]
    top = tuple((tuple(int(i) for i in np.unravel_index(k, shape)), float(flat[k]))
                for k in order)
    summary = (float(flat.mean()), float(flat.std()), float(flat.min()), float(flat.max()))
    return Numbers(name, shape, summary=summary, top=top)


NO_BIAS = "   (no bias)"
"""Said where a network without biases (``Network(bias=False)``) has no b, ∂C/∂b or Δb."""


def inspect(session: TrainingSession, sample: int | None = None) -> Inspection:
    """Inspect the step ``session`` would take next (or one on training row ``sample``)."""
    network, hyper = session.network, session.hyper
    single = np.array([(sample or 0) % len(session.x_train)])
    rows = session.next_rows() if sample is None else single
    x, y = session.x_train[rows], session.y_train[rows]
    m = len(rows)
    with np.errstate(all="ignore"):
        trace = network.gradients(x, y, l2=hyper.l2, l1=hyper.l1)
        change, clipped = _update(session, trace.grad)
    dW, db = network.layer_views(change)
    last = network.n_layers
    stages = [_forward(network, trace, layer, m) for layer in range(1, last + 1)]
    stages += [_backward(network, trace, layer, m) for layer in range(last, 0, -1)]
    stages += [_gradient(network, trace, layer, m, hyper.l2, hyper.l1)
               for layer in range(last, 0, -1)]
    rule = (type(session.optimizer).__doc__ or "").split("\n")[0]
    stages += [_change(network, layer, dW[layer - 1], db[layer - 1], rule,
                       session.effective_learning_rate) for layer in range(last, 0, -1)]
    notes = ["δ is shown per sample (the engine keeps δ/m, so ∂C/∂W = a·δ needs no 1/m)"]
    if network.loss.delta_is_a_minus_y:
        notes.append(f"{network.loss.output.name} + {network.loss.name.replace('_', ' ')}: "
                     "δ_L = a − y, f'(z_L) cancels")
    if hyper.dropout_rates(network.n_layers - 1):
        notes.append("dropout is off here: the real step draws masks, so its numbers differ")
    if hyper.augment != "off":
        notes.append("augmentation is off here: the real step trains on augmented copies")
    if clipped:
        notes.append(f"the gradient norm exceeds clip = {hyper.clip:g}: the update scales it "
                     "down first")
    if sample is not None:
        notes.append(f"training row {rows[0]} alone: applying trains the next mini-batch")
    return Inspection(session.step_count, m, None if sample is None else int(rows[0]),
                      network.sizes, float(trace.cost), tuple(stages), tuple(notes))


def _update(session: TrainingSession, grad: np.ndarray) -> tuple[np.ndarray, bool]:
    """What the optimizer would add to the flat parameters (its real state is untouched)."""
    hyper, network = session.hyper, session.network
    grad = grad.copy()
    clipped = clip_norm(grad, hyper.clip, float(np.vdot(grad, grad)))
    params = network.flat.copy()
    copy.deepcopy(session.optimizer).update(params, grad, session.effective_learning_rate, hyper)
    return params - network.flat, clipped


def _dims(*shape: int) -> str:
    return "×".join(str(n) for n in shape)


def _forward(network: Network, trace: Trace, layer: int, m: int) -> Stage:
    n, f = layer, network.activation_name(layer - 1)
    fan_in, fan_out = network.sizes[n - 1], network.sizes[n]
    bias, shape = ((f" + b{sub(n)}", f" + b{sub(n)} ({fan_out})") if network.bias
                   else ("", ""))
    equation = f"z{sub(n)} = a{sub(n - 1)}·W{sub(n)}{bias},   a{sub(n)} = {f}(z{sub(n)})"
    if not network.bias:
        equation += NO_BIAS
    shapes = (f"z{sub(n)} ({_dims(m, fan_out)}) = a{sub(n - 1)} ({_dims(m, fan_in)}) · "
              f"W{sub(n)} ({_dims(fan_in, fan_out)}){shape}")
    shown = [numbers(f"z{sub(n)}", trace.z[n - 1]), numbers(f"a{sub(n)}", trace.a[n])]
    if n == 1:
        shown.insert(0, numbers("a₀ = x", trace.a[0]))
    return Stage("forward", n, equation, shapes, tuple(shown))


def _backward(network: Network, trace: Trace, layer: int, m: int) -> Stage:
    n, width = layer, network.sizes[layer]
    delta = numbers(f"δ{sub(n)} (per sample)", trace.delta[n - 1] * m)
    if n == network.n_layers:
        loss = network.loss
        if loss.delta_is_a_minus_y:
            equation = (f"δ{sub(n)} = a{sub(n)} − y   ({loss.output.name} with "
                        f"{loss.name.replace('_', ' ')}: f'(z{sub(n)}) cancels)")
        else:
            equation = f"δ{sub(n)} = ∂C/∂a{sub(n)} ⊙ f'(z{sub(n)}) = (a{sub(n)} − y) ⊙ " \
                f"{loss.output.name}'(z{sub(n)})"
        shapes = f"δ{sub(n)} ({_dims(m, width)}) = a{sub(n)} ({_dims(m, width)}) − y " \
            f"({_dims(m, width)})"
        return Stage("backward", n, equation, shapes, (delta,))
    above = network.sizes[n + 1]
    f = network.hidden.name
    equation = f"δ{sub(n)} = (δ{sub(n + 1)}·W{sub(n + 1)}ᵀ) ⊙ {f}'(z{sub(n)})"
    shapes = (f"δ{sub(n)} ({_dims(m, width)}) = (δ{sub(n + 1)} ({_dims(m, above)}) · "
              f"W{sub(n + 1)}ᵀ ({_dims(above, width)})) ⊙ {f}'(z{sub(n)}) ({_dims(m, width)})")
    return Stage("backward", n, equation, shapes, (delta,))


def _gradient(network: Network, trace: Trace, layer: int, m: int, l2: float, l1: float
              ) -> Stage:
    n, fan_in, fan_out = layer, network.sizes[layer - 1], network.sizes[layer]
    penalty = "".join(text for on, text in ((l2, f" + λ₂·W{sub(n)}"),
                                            (l1, f" + λ₁·sign(W{sub(n)})")) if on)
    bias = f"∂C/∂b{sub(n)} = Σ_rows δ{sub(n)} / m" if network.bias else NO_BIAS.strip()
    equation = f"∂C/∂W{sub(n)} = a{sub(n - 1)}ᵀ·δ{sub(n)} / m{penalty},   {bias}   (m = {m})"
    shapes = (f"∂C/∂W{sub(n)} ({_dims(fan_in, fan_out)}) = a{sub(n - 1)}ᵀ "
              f"({_dims(fan_in, m)}) · δ{sub(n)} ({_dims(m, fan_out)})")
    shown = [numbers(f"∂C/∂W{sub(n)}", trace.dW[n - 1])]
    if network.bias:
        shapes += f",   ∂C/∂b{sub(n)} ({fan_out})"
        shown.append(numbers(f"∂C/∂b{sub(n)}", trace.db[n - 1]))
    return Stage("gradient", n, equation, shapes, tuple(shown))


def _change(network: Network, layer: int, dW: np.ndarray, db: np.ndarray, rule: str,
            rate: float) -> Stage:
    n, fan_in, fan_out = layer, network.sizes[layer - 1], network.sizes[layer]
    equation = f"W{sub(n)} ← W{sub(n)} + ΔW{sub(n)},   {rule}   (η = {rate:.4g})"
    shapes = f"ΔW{sub(n)} ({_dims(fan_in, fan_out)})"
    if not network.bias:
        return Stage("update", n, equation + NO_BIAS, shapes, (numbers(f"ΔW{sub(n)}", dW),))
    return Stage("update", n, equation, shapes + f",   Δb{sub(n)} ({fan_out})",
                 (numbers(f"ΔW{sub(n)}", dW), numbers(f"Δb{sub(n)}", db)))
