"""The training doctor: findings about a run, each with its evidence and a one-key fix.

:data:`RULES` is the one table of diagnoses, most important first; each row names its
thresholds (``limits``) and says in ``fires`` when it fires. A rule reads a
:class:`~backprop_tui.live.checkup.Checkup` (measured on the probe rows and the histories)
and returns a :class:`Finding`, or None. A finding's fix is a short sequence of typed
commands, so applying it is recorded and replays. Trends (costs, epochs) are read only after
the last change of set-up, so a finding disappears once its fix took effect; the
:class:`Doctor` reruns the rules at most every :data:`DOCTOR_SECONDS` while training.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from backprop_tui.engine import TrainingSession, format_sizes
from backprop_tui.live.checkup import Checkup, check_up, saturating
from backprop_tui.live.commands import (
    LADDERS,
    AddLayer,
    Command,
    Rebuild,
    Reset,
    SetHyper,
    along,
)

DOCTOR_SECONDS = 1.0
"""Longest stretch of training between two diagnoses (a change of set-up reruns at once)."""


@dataclass(frozen=True)
class Finding:
    """One diagnosis: what, the evidence (numbers and when), and the fix."""

    id: str
    title: str
    summary: str
    """The key numbers and when, short: ``83 % of layer 1 at step 400``."""
    evidence: str
    """The measurement in full, and what it means."""
    fix: str
    """What the fix does, short: ``Glorot init + tanh (new weights)``."""
    commands: tuple[Command, ...]
    step: int


Verdict = tuple[str, str, str, tuple[Command, ...]]
"""What a rule's judge returns when it fires: summary, evidence, fix text, fix commands."""


@dataclass(frozen=True)
class Rule:
    """One diagnosis: its id and title, when it fires, its thresholds, and its judge."""

    id: str
    title: str
    fires: str
    """When it fires, in words, each threshold as ``{name}`` of ``limits``."""
    limits: Mapping[str, float]
    judge: Callable[[Checkup, Mapping[str, float]], Verdict | None]

    @property
    def condition(self) -> str:
        """When it fires, with the thresholds' values in place."""
        return self.fires.format(**{name: f"{value:g}" for name, value in self.limits.items()})


def _at(c: Checkup) -> str:
    return f"at step {c.step:,}"


def _rate(c: Checkup, factor: float) -> SetHyper:
    """The learning rate × ``factor`` (to 3 significant digits)."""
    return SetHyper({"learning_rate": float(f"{c.learning_rate * factor:.3g}")})


def _halves(costs: np.ndarray) -> tuple[float, float]:
    """Mean of the first and of the second half of ``costs``."""
    half = len(costs) // 2
    return float(costs[:half].mean()), float(costs[half:].mean())


