"""Each weight layer's health over the whole run, in bounded memory and within a time budget.

:class:`HealthHistory` records, per weight layer and for some of the training steps, the
update ratio ‖ΔW‖/‖W‖ the step took, the gradient norm ‖∇W‖ (before clipping, penalties
included) and, for hidden layers, the mean and standard deviation of the activations over the
mini-batch and the fraction of inactive units (dead ReLUs or saturated sigmoid/tanh outputs,
by each activation's own rule). The trainer trains each step through
:meth:`HealthHistory.train`; the health screen asks for :meth:`HealthHistory.view` with
``Want("health", points)``.

Which steps are recorded:

* a step is due once ``gap`` steps have passed since the last recorded one and, since then,
  training has run for 1/``budget`` times as long as a recording takes (so recording costs
  about ``budget`` of the training time at most, and every step is recorded when training
  is slow);
* when ``capacity`` rows are full, every second row goes (the first row stays) and ``gap``
  becomes the mean spacing of the rows kept, so the rows stay spread over the whole run;
* rows after the session's step go when it moved back (a rewind); a history left empty
  (a reset, a new network or data set) starts again with ``gap`` 1.

Each stored row holds exactly the values measured at its step (no averaging).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from backprop_tui.engine import ACTIVATIONS, Network, Trace, TrainingSession
from backprop_tui.live.samples import frozen

METRICS = ("update_ratio", "grad_norm", "activation_mean", "activation_std", "inactive")
"""The recorded values per layer; the last three are NaN for the output layer."""
CAPACITY = 512
BUDGET = 0.005


def layer_norms(network: Network, *vectors: np.ndarray) -> np.ndarray:
    """Per vector (each laid out like ``network.flat``: the weights first, a layer after the
    other) and weight layer, the norm of that layer's weights: vectors × layers."""
    count = network.n_weights
    squares = np.stack([vector[:count] for vector in vectors])
    np.square(squares, out=squares)
    sizes = [i * o for i, o in zip(network.sizes, network.sizes[1:], strict=False)]
    return np.sqrt(np.add.reduceat(squares, list(accumulate(sizes[:-1], initial=0)), axis=1))


def ratio(moved: np.ndarray, size: np.ndarray) -> np.ndarray:
    """‖ΔW‖/‖W‖ from the norms of the step and of the weights (inf for zero weights)."""
    ratios: np.ndarray = np.divide(moved, size, out=np.full(moved.shape, math.inf),
                                   where=size > 0)
    return ratios


def update_ratios(network: Network, step: np.ndarray | None) -> np.ndarray:
    """Per weight layer ‖ΔW‖/‖W‖ of ``step`` (what the latest step added to
    ``network.flat``) against the weights after it: 0 without a step, inf for zero weights."""
    if step is None:
        return np.zeros(network.n_layers)
    return ratio(*layer_norms(network, step, network.flat))


@dataclass(frozen=True)
class HealthSeries:
    """What the health screen draws: some recorded rows of a :class:`HealthHistory`."""

    steps: np.ndarray
    values: dict[str, np.ndarray]
    """Per metric of :data:`METRICS`, rows × weight layers."""
    activations: tuple[str, ...]
    """Each weight layer's activation (the last is the output's)."""
    step: int
    """The training step the series was taken at."""


