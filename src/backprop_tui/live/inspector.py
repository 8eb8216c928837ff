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
from backprop_tui.engine.norm import EPSILON, NormTrace
from backprop_tui.engine.optimizers import clip_norm

FULL = 8
"""Arrays with at most this many rows and columns are shown in full."""
TOP = 5
"""Entries of largest magnitude listed for a larger array."""
KINDS = ("forward", "normalise", "backward", "normalise backward", "gradient", "update")
"""The normalise stages appear for each hidden layer of a normalised network only."""
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


def _no_bias(network: Network, n: int) -> str:
    """Why weight layer ``n`` (1-based) has no bias."""
    return NO_BIAS if not network.bias else f"   (no bias: β{sub(n)} takes its place)"


def inspect(session: TrainingSession, sample: int | None = None) -> Inspection:
    """Inspect the step ``session`` would take next (or one on training row ``sample``)."""
    network, hyper = session.network, session.hyper
    rows = session.next_rows()  # NoTrainingRows when every training row was removed
    if sample is not None:
        rows = np.array([sample % len(session.x_train)])
    x, y = session.x_train[rows], session.y_train[rows]
    m = len(rows)
    with np.errstate(all="ignore"):
        trace = network.gradients(x, y, l2=hyper.l2, l1=hyper.l1)
        change, clipped = _update(session, trace.grad)
    dW, db = network.layer_views(change)
    d_scale = network.scale_views(change)
    last = network.n_layers
    stages = []
    for layer in range(1, last + 1):
        stages.append(_forward(network, trace, layer, m))
        if trace.norm is not None and layer < last:
            stages.append(_normalise(network, trace, trace.norm, layer, m))
    for layer in range(last, 0, -1):
        stages.append(_backward(network, trace, layer, m))
        if trace.norm is not None and layer < last:
            stages.append(_normalise_backward(network, trace, trace.norm, layer, m))
    stages += [_gradient(network, trace, layer, m, hyper.l2, hyper.l1)
               for layer in range(last, 0, -1)]
    rule = (type(session.optimizer).__doc__ or "").split("\n")[0]
    stages += [_change(network, layer, dW[layer - 1], db[layer - 1], rule,
                       session.effective_learning_rate,
                       d_scale[layer - 1] if layer < last and d_scale else None)
               for layer in range(last, 0, -1)]
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
    if sample is not None and network.norm == "batch":
        notes.append("batch norm over one row: every unit equals its batch mean, so ẑ = 0 "
                     "and y = β (b shows the mini-batch)")
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
    bias, shape = ((f" + b{sub(n)}", f" + b{sub(n)} ({fan_out})") if network.has_bias(n - 1)
                   else ("", ""))
    equation = f"z{sub(n)} = a{sub(n - 1)}·W{sub(n)}{bias}"
    if (keep := trace.norm) is not None and n < network.n_layers:  # normalised next
        equation += f",   normalised next, then a{sub(n)} = {f}(y{sub(n)})"
        shown = [numbers(f"z{sub(n)}", keep.pre[n - 1])]
    else:
        equation += f",   a{sub(n)} = {f}(z{sub(n)})"
        shown = [numbers(f"z{sub(n)}", trace.z[n - 1]), numbers(f"a{sub(n)}", trace.a[n])]
    if not network.has_bias(n - 1):
        equation += _no_bias(network, n)
    shapes = (f"z{sub(n)} ({_dims(m, fan_out)}) = a{sub(n - 1)} ({_dims(m, fan_in)}) · "
              f"W{sub(n)} ({_dims(fan_in, fan_out)}){shape}")
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
    normed = trace.norm is not None
    target, z = (f"∂C/∂y{sub(n)}", f"y{sub(n)}") if normed else (f"δ{sub(n)}", f"z{sub(n)}")
    if trace.norm is not None:  # the normalised layer's ∂C/∂y; δ follows in the next stage
        delta = numbers(f"{target} (per sample)", trace.norm.dy[n - 1] * m)
    equation = f"{target} = (δ{sub(n + 1)}·W{sub(n + 1)}ᵀ) ⊙ {f}'({z})"
    shapes = (f"{target} ({_dims(m, width)}) = (δ{sub(n + 1)} ({_dims(m, above)}) · "
              f"W{sub(n + 1)}ᵀ ({_dims(above, width)})) ⊙ {f}'({z}) ({_dims(m, width)})")
    return Stage("backward", n, equation, shapes, (delta,))


def _statistics(network: Network, n: int, m: int) -> tuple[str, str, str, str]:
    """μ's and σ²'s names, what they average over, and their shape."""
    if network.norm == "batch":
        return ("μ_B", "σ²_B", f"each unit's mean and variance over the batch's {m} rows",
                _dims(1, network.sizes[n]))
    return ("μ", "σ²", f"each row's mean and variance over the layer's {network.sizes[n]} "
            "units", _dims(m, 1))


