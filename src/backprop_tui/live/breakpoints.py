"""Breakpoints: conditions that pause training by themselves, and the watcher checking them.

The trainer asks :meth:`Watcher.check` after every step, but only when a threshold is set,
and each check is O(1) Python: the cost spike keeps a running window sum, the gradient norm
is the one the step already computed (``session.grad_square_norm``), the target and epoch
look at the epoch counter. The dead-unit fraction needs a forward pass over the probe rows,
so it is measured at most every :data:`DEAD_CHECK_SECONDS` of training and at each epoch end.

Non-finite costs or gradients are rejected by the engine as divergence before any weight
changes; with ``non_finite`` on (the default) :meth:`Watcher.diverged` reports that as a
breakpoint too.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from backprop_tui.engine import ACTIVATIONS, TrainingSession
from backprop_tui.engine.metrics import headline
from backprop_tui.errors import BackpropError

PROBE_ROWS = 256
"""Training rows used for per-layer activity and gradient statistics."""
WINDOW = 50
"""Step costs in the cost-spike moving average."""
DEAD_CHECK_SECONDS = 0.2
"""Longest stretch of training between two measurements of the dead-unit fraction."""
LABELS = {"cost_spike": "spike×{}", "dead_fraction": "dead>{}", "grad_norm": "‖∇‖>{}",
          "target": "{metric}≥{}", "epoch": "ep {}"}
"""How the status bar abbreviates each threshold."""


@dataclass(frozen=True)
class Breakpoints:
    """Which conditions pause training; None switches a threshold off."""

    non_finite: bool = True
    """A non-finite cost or gradient (the engine rejects the step as divergence)."""
    cost_spike: float | None = None
    """k: a step's cost above k × the mean of the previous WINDOW step costs."""
    dead_fraction: float | None = None
    """x: any ReLU or leaky ReLU layer with more than this fraction of dead units."""
    grad_norm: float | None = None
    """k: the global gradient norm of a step above k (before clipping)."""
    target: float | None = None
    """The test accuracy, word accuracy or R² at an epoch's end at least this."""
    epoch: int | None = None
    """Pause when this epoch completes."""

    def __post_init__(self) -> None:
        limits = {"cost_spike": (1.0, math.inf), "dead_fraction": (0.0, 1.0),
                  "grad_norm": (0.0, math.inf), "target": (-math.inf, 1.0),
                  "epoch": (0.0, math.inf)}
        for name, (low, high) in limits.items():
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, int | float) or not low < value <= high or (
                    name == "epoch" and int(value) != value):
                kind = "a whole number" if name == "epoch" else "a number"
                raise BackpropError(f"{name.replace('_', ' ')} must be {kind} in "
                                    f"({low:g}, {high:g}], not {value!r}")

    @property
    def thresholds(self) -> bool:
        """Whether any per-step condition is set (non-finite values need no check)."""
        return any(getattr(self, name) is not None for name in LABELS)

    def summary(self, metric: str = "target") -> str:
        """Compact, e.g. ``spike×5 acc≥0.95 ep 10`` ('' when only the default is on)."""
        parts = [LABELS[name].format(f"{value:g}", metric=metric)
                 for name in LABELS if (value := getattr(self, name)) is not None]
        return " ".join(parts if self.non_finite else [*parts, "non-finite off"])

    @classmethod
    def from_texts(cls, non_finite: bool, texts: dict[str, str]) -> Breakpoints:
        """From form fields: a number per threshold name, blank for off."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            text = texts.get(f.name, "").strip()
            if f.name == "non_finite" or not text:
                continue
            try:
                values[f.name] = int(text) if f.name == "epoch" else float(text)
            except ValueError:
                raise BackpropError(f"{f.name.replace('_', ' ')}: {text!r} is not a "
                                    f"{'whole ' if f.name == 'epoch' else ''}number") from None
        return cls(non_finite, **values)


class Watcher:
    """Checks one set of breakpoints against a session, step by step."""

    def __init__(self, breakpoints: Breakpoints) -> None:
        self.breakpoints = breakpoints
        self._session: TrainingSession | None = None
        self._last_step = 0
        self._restart()

    def _restart(self) -> None:
        self._costs: deque[float] = deque(maxlen=WINDOW)
        self._cost_sum = 0.0
        self._epoch = 0
        self._dead_due = 0.0
        self._dead_fired = self._target_fired = False

    def diverged(self, session: TrainingSession) -> str | None:
        """The reason to report for a rejected step, if non-finite values caught it."""
        if self.breakpoints.non_finite and "finite" in (session.diverged or ""):
            return f"breakpoint: non-finite values — {session.diverged}"
        return None

    def check(self, session: TrainingSession, cost: float) -> str | None:
        """After a step that cost ``cost``: the one-line reason to pause, or None."""
        b, step = self.breakpoints, session.step_count
        if session is not self._session or step <= self._last_step:  # new run or reset
            self._session, self._last_step = session, step
            self._restart()
        self._last_step = step
        reason = None
        if b.cost_spike is not None:
            reason = self._spike(b.cost_spike, cost, step)
        if reason is None and b.grad_norm is not None:
            square = getattr(session, "grad_square_norm", 0.0)
            if square > b.grad_norm**2:
                reason = (f"breakpoint: gradient norm {math.sqrt(square):.3g} > "
                          f"{b.grad_norm:g} at step {step}")
        epoch_ended = session.epoch != self._epoch
        self._epoch = session.epoch
        if reason is None and b.dead_fraction is not None:
            now = time.perf_counter()
            if epoch_ended or now >= self._dead_due:
                self._dead_due = now + DEAD_CHECK_SECONDS
                reason = self._dead(session, b.dead_fraction)
        if reason is None and epoch_ended:
            reason = self._epoch_end(session)
        return reason

    def _spike(self, k: float, cost: float, step: int) -> str | None:
        costs, reason = self._costs, None
        if len(costs) == WINDOW:
            average = self._cost_sum / WINDOW
            if cost > k * average:
                reason = (f"breakpoint: cost spike {cost / average:.1f}× the average of the "
                          f"last {WINDOW} steps at step {step}")
            self._cost_sum -= costs[0]
        costs.append(cost)
        self._cost_sum += cost
        return reason

    def _dead(self, session: TrainingSession, limit: float) -> str | None:
        """Fires when a layer first goes over ``limit`` (again after it recovers)."""
        net = session.network
        layers = [i for i in range(net.n_layers)
                  if ACTIVATIONS[net.activation_name(i)].inactive == "dead"]
        if not layers:
            return None
        trace = net.forward(session.x_train[probe_rows(session)])
        dead = [inactive_fraction(net.activation_name(i), trace.z[i], trace.a[i + 1])
                for i in layers]
        worst = max(dead)
        layer = layers[dead.index(worst)] + 1  # the first of the worst
        was, self._dead_fired = self._dead_fired, worst > limit
        if worst > limit and not was:
            return (f"breakpoint: {100 * worst:.0f} % of the units of layer {layer} are "
                    f"dead (> {100 * limit:g} %) at step {session.step_count}")
        return None

    def _epoch_end(self, session: TrainingSession) -> str | None:
        b, epoch = self.breakpoints, session.epoch
        if b.target is not None:
            metric = headline(session.dataset.task)
            value = session.epoch_history.last().get(f"test_{metric.name}", math.nan)
            was, self._target_fired = self._target_fired, value >= b.target
            if value >= b.target and not was:
                return (f"breakpoint: test {metric.label} {value:.3g} ≥ "
                        f"{b.target:g} at epoch {epoch}")
        if b.epoch is not None and epoch == b.epoch:
            return f"breakpoint: epoch {epoch} completed at step {session.step_count}"
        return None


def probe_rows(session: TrainingSession) -> np.ndarray:
    """The (seeded, sorted) training rows used for per-layer statistics."""
    rng = np.random.default_rng(session.seed)
    return np.sort(rng.permutation(len(session.x_train))[:PROBE_ROWS])


def inactive_fraction(name: str, z: np.ndarray, a: np.ndarray) -> float:
    """The fraction of a layer's units that activation ``name`` calls inactive (dead ReLUs,
    saturated sigmoid/tanh outputs; 0 for the others) on the batch (z, a)."""
    return ACTIVATIONS[name].inactive_fraction(z, a)
