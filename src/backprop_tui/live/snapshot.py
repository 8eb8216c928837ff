"""Immutable pictures of a training session, built in the trainer and read by the UI.

Every array is a fresh, read-only copy: a snapshot never shares memory with the session.
Sizes stay bounded whatever the run's length or the network's width, so building, sending
and drawing one costs the same after a million steps as after ten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np

from backprop_tui.engine import Hyperparameters, TrainingSession
from backprop_tui.live.breakpoints import PROBE_ROWS, Breakpoints, inactive_fraction, probe_rows
from backprop_tui.live.health import update_ratios
from backprop_tui.live.samples import PREDICTION_POOL, Prediction, sample_predictions
from backprop_tui.live.samples import frozen as frozen  # re-exported for the other modules

if TYPE_CHECKING:
    from backprop_tui.live.boundary import Boundary
    from backprop_tui.live.doctor import Finding
    from backprop_tui.live.lab import LabResult
    from backprop_tui.live.views import Views

PLOT_POINTS = 400
"""Longest series sent to the cost plot (≈ 2× a wide plot's columns)."""
MAX_SHOWN = 12
"""Most neurons drawn per layer; wider layers are summarised by evenly spaced neurons."""
HISTOGRAM_BINS = 16


@dataclass(frozen=True)
class LayerStats:
    """One weight layer's health."""

    index: int
    fan_in: int
    fan_out: int
    activation: str
    weight_mean: float
    weight_std: float
    weight_min: float
    weight_max: float
    bias_mean: float | None
    """None: the network has no biases."""
    grad_norm: float
    """‖∂C/∂W‖ on the probe batch (penalties included)."""
    update_ratio: float
    """‖ΔW‖ / ‖W‖: the latest step the optimizer took, relative to the weights after it
    (≈1e-3 is healthy); 0 before the first step."""
    inactive: float
    """ReLU: fraction of units never active on the probe batch (dead); sigmoid/tanh:
    fraction of unit outputs within 1 % of saturation; otherwise 0."""
    histogram: tuple[int, ...]
    output: bool = False
    """The output layer: saturated outputs there are confident answers, not a fault."""
    wrong_saturated: float = 0.0
    """Output layer: the fraction of outputs saturated on the wrong side of the target
    (more than 0.5 away from it) on the probe batch."""


@dataclass(frozen=True)
class Topology:
    """What the network diagram draws: a few neurons per layer, for one sample."""

    sizes: tuple[int, ...]
    shown: tuple[tuple[int, ...], ...]
    """Per layer (inputs first), the indices of the neurons drawn."""
    activations: tuple[np.ndarray, ...]
    """Per layer, the drawn neurons' activations for the current sample."""
    weights: tuple[np.ndarray, ...]
    """Per weight layer, the weights between drawn neurons (shown_in × shown_out)."""
    selected: tuple[int, int] | None = None
    """(layer, neuron) whose incoming weights are listed; layer ≥ 1."""
    incoming: np.ndarray | None = None
    """All incoming weights of the selected neuron (fan_in values), then its bias last."""


@dataclass(frozen=True)
class Branch:
    """The training cost of an abandoned branch: it left the current one at ``start``."""

    start: int
    steps: np.ndarray
    cost: np.ndarray


@dataclass(frozen=True)
class Snapshot:
    """The whole UI state the trainer publishes (≤ 15 per second and after each command)."""

    status: str
    """``running``, ``paused`` or ``diverged``."""
    message: str
    dataset: str
    dataset_summary: str
    task: str
    metric_names: tuple[str, ...]
    sizes: tuple[int, ...]
    hidden: str
    output: str
    loss: str
    init: str
    dtype: str
    preset: str
    hyper: Hyperparameters
    speed: float | None
    step: int
    epoch: int
    epoch_progress: float
    samples_per_second: float
    cost_steps: np.ndarray
    cost: np.ndarray
    epoch_steps: np.ndarray
    epoch_series: dict[str, np.ndarray]
    metrics: dict[str, float]
    layers: tuple[LayerStats, ...]
    topology: Topology
    predictions: tuple[Prediction, ...]
    wrong: int
    """Mistakes among the pooled test rows (classification; 0 for regression)."""
    pool: int
    """How many test rows (the first ones) the predictions and ``measured`` come from."""
    test_rows: int = 0
    """How many test rows there are in all."""
    measured: dict[str, float] = field(default_factory=dict)
    """The task's metrics on the pooled test rows, with the weights of ``measured_step``."""
    measured_step: int = 0
    seq: int = 0
    breakpoints: Breakpoints = field(default_factory=Breakpoints)
    """The breakpoints in force."""
    breakpoint: str = ""
    """Why a breakpoint paused the training (while it stays paused), else ''."""
    branches: tuple[Branch, ...] = ()
    """Cost curves of earlier branches (abandoned by a rewind), oldest first."""
    markers: tuple[tuple[int, str], ...] = ()
    """(step, what changed) for each hyperparameter change on the current branch."""
    notes: tuple[str, ...] = field(default=())
    """One-off notices for the person (shown once as toasts)."""
    extras: Mapping[str, object] = field(default_factory=dict)
    """What the UI asked for by view name (see :mod:`backprop_tui.live.ondemand`)."""
    off_units: tuple[tuple[int, int], ...] = ()
    """Hidden neurons switched off, as (layer, neuron) with layer ≥ 1."""
    lab: LabResult | None = None
    """The latest neuron-lab edit: test cost and metric just before and after it."""
    norm: str = "none"
    """How the hidden layers normalise: none, batch or layer."""
    findings: tuple[Finding, ...] = ()
    """The training doctor's current findings, most important first."""

    @property
    def views(self) -> Views | None:
        """The classification views, while the views screen is open."""
        return cast("Views | None", self.extras.get("views"))

    @property
    def boundary(self) -> Boundary | None:
        """The decision boundary, while the boundary screen is open (2-input networks only)."""
        return cast("Boundary | None", self.extras.get("boundary"))


@dataclass(frozen=True)
class TrainerState:
    """What the trainer adds to a session's own state in a snapshot."""

    status: str = "paused"
    """``running``, ``paused`` or ``diverged``."""
    message: str = ""
    preset: str = ""
    speed: float | None = None
    samples_per_second: float = 0.0
    offset: int = 0
    """How far the predictions panel is paged."""
    selected: tuple[int, int] | None = None
    """The neuron whose incoming weights the topology lists."""
    seq: int = 0
    notes: tuple[str, ...] = ()
    breakpoints: Breakpoints = field(default_factory=Breakpoints)
    breakpoint: str = ""
    branches: tuple[Branch, ...] = ()
    markers: tuple[tuple[int, str], ...] = ()
    lab: LabResult | None = None
    findings: tuple[Finding, ...] = ()


def downsample(steps: np.ndarray, values: np.ndarray, points: int = PLOT_POINTS
               ) -> tuple[np.ndarray, np.ndarray]:
    """At most ``points`` (step, mean value) pairs; non-finite values are dropped first."""
    keep = np.isfinite(values)
    steps, values = steps[keep], values[keep]
    if len(values) <= points:
        return steps, values
    edges = np.linspace(0, len(values), points + 1).astype(int)
    sums = np.add.reduceat(values, edges[:-1])
    return steps[edges[1:] - 1], sums / np.diff(edges)


def smooth(values: np.ndarray, span: int) -> np.ndarray:
    """A centred moving average over ``span`` points (edges use what exists)."""
    if span <= 1 or len(values) < 3:
        return values
    kernel = np.ones(span)
    return np.convolve(values, kernel, "same") / np.convolve(np.ones(len(values)), kernel, "same")


def _layer_stats(session: TrainingSession, rows: np.ndarray) -> tuple[LayerStats, ...]:
    net, hyper = session.network, session.hyper
    x, y = session.x_train[rows], session.y_train[rows]
    if not len(rows):  # every training row was removed: measure on the first test rows
        x, y = session.x_test[:PROBE_ROWS], session.y_test[:PROBE_ROWS]
    with np.errstate(all="ignore"):
        trace = net.gradients(x, y, l2=hyper.l2, l1=hyper.l1)
    ratios = update_ratios(net, session.last_step)
    last = net.n_layers - 1
    stats = []
    for index, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        name = net.activation_name(index)
        inactive = inactive_fraction(name, trace.z[index], trace.a[index + 1])
        wrong = 0.0
        if index == last:  # the saturation rule, applied to the wrong outputs only
            out = trace.a[-1]
            wrong = inactive_fraction(name, trace.z[index], np.where(abs(out - y) > 0.5, out, 0.5))
        g_norm = float(np.linalg.norm(trace.dW[index]))
        finite = np.isfinite(w).all()
        counts = np.histogram(w, bins=HISTOGRAM_BINS)[0] if finite else np.zeros(HISTOGRAM_BINS)
        fan_in, fan_out = w.shape
        stats.append(LayerStats(
            index, fan_in, fan_out, name, float(w.mean()), float(w.std()), float(w.min()),
            float(w.max()), float(b.mean()) if net.has_bias(index) else None, g_norm,
            float(ratios[index]), inactive,
            tuple(int(c) for c in counts), index == last, wrong,
        ))
    return tuple(stats)


def shown_neurons(size: int) -> tuple[int, ...]:
    """Which neurons of a layer are drawn: all, or MAX_SHOWN evenly spaced ones."""
    if size <= MAX_SHOWN:
        return tuple(range(size))
    return tuple(int(i) for i in np.linspace(0, size - 1, MAX_SHOWN).round())


def _topology(session: TrainingSession, row: int | None,
              selected: tuple[int, int] | None) -> Topology:
    x = session.x_test[[row]] if row is not None else np.zeros((1, session.network.sizes[0]))
    return topology_for(session, x, selected)


def topology_for(session: TrainingSession, x: np.ndarray,
                 selected: tuple[int, int] | None = None) -> Topology:
    """The network diagram for the one input row ``x`` (shape 1 × inputs)."""
    net = session.network
    shown = tuple(shown_neurons(s) for s in net.sizes)
    trace = net.forward(x)
    activations = tuple(frozen(a[0, list(idx)]) for a, idx in zip(trace.a, shown, strict=True))
    weights = tuple(frozen(w[np.ix_(shown[i], shown[i + 1])]) for i, w in enumerate(net.weights))
    incoming = None
    if selected is not None:
        layer, neuron = selected
        if 1 <= layer < len(net.sizes) and 0 <= neuron < net.sizes[layer]:
            column = net.weights[layer - 1][:, neuron]
            incoming = frozen(np.append(column, net.biases[layer - 1][neuron]))
        else:
            selected = None
    return Topology(net.sizes, shown, activations, weights, selected, incoming)


def take_snapshot(session: TrainingSession, state: TrainerState | None = None,
                  reuse: Snapshot | None = None, extras: Mapping[str, object] | None = None
                  ) -> Snapshot:
    """Copy what the UI shows out of ``session``, with the trainer's ``state`` and the
    ``extras`` the UI asked for.

    With ``reuse``, the costlier parts (layer statistics, topology, predictions) are taken
    from that earlier snapshot, and only progress, history and status are fresh.
    """
    net, dataset, state = session.network, session.dataset, state or TrainerState()
    if reuse is not None:
        layers, topology = reuse.layers, reuse.topology
        predictions, wrong, pool_size = reuse.predictions, reuse.wrong, reuse.pool
        measured, measured_step = reuse.measured, reuse.measured_step
    else:
        probe = probe_rows(session)
        pool = np.arange(min(PREDICTION_POOL, len(session.x_test)))
        predictions, wrong, measured = sample_predictions(session, pool, state.offset)
        row = predictions[0].row if predictions else None
        layers, topology = _layer_stats(session, probe), _topology(session, row, state.selected)
        pool_size, measured_step = len(pool), session.step_count

    cost_steps, cost = session.cost_history.steps(), session.cost_history.column("cost")
    cost = smooth(cost, max(1, len(cost) // 100))
    cost_steps, cost = downsample(cost_steps, cost)
    history = session.epoch_history
    rows = np.unique(np.linspace(0, len(history) - 1, PLOT_POINTS).round().astype(int))
    rows = rows[rows >= 0] if len(history) else rows[:0]
    epoch_steps = history.steps()[rows]
    series = {name: frozen(history.column(name)[rows]) for name in history.columns}
    metrics = {k: v for k, v in history.last().items() if k != "step"}
    return Snapshot(
        status=state.status, message=state.message, dataset=dataset.name,
        dataset_summary=dataset.summary, task=dataset.task,
        metric_names=tuple(session.metric_names), sizes=net.sizes, hidden=net.hidden.name,
        output=net.loss.output.name, loss=net.loss.name, init=net.init,
        dtype=net.dtype.name, preset=state.preset, hyper=session.hyper, speed=state.speed,
        step=session.step_count, epoch=session.epoch, epoch_progress=session.epoch_progress,
        samples_per_second=state.samples_per_second, cost_steps=frozen(cost_steps),
        cost=frozen(cost), epoch_steps=frozen(epoch_steps), epoch_series=series, metrics=metrics,
        layers=layers, topology=topology, predictions=predictions, wrong=wrong, pool=pool_size,
        test_rows=len(session.x_test), measured=measured, measured_step=measured_step,
        seq=state.seq, notes=state.notes, breakpoints=state.breakpoints,
        breakpoint=state.breakpoint, branches=state.branches, markers=state.markers,
        extras=dict(extras or {}), lab=state.lab, findings=state.findings,
        off_units=tuple((layer + 1, unit) for layer, unit in net.off_units), norm=net.norm,
    )