def _normalise(network: Network, trace: Trace, keep: NormTrace, layer: int, m: int) -> Stage:
    n, width, f = layer, network.sizes[layer], network.hidden.name
    mu, var, over, shape = _statistics(network, n, m)
    equation = (f"ẑ{sub(n)} = (z{sub(n)} − {mu}) / √({var} + ε),   {mu}, {var}: {over} "
                f"(ε = {EPSILON:g})\ny{sub(n)} = γ{sub(n)} ⊙ ẑ{sub(n)} + β{sub(n)},   "
                f"a{sub(n)} = {f}(y{sub(n)})")
    shapes = (f"ẑ{sub(n)}, y{sub(n)}, a{sub(n)} ({_dims(m, width)}),   {mu}, {var} ({shape}),   "
              f"γ{sub(n)}, β{sub(n)} ({width})")
    gamma, beta = network.scales[n - 1]
    return Stage("normalise", n, equation, shapes, (
        numbers(mu, keep.mean[n - 1]), numbers(var, keep.var[n - 1]),
        numbers(f"ẑ{sub(n)}", keep.hat[n - 1]), numbers(f"γ{sub(n)}", gamma),
        numbers(f"β{sub(n)}", beta), numbers(f"y{sub(n)}", trace.z[n - 1]),
        numbers(f"a{sub(n)}", trace.a[n])))


def _normalise_backward(network: Network, trace: Trace, keep: NormTrace, layer: int, m: int
                        ) -> Stage:
    n, width = layer, network.sizes[layer]
    dy, d_gamma, d_beta = f"∂C/∂y{sub(n)}", f"∂C/∂γ{sub(n)}", f"∂C/∂β{sub(n)}"
    mu, var, _, _ = _statistics(network, n, m)
    if network.norm == "batch":
        delta = (f"γ{sub(n)} / √({var} + ε) ⊙ ({dy} − ({d_beta} + ẑ{sub(n)} ⊙ {d_gamma}) / m)"
                 f"   (m = {m})")
    else:
        delta = (f"(g − mean(g) − ẑ{sub(n)} ⊙ mean(g ⊙ ẑ{sub(n)})) / √({var} + ε),   "
                 f"g = γ{sub(n)} ⊙ {dy}, means over the {width} units")
    equation = (f"{d_gamma} = Σ_rows {dy} ⊙ ẑ{sub(n)},   {d_beta} = Σ_rows {dy}\n"
                f"δ{sub(n)} = ∂C/∂z{sub(n)} = {delta}")
    shapes = f"δ{sub(n)} ({_dims(m, width)}),   {d_gamma}, {d_beta} ({width})"
    d_scale = trace.d_scale[n - 1]
    return Stage("normalise backward", n, equation, shapes, (
        numbers(f"δ{sub(n)} (per sample)", trace.delta[n - 1] * m),
        numbers(d_gamma, d_scale[0]), numbers(d_beta, d_scale[1])))


def _gradient(network: Network, trace: Trace, layer: int, m: int, l2: float, l1: float
              ) -> Stage:
    n, fan_in, fan_out = layer, network.sizes[layer - 1], network.sizes[layer]
    penalty = "".join(text for on, text in ((l2, f" + λ₂·W{sub(n)}"),
                                            (l1, f" + λ₁·sign(W{sub(n)})")) if on)
    bias = f"∂C/∂b{sub(n)} = Σ_rows δ{sub(n)} / m" if network.has_bias(n - 1) \
        else _no_bias(network, n).strip()
    equation = f"∂C/∂W{sub(n)} = a{sub(n - 1)}ᵀ·δ{sub(n)} / m{penalty},   {bias}   (m = {m})"
    shapes = (f"∂C/∂W{sub(n)} ({_dims(fan_in, fan_out)}) = a{sub(n - 1)}ᵀ "
              f"({_dims(fan_in, m)}) · δ{sub(n)} ({_dims(m, fan_out)})")
    shown = [numbers(f"∂C/∂W{sub(n)}", trace.dW[n - 1])]
    if network.has_bias(n - 1):
        shapes += f",   ∂C/∂b{sub(n)} ({fan_out})"
        shown.append(numbers(f"∂C/∂b{sub(n)}", trace.db[n - 1]))
    return Stage("gradient", n, equation, shapes, tuple(shown))


def _change(network: Network, layer: int, dW: np.ndarray, db: np.ndarray, rule: str,
            rate: float, d_scale: np.ndarray | None) -> Stage:
    """W ← W + ΔW (and b, γ, β where the layer has them)."""
    n, fan_in, fan_out = layer, network.sizes[layer - 1], network.sizes[layer]
    equation = f"W{sub(n)} ← W{sub(n)} + ΔW{sub(n)},   {rule}   (η = {rate:.4g})"
    shapes = f"ΔW{sub(n)} ({_dims(fan_in, fan_out)})"
    shown = [numbers(f"ΔW{sub(n)}", dW)]
    if network.has_bias(n - 1):
        shapes += f",   Δb{sub(n)} ({fan_out})"
        shown.append(numbers(f"Δb{sub(n)}", db))
    else:
        equation += _no_bias(network, n)
    if d_scale is not None:
        equation += f"\nγ{sub(n)} ← γ{sub(n)} + Δγ{sub(n)},   β{sub(n)} ← β{sub(n)} + Δβ{sub(n)}"
        shapes += f",   Δγ{sub(n)}, Δβ{sub(n)} ({fan_out})"
        shown += [numbers(f"Δγ{sub(n)}", d_scale[0]), numbers(f"Δβ{sub(n)}", d_scale[1])]
    return Stage("update", n, equation, shapes, tuple(shown))
