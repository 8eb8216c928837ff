"""Neuron lab: edit one weight or bias of the live network, or switch a hidden unit off,
and measure the test set before and after.

Neurons are named as in the topology: (layer, neuron) with layer ≥ 1, the outputs of weight
layer ``layer − 1``; hidden layers are 1 … L−1 and the output layer is L.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from backprop_tui.engine import TrainingSession
from backprop_tui.engine.metrics import METRIC_TABLE, headline
from backprop_tui.errors import BackpropError


@dataclass(frozen=True)
class LabResult:
    """The test cost and headline metric just before and just after one edit."""

    step: int
    what: str
    metric: str
    before: tuple[float, float]
    """(cost, metric) before the edit."""
    after: tuple[float, float]

    @property
    def note(self) -> str:
        """``"L1 n2 off: test accuracy 97.2 % → 91.0 %, cost 0.08 → 0.31"``."""
        (cost0, value0), (cost1, value1) = self.before, self.after
        metric = METRIC_TABLE[self.metric]
        return (f"{self.what}: test {metric.label} {metric.format(value0)} → "
                f"{metric.format(value1)}, cost {cost0:.3g} → {cost1:.3g}")


def _measure(session: TrainingSession, metric: str) -> tuple[float, float]:
    test = session.evaluate("test")
    return test["cost"], test[metric]


def neuron(session: TrainingSession, value: object, hidden_only: bool = False
           ) -> tuple[int, int]:
    """``value`` as a checked (layer, neuron) of the session's network."""
    try:
        layer, unit = (int(v) for v in cast(Iterable[Any], value))  # else a TypeError
    except (TypeError, ValueError):
        raise BackpropError("select a neuron in the network panel first") from None
    sizes = session.network.sizes
    last = len(sizes) - 2 if hidden_only else len(sizes) - 1
    if not 1 <= layer <= last or not 0 <= unit < sizes[layer]:
        kind = "hidden neuron" if hidden_only else "neuron (not an input)"
        raise BackpropError(f"select a {kind} in the network panel first")
    return layer, unit


def edit(session: TrainingSession, what: str, change: Callable[[], object]) -> LabResult:
    """Apply ``change()`` to the live network and measure the test set around it."""
    metric = headline(session.dataset.task).name
    before = _measure(session, metric)
    change()
    return LabResult(session.step_count, what, metric, before, _measure(session, metric))


def set_weight(session: TrainingSession, target: tuple[int, int], source: int,
               weight: float) -> LabResult:
    """Set the weight from neuron ``source`` of the layer below into ``target``."""
    layer, unit = target
    weights = session.network.weights[layer - 1]
    if not 0 <= source < len(weights):
        raise BackpropError(f"layer {layer - 1} has no neuron {source}: pick 0 to "
                            f"{len(weights) - 1}")

    def change() -> None:
        weights[source, unit] = weight

    return edit(session, f"L{layer} n{unit} weight from {source} = {weight:g}", change)


def set_bias(session: TrainingSession, target: tuple[int, int], bias: float) -> LabResult:
    layer, unit = target
    if not session.network.has_bias(layer - 1):
        raise BackpropError("this layer has no biases (batch norm's β takes their place)"
                            if session.network.bias else
                            "this network has no biases (as in the post it reproduces)")

    def change() -> None:
        session.network.biases[layer - 1][unit] = bias

    return edit(session, f"L{layer} n{unit} bias = {bias:g}", change)


def toggle(session: TrainingSession, target: tuple[int, int], on: bool | None = None
           ) -> LabResult:
    """Switch a hidden neuron off (its output forced to 0) or back on; None: flip it."""
    layer, unit = target
    net = session.network
    on = not net.unit_on(layer - 1, unit) if on is None else on
    return edit(session, f"L{layer} n{unit} {'on' if on else 'off'}",
                lambda: net.set_unit(layer - 1, unit, on))