class HealthHistory:
    """Per-layer health at some of the steps (module docstring): :meth:`steps` and
    :meth:`series` read it; :attr:`activations` names each weight layer's activation."""

    def __init__(self, capacity: int = CAPACITY, budget: float | None = None) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be an even number ≥ 2")
        self.capacity = capacity
        self.budget = BUDGET if budget is None else budget
        """The share of the training time recording may take (inf: every step ``gap``
        allows); None takes :data:`BUDGET`."""
        self.activations: tuple[str, ...] = ()
        self.gap = 1
        self._steps = np.zeros(capacity, np.int64)
        self._values = np.zeros((capacity, len(METRICS), 0))
        self._size = 0
        self._last = 0
        """The step of the newest row (0 when empty)."""
        self._next_due = 0.0
        self._cost = 0.0
        """Seconds a recording takes: a moving average, each recording counting at most 4× the
        average before (one the system interrupted does not hold the next back for long)."""

    def __len__(self) -> int:
        return self._size

    def steps(self) -> np.ndarray:
        """A copy of the recorded steps, oldest first."""
        return self._steps[: self._size].copy()

    def series(self, metric: str) -> np.ndarray:
        """A copy of one metric's rows: recorded steps × weight layers."""
        return self._values[: self._size, METRICS.index(metric)].copy()

    def train(self, session: TrainingSession) -> float:
        """One step of ``session`` (its cost), recorded when due."""
        cost = session.step(keep=self.due(session))
        self.record(session)
        return cost

    def due(self, session: TrainingSession) -> bool:
        """Whether the session's next step should be recorded (then pass ``keep=True`` to
        ``session.step`` and call :meth:`record`)."""
        step = session.step_count
        if self._last > step:
            self.drop_after(step)
        return step + 1 - self._last >= self.gap and time.perf_counter() >= self._next_due

    def record(self, session: TrainingSession) -> None:
        """Record the step just taken, if the session kept its pass (else nothing)."""
        kept, step = session.last_pass, session.last_step
        if kept is None or step is None:
            return
        trace, gradient = kept
        started = time.perf_counter()
        network = session.network
        self.drop_after(session.step_count - 1)
        names = tuple(network.activation_name(i) for i in range(network.n_layers))
        if names != self.activations:
            self._start(names)
        if self._size == self.capacity:
            self._thin()
        row = self._values[self._size]
        moved, size, row[1] = layer_norms(network, step, network.flat, gradient)
        row[0] = ratio(moved, size)
        row[2:, -1] = math.nan
        for layer in range(network.n_layers - 1):
            row[2:, layer] = _activity(network, trace, layer)
        self._steps[self._size] = self._last = session.step_count
        self._size += 1
        now = time.perf_counter()
        took = now - started
        self._cost = 0.9 * self._cost + 0.1 * min(took, 4 * self._cost) if self._cost else took
        self._next_due = now + self._cost / self.budget

    def drop_after(self, step: int) -> None:
        """Forget the rows after ``step``; an empty history starts over."""
        if self._last > step:
            self._size = int(np.searchsorted(self._steps[: self._size], step, side="right"))
            self._last = int(self._steps[self._size - 1]) if self._size else 0
            self.gap = self.gap if self._size else 1
            self._next_due = 0.0

    def view(self, step: int, points: int) -> HealthSeries:
        """At most ``points`` evenly spread rows (the first and newest included) as of
        training step ``step``."""
        self.drop_after(step)
        rows = np.unique(np.linspace(0, self._size - 1, max(points, 2)).round().astype(int))
        rows = rows if self._size else rows[:0]
        values = {m: frozen(self._values[rows, k]) for k, m in enumerate(METRICS)}
        return HealthSeries(frozen(self._steps[rows]), values, self.activations, step)

    def _start(self, activations: tuple[str, ...]) -> None:
        """An empty history for a network with these layers' activations."""
        self.activations, self.gap, self._size, self._last = activations, 1, 0, 0
        self._values = np.zeros((self.capacity, len(METRICS), len(activations)))

    def _thin(self) -> None:
        """Keep every second row (the first stays); new rows come as far apart as those."""
        kept = self._size // 2
        self._steps[:kept] = self._steps[: self._size : 2]
        self._values[:kept] = self._values[: self._size : 2]
        self._size, self._last = kept, int(self._steps[kept - 1])
        spacing = (self._last - int(self._steps[0])) // max(kept - 1, 1)
        self.gap = max(self.gap, spacing)


def _activity(network: Network, trace: Trace, layer: int) -> tuple[float, float, float]:
    """Hidden ``layer``'s activation mean, std and inactive fraction on the trace's batch
    (f(z) itself where dropout or a switched-off unit masked the activations)."""
    z, a = trace.z[layer], trace.a[layer + 1]
    masked = (trace.masks is not None and trace.masks[layer] is not None
              or network.unit_mask[layer] is not None)
    activation = ACTIVATIONS[network.activation_name(layer)]
    if masked:
        a = activation.forward(z, np.empty_like(z))
    mean = float(a.sum()) / a.size
    variance = float(np.vdot(a, a)) / a.size - mean * mean
    return mean, math.sqrt(max(variance, 0.0)), activation.inactive_fraction(z, a)