def _diverged(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    if not c.diverged:
        return None
    if c.working_rate is not None:
        return (f"η {c.learning_rate:g} too high {_at(c)}", f"{c.diverged}. Most likely cause: the "
                f"learning rate η {c.learning_rate:g} is too high — from the restored weights "
                f"η {c.working_rate:g} lowers the cost (tried on a copy).",
                f"η → {c.working_rate:g}", (SetHyper({"learning_rate": c.working_rate}),))
    if c.depth_ratio > t["exploding"]:
        return (f"exploding gradients {_at(c)}", f"{c.diverged}. Most likely cause: exploding "
                f"gradients (first/last layer error term δ {c.depth_ratio:.3g}).",
                "fresh scaled init + clip 1", (Rebuild(init="auto"), SetHyper({"clip": 1.0})))
    return (f"no lower η trains {_at(c)}", f"{c.diverged}. No lower learning rate trains from "
            "the restored weights: most likely the weights themselves (their initialisation).",
            "fresh weights", (Reset(),))


def _lr_high(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    ratio = c.update_ratio
    if ratio is None or ratio <= t["update_ratio"] or len(c.costs) < t["steps"]:
        return None
    first, second = _halves(c.costs)
    median = float(np.median(c.costs))
    spike = float(c.costs.max()) / median if median > 0 else 1.0
    if second < first * (1 - t["progress"]) and spike < t["spike"]:
        return None
    trend = (f"the cost did not fall ({first:.3g} → {second:.3g})"
             if second >= first * (1 - t["progress"]) else f"cost spikes {spike:.0f}× the median")
    return (f"update ratio {ratio:.1e} {_at(c)}", f"The last step changed a layer's weights by "
            f"{ratio:.1e} of their size (healthy ≈ 1e-3) {_at(c)}, and over the last "
            f"{len(c.costs)} steps {trend}: the steps overshoot.",
            "η ÷ 10", (_rate(c, 0.1),))


def _exploding(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    if len(c.layers) < t["layers"] or not c.depth_ratio > t["ratio"]:
        return None
    return (f"first/last δ {c.depth_ratio:.3g} {_at(c)}", f"The error term δ = ∂C/∂z (RMS on "
            f"the probe rows) of the first layer is {c.depth_ratio:.3g}× the output layer's "
            f"{_at(c)}: the gradient grows on its way back through the layers.",
            "scaled init + clip 1", (Rebuild(init="auto"), SetHyper({"clip": 1.0})))


def _vanishing(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    if len(c.layers) < t["layers"] or not c.depth_ratio < t["ratio"]:
        return None
    hidden = "relu" if saturating(c.hidden) else c.hidden
    return (f"first/last δ {c.depth_ratio:.1e} {_at(c)}", f"The error term δ = ∂C/∂z (RMS on "
            f"the probe rows) of the first layer is {c.depth_ratio:.1e}× the output layer's "
            f"{_at(c)}: the gradient fades on its way back, and the early layers of this "
            f"{len(c.layers)}-layer {c.hidden} network barely learn.",
            f"{hidden} + He init", (Rebuild(init="auto", hidden=hidden),))


def _init_loss(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    ratio = c.init_cost / c.uninformed_cost if c.uninformed_cost > 0 else math.nan
    recent = float(c.costs[-int(t["recent"]):].mean()) if len(c.costs) else c.init_cost
    if not ratio > t["ratio"] or recent <= c.uninformed_cost:
        return None
    fix = (Reset(),) if c.init == "auto" else (Rebuild(init="auto"),)
    return (f"{c.init_cost:.3g} vs {c.uninformed_cost:.3g} expected", f"The cost at "
            f"initialisation was {c.init_cost:.3g}, {ratio:.1f}× the {c.uninformed_cost:.3g} of "
            "an output that knows nothing (ln C for softmax + CE with C classes): the output "
            "layer's weights are too large or the initialisation is biased, and training "
            f"first has to undo it (still {recent:.3g} {_at(c)}).",
            "fresh weights" if c.init == "auto" else "scaled init", fix)


def _hidden_fraction(c: Checkup, wanted: Callable[[str], bool], field: str
                     ) -> tuple[int, float]:
    """(layer number from 1, value) of the hidden layer with the largest ``field``."""
    values = [(getattr(layer, field), i + 1) for i, layer in enumerate(c.layers)
              if layer.hidden and wanted(layer.activation)]
    value, number = max(values, key=lambda v: v[0], default=(0.0, 0))  # the first of the worst
    return number, value


def _positive(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    number, fraction = _hidden_fraction(c, lambda name: True, "positive")
    if fraction < t["fraction"]:
        return None
    return (f"{100 * fraction:.0f} % of layer {number} {_at(c)}", f"{100 * fraction:.0f} % of "
            f"layer {number}'s weights are positive {_at(c)} (init {c.init}): every unit sums "
            "its inputs the same way, pushing the units into saturation together.",
            *_zero_centred(c))


def _zero_centred(c: Checkup) -> tuple[str, tuple[Command, ...]]:
    if saturating(c.hidden):
        return "Glorot init + tanh (new weights)", (Rebuild(init="glorot", hidden="tanh"),)
    return "zero-centred init (new weights)", (Rebuild(init="auto"),)


def _saturated(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    number, fraction = _hidden_fraction(c, saturating, "inactive")
    if fraction <= t["fraction"]:
        return None
    return (f"{100 * fraction:.0f} % of layer {number} {_at(c)}", f"{100 * fraction:.0f} % of "
            f"layer {number}'s {c.hidden} outputs are within 0.01 of an end of their range on "
            f"the probe rows {_at(c)}: there the slope is ≈ 0 and they stop learning.",
            *_zero_centred(c))


def _dead(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    number, fraction = _hidden_fraction(c, lambda name: not saturating(name), "inactive")
    if fraction <= t["fraction"]:
        return None
    return (f"{100 * fraction:.0f} % of layer {number} {_at(c)}", f"{100 * fraction:.0f} % of "
            f"layer {number}'s units never activate on the probe rows {_at(c)}: dead ReLUs "
            "pass no gradient and never recover (too high a learning rate, or a negative bias). "
            "Leaky ReLU keeps a slope; a lower η helps too.",
            "leaky ReLU + He init (new weights)", (Rebuild(init="he", hidden="leaky_relu"),))


def _lr_low(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    ratio = c.update_ratio
    if ratio is None or ratio >= t["update_ratio"] or len(c.costs) < t["steps"]:
        return None
    first, second = _halves(c.costs)
    if abs(first - second) > t["plateau"] * first or second < t["learned"] * c.uninformed_cost:
        return None
    return (f"update ratio {ratio:.1e} {_at(c)}", f"Over the last {len(c.costs)} steps the "
            f"cost stayed at {second:.3g} (an output that knows nothing costs "
            f"{c.uninformed_cost:.3g}), and the last step changed the weights by only "
            f"{ratio:.1e} of their size (healthy ≈ 1e-3) {_at(c)}.", "η × 10", (_rate(c, 10),))


def _overfit(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    back = int(t["epochs"])
    if len(c.test) < back:
        return None
    gap, best = c.train - c.test, int(np.argmax(c.test))
    falling = c.test[best] - c.test[-1] >= t["drop"] and c.train[-1] >= c.train[best]
    stalled = c.test[-1] - c.test[-back] < t["progress"]
    if not ((gap[-1] >= t["gap"] and stalled) or (gap[-1] >= t["small_gap"] and falling)):
        return None
    l2 = max(1e-3, along(LADDERS["l2"], c.l2, 1) or 0.0)
    name = c.metric.replace("_", " ")
    return (f"train {c.train[-1]:.2f} vs test {c.test[-1]:.2f} {_at(c)}", f"{name}: train "
            f"{c.train[-1]:.3g}, test {c.test[-1]:.3g} {_at(c)} (gap {gap[-1]:.3g}; best test "
            f"{c.test[best]:.3g}; test {back} epochs earlier {c.test[-back]:.3g}): it learns "
            "the training rows, not the rule. Dropout, early stopping or more data help too.",
            f"L2 {l2:g}", (SetHyper({"l2": l2}),))


def _underfit(c: Checkup, t: Mapping[str, float]) -> Verdict | None:
    hidden = c.sizes[1:-1]
    back = int(t["epochs"])
    if len(c.train) < back or min(hidden, default=0) > t["width"]:
        return None
    if c.train[-1] >= t["poor"] or c.test[-1] >= t["poor"] \
            or c.train[-1] - c.train[-back] >= t["progress"]:
        return None
    width = int(t["wider"])
    fix: tuple[Command, ...] = (Rebuild(width=width),) + ((AddLayer(),) if len(hidden) < 2 else ())
    name = c.metric.replace("_", " ")
    return (f"train {c.train[-1]:.2f} {_at(c)}", f"{name}: train {c.train[-1]:.3g}, test "
            f"{c.test[-1]:.3g} {_at(c)}, and train gained {c.train[-1] - c.train[-back]:.3g} "
            f"over the last {back} epochs: the {format_sizes(c.sizes)} network is too small "
            "to fit even its training rows.",
            f"hidden layers ≥ {width} wide{', two of them' if len(hidden) < 2 else ''}", fix)


RULES: tuple[Rule, ...] = (
    Rule("diverged", "diverged", "the engine rejected a step as divergent; the cause is a "
         "lower η that trains on a copy, else a first/last error term ratio > {exploding}",
         {"exploding": 1e2}, _diverged),
    Rule("lr_high", "learning rate too high", "the last step's largest layer update ratio > "
         "{update_ratio}, and over ≥ {steps} steps the cost's second half fell less than "
         "{progress} (a fraction) below its first half, or a step cost > {spike} × the median",
         {"update_ratio": 3e-2, "steps": 50, "progress": 0.02, "spike": 10.0}, _lr_high),
    Rule("exploding", "exploding gradients", "≥ {layers} weight layers and the first layer's "
         "RMS error term δ = ∂C/∂z > {ratio} × the output layer's", {"layers": 3, "ratio": 1e2},
         _exploding),
    Rule("init_loss", "loss at init far too high", "the mean cost of the first 10 steps > "
         "{ratio} × the cost of an output that knows nothing, and the mean of the last {recent} "
         "step costs is still above that", {"ratio": 5.0, "recent": 20}, _init_loss),
    Rule("all_positive", "all-positive weights", "a hidden layer has ≥ {fraction} of its "
         "weights positive", {"fraction": 0.9}, _positive),
    Rule("saturated", "saturated units", "a hidden sigmoid/tanh layer has > {fraction} of its "
         "outputs within 0.01 of an end on the probe rows", {"fraction": 0.5}, _saturated),
    Rule("dead", "dead ReLUs", "a hidden (leaky) ReLU layer has > {fraction} of its units "
         "never active on the probe rows", {"fraction": 0.5}, _dead),
    Rule("vanishing", "vanishing gradients", "≥ {layers} weight layers and the first layer's "
         "RMS error term δ = ∂C/∂z < {ratio} × the output layer's", {"layers": 3, "ratio": 1e-2},
         _vanishing),
    Rule("lr_low", "learning rate too low", "the last step's largest layer update ratio < "
         "{update_ratio}, over ≥ {steps} steps the cost moved less than {plateau} (a "
         "fraction), and it is still ≥ {learned} × the cost of an output that knows nothing",
         {"update_ratio": 1e-5, "steps": 100, "plateau": 0.01, "learned": 0.5}, _lr_low),
    Rule("overfit", "overfitting", "over ≥ {epochs} epochs: the train − test gap of the "
         "headline metric ≥ {gap} while test gained < {progress} over the last {epochs} epochs, "
         "or the gap ≥ {small_gap} while test fell ≥ {drop} below its best and train did not "
         "fall", {"epochs": 5, "gap": 0.3, "progress": 0.02, "small_gap": 0.15, "drop": 0.1},
         _overfit),
    Rule("underfit", "underfitting", "a hidden layer ≤ {width} units, and over ≥ {epochs} "
         "epochs train and test headline metric < {poor} while train gained < {progress} (the "
         "fix widens to {wider})",
         {"epochs": 10, "width": 4, "poor": 0.7, "progress": 0.02, "wider": 16}, _underfit),
)
"""Every diagnosis, most important first."""


def diagnose(session: TrainingSession, since: int = 0) -> tuple[Finding, ...]:
    """The findings about ``session`` now, most important first; trends after step ``since``
    (none while the training set is empty)."""
    if not len(session.x_train):
        return ()
    checkup = check_up(session, since)
    findings = []
    for rule in RULES:
        if (verdict := rule.judge(checkup, rule.limits)) is not None:
            findings.append(Finding(rule.id, rule.title, *verdict, step=checkup.step))
    return tuple(findings)


class Doctor:
    """Diagnoses a trainer's session at most every :data:`DOCTOR_SECONDS` while it trains,
    at once after a change of set-up, and after each step taken while paused."""

    def __init__(self) -> None:
        self.findings: tuple[Finding, ...] = ()
        self._key: tuple[object, ...] = ()
        self._since = 0
        self._due = 0.0

    def examine(self, session: TrainingSession, running: bool) -> tuple[Finding, ...]:
        """The current findings, rediagnosed when due."""
        setup = (id(session.network), session.hyper, session.diverged)
        if setup != self._key[:3]:
            self._since = session.step_count if self._key[:1] == setup[:1] else 0
        key = (*setup, None if running else session.step_count)
        now = time.perf_counter()
        if key != self._key or now >= self._due:
            self.findings = diagnose(session, min(self._since, session.step_count))
            self._key, self._due = key, now + DOCTOR_SECONDS
        return self.findings
