"""The measurements the training doctor reads (:mod:`backprop_tui.live.doctor`), taken from a
session in one forward and backward pass over the fixed probe rows plus its histories.

Cheap by design: one pass over at most :data:`~backprop_tui.live.breakpoints.PROBE_ROWS`
training rows, the norms of the last step, and slices of the step and epoch histories.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from backprop_tui.engine import ACTIVATIONS, TrainingSession
from backprop_tui.engine.metrics import headline
from backprop_tui.live.breakpoints import inactive_fraction, probe_rows
from backprop_tui.live.health import update_ratios
from backprop_tui.live.recovery import working_rate

INIT_STEPS = 10
"""The cost at initialisation: the mean of the first this many step costs (before any step:
the probe rows' cost)."""


@dataclass(frozen=True)
class Layer:
    """One weight layer as measured on the probe rows (index 0 = the first)."""

    activation: str
    hidden: bool
    inactive: float
    """Hidden ReLU: fraction of dead units; hidden sigmoid/tanh: fraction of saturated
    outputs (within 0.01 of an end); otherwise 0."""
    positive: float
    """Fraction of the layer's weights that are > 0."""
    grad_norm: float
    """‖∂C/∂W‖ on the probe rows."""
    error: float
    """The RMS of the error term δ = ∂C/∂z over the probe rows and the layer's units: the
    gradient as it reaches the layer on its way back."""
    update_ratio: float | None
    """‖ΔW‖ / ‖W‖ of the last step (None before a step)."""


@dataclass(frozen=True)
class Checkup:
    """What the doctor's rules read, all measured at ``step``."""

    step: int
    layers: tuple[Layer, ...]
    init_cost: float
    uninformed_cost: float
    """The cost of an output that knows nothing: every output pre-activation 0 (softmax
    uniform, sigmoid ½, linear 0) on the probe rows; ln C for softmax + CE with C classes."""
    costs: np.ndarray
    """Step costs after the last change of set-up (hyperparameters, network), oldest first
    (history rows: mean of ``stride`` steps)."""
    metric: str
    """The task's headline metric (higher is better)."""
    train: np.ndarray
    test: np.ndarray
    """Per epoch after the last change of set-up: the headline metric on the training and
    test rows."""
    diverged: str | None
    learning_rate: float
    l2: float
    init: str
    hidden: str
    sizes: tuple[int, ...]
    working_rate: float | None = None
    """After divergence: the highest lower learning rate that trains from the restored
    weights (see :func:`~backprop_tui.live.recovery.working_rate`); None otherwise."""

    @property
    def update_ratio(self) -> float | None:
        """The largest layer's update ratio of the last step (None before a step)."""
        ratios = [layer.update_ratio for layer in self.layers if layer.update_ratio is not None]
        return max(ratios) if ratios else None

    @property
    def depth_ratio(self) -> float:
        """The first layer's RMS error term δ / the output layer's (nan when that is 0)."""
        first, last = self.layers[0].error, self.layers[-1].error
        return first / last if last > 0 and math.isfinite(first) else math.nan


def check_up(session: TrainingSession, since: int = 0) -> Checkup:
    """Measure ``session`` now; trends start after step ``since``."""
    net, hyper = session.network, session.hyper
    rows = probe_rows(session)
    x, y = session.x_train[rows], session.y_train[rows]
    with np.errstate(all="ignore"):
        trace = net.gradients(x, y, l2=hyper.l2, l1=hyper.l1)
        zero = np.zeros_like(trace.z[-1])
        uninformed = net.loss.cost(zero, net.loss.output.forward(zero, zero.copy()), y)
    last = net.n_layers - 1
    ratios = update_ratios(net, session.last_step) if session.last_step is not None else None
    layers = []
    for index, w in enumerate(net.weights):
        name = net.activation_name(index)
        hidden = index < last
        inactive = inactive_fraction(name, trace.z[index], trace.a[index + 1]) if hidden else 0.0
        ratio = None if ratios is None else float(ratios[index])
        layers.append(Layer(name, hidden, inactive, float(np.mean(w > 0)),
                            float(np.linalg.norm(trace.dW[index])),
                            float(np.sqrt(np.mean(np.square(trace.delta[index])))), ratio))
    cost_steps, costs = session.cost_history.steps(), session.cost_history.column("cost")
    first = costs[:INIT_STEPS]
    init_cost = float(first.mean()) if len(first) else trace.cost  # penalties included
    epochs = session.epoch_history
    after = epochs.steps() > since
    metric = headline(session.dataset.task).name
    return Checkup(
        step=session.step_count, layers=tuple(layers), init_cost=init_cost,
        uninformed_cost=float(uninformed), costs=costs[cost_steps > since], metric=metric,
        train=epochs.column(f"train_{metric}")[after], test=epochs.column(f"test_{metric}")[after],
        diverged=session.diverged, learning_rate=hyper.learning_rate, l2=hyper.l2, init=net.init,
        hidden=net.hidden.name, sizes=net.sizes,
        working_rate=working_rate(session) if session.diverged else None)


def saturating(activation: str) -> bool:
    """Whether ``activation`` has flat ends (sigmoid, tanh)."""
    return ACTIVATIONS[activation].inactive == "sat"
