"""Overfit one batch: can this network, with these settings, fit a single mini-batch?

A sanity check on demand. It trains a copy of the session (``session.copy()``) on the next
mini-batch's rows alone, again and again, with the session's optimizer, learning rate,
penalties and clipping but without dropout, and reports whether the cost gets near zero. The
copy is thrown away, so the live session is exactly as before: weights, optimizer state,
step count and random generators (nothing to rewind). A network that cannot fit a handful of
rows is broken.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from backprop_tui.engine import TrainingSession
from backprop_tui.engine.optimizers import clip_norm
from backprop_tui.engine.session import EXPLOSION
from backprop_tui.live.gradcheck import GradientSource

MAX_STEPS = 500
RELATIVE, ABSOLUTE = 0.01, 0.02
RULE = f"below {RELATIVE:.0%} of its start or below {ABSOLUTE:g}"
"""The batch counts as fitted once its cost (penalties excluded) is {RULE}."""
TRACE_POINTS = 48
"""Costs kept for the sparkline (evenly spaced over the steps taken)."""
ADVICE = "check the gradient (c), the learning rate, the activations"


@dataclass(frozen=True)
class OverfitReport:
    """The check's result: the batch's cost before and after, and a verdict."""

    step: int
    """The live session's step count (unchanged by the check)."""
    batch: int
    start_cost: float
    final_cost: float
    steps: int
    """Updates taken: the first that reached the rule, or all of :data:`MAX_STEPS`."""
    passed: bool
    verdict: str
    costs: tuple[float, ...]
    """The cost before the first update and after each, thinned to :data:`TRACE_POINTS`."""
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


def fitted(cost: float, start: float) -> bool:
    """The rule: ``cost`` is :data:`RULE`."""
    return cost < max(RELATIVE * start, ABSOLUTE)


def diverged(cost: float, start: float) -> bool:
    """Not a finite number, or exploded as a training step counts it (see EXPLOSION)."""
    return not math.isfinite(cost) or cost > EXPLOSION * max(start, 1e-3)


def overfit_batch(session: TrainingSession, source: GradientSource | None = None,
                  max_steps: int = MAX_STEPS) -> OverfitReport:
    """Train a copy of ``session`` on its next mini-batch only, up to ``max_steps`` updates
    (``source`` replaces backprop's gradients, as in the gradient check)."""
    started = time.perf_counter()
    rows = session.next_rows()
    clone = session.copy()
    network, hyper, rate = clone.network, clone.hyper, clone.effective_learning_rate
    x, y = clone.x_train[rows], clone.y_train[rows]
    trace, last = network.new_trace(len(rows)), network.n_layers - 1
    costs: list[float] = []
    with np.errstate(all="ignore"):  # a diverging copy is reported, not warned about
        for taken in range(max_steps + 1):
            network.forward(x, trace, training=True)  # batch norm: the batch's statistics
            costs.append(cost := float(network.loss.cost(trace.z[last], trace.a[last + 1], y)))
            if diverged(cost, costs[0]) or fitted(cost, costs[0]) or taken == max_steps:
                break
            network.backward(trace, y, l2=hyper.l2, l1=hyper.l1)
            if source is not None:
                for view, gradient in zip(trace.grads, source(network, x, y, hyper.l2,
                                                              hyper.l1), strict=True):
                    view[...] = gradient
            clip_norm(trace.grad, hyper.clip, float(np.vdot(trace.grad, trace.grad)))
            clone.optimizer.update(network.flat, trace.grad, rate, hyper)
    notes = []
    if hyper.dropout_rates(network.n_layers - 1):
        notes.append("dropout is on: the check trains with dropout off")
    if hyper.augment != "off":
        notes.append("augmentation is on: the check trains on the rows as they are")
    if hyper.l2 or hyper.l1:
        notes.append("the L2/L1 penalty is trained with but not counted in the cost")
    return OverfitReport(session.step_count, len(rows), costs[0], cost, taken,
                         fitted(cost, costs[0]), verdict(costs, len(rows)), thinned(costs),
                         tuple(notes), time.perf_counter() - started)


def verdict(costs: list[float], batch: int) -> str:
    """One line: fits (and how fast), or cannot fit, with what to check."""
    start, final, taken = costs[0], costs[-1], len(costs) - 1
    if fitted(final, start):
        return f"fits one batch: cost {start:.3g} → {final:.2g} in {taken} steps"
    why = f"the cost diverged at step {taken}" if diverged(final, start) else \
        f"cost {start:.3g} → {final:.3g} after {taken} steps"
    return f"cannot fit one batch ({why}): a network that cannot fit {batch} rows is broken: " \
        f"{ADVICE}"


def thinned(costs: list[float]) -> tuple[float, ...]:
    """At most :data:`TRACE_POINTS` of ``costs``, evenly spaced, first and last kept."""
    if len(costs) <= TRACE_POINTS:
        return tuple(costs)
    picks = np.linspace(0, len(costs) - 1, TRACE_POINTS).round().astype(int)
    return tuple(costs[i] for i in picks)
