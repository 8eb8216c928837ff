"""The race: runs side by side, each in its own trainer, paced by steps, not by time.

A :class:`Race` drives one :class:`~backprop_tui.live.backend.Backend` per run (the trainers
stay paused: only :class:`Step` commands move them). A round sends every active run the
steps that bring it to a common goal, then waits until each has answered before the next
round may start; so every run takes the same number of steps, however fast its steps are.
A run stepped alone may get ahead: the next rounds leave it be until the others catch up.

Each command batch is followed by ``Want("evaluation", tag)``: the snapshot that answers it
carries an :class:`Evaluation` (train and test metrics of the weights at that step) with the
same tag, which is how a run's answer is told from an older snapshot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from backprop_tui.engine import Hyperparameters, metrics
from backprop_tui.live.backend import Backend, Failure
from backprop_tui.live.backend import Message as TrainerMessage
from backprop_tui.live.commands import Command, Step, Want
from backprop_tui.live.config import RunConfig
from backprop_tui.live.ondemand import Evaluation
from backprop_tui.live.snapshot import Snapshot

EVALUATION = "evaluation"
"""The on-demand view (see :mod:`backprop_tui.live.ondemand`) a race asks every trainer for."""
MIN_RUNS, MAX_RUNS = 2, 4
REPLY_TIMEOUT = 120.0
"""Seconds a headless race waits for one answer before it counts the trainer as gone."""


@dataclass(frozen=True)
class RaceRun:
    """One contestant: a name for the legend and the configuration it trains."""

    name: str
    config: RunConfig


class Lane:
    """One run's trainer and what the race knows of it."""

    def __init__(self, run: RaceRun, backend: Backend) -> None:
        self.run = run
        self.backend = backend
        self.latest: Snapshot | None = None
        self.evaluation: Evaluation | None = None
        """The latest answer: the metrics of the weights at its step."""
        self.goal = 0
        """The step this run will be at once it has carried out every Step sent."""
        self.awaiting: int | None = None
        """The tag of the request not answered yet (None: nothing outstanding)."""
        self.held = False
        """Paused alone: the rounds leave it out until it is released."""
        self.stopped = ""
        """Why this run can go no further (divergence, early stopping, a failure)."""

    @property
    def step(self) -> int:
        return self.latest.step if self.latest is not None else 0

    @property
    def ready(self) -> bool:
        """Its trainer has started (or failed) and answered everything asked."""
        return (self.latest is not None or bool(self.stopped)) and self.awaiting is None

    @property
    def active(self) -> bool:
        """Taking part in the rounds."""
        return not self.held and not self.stopped

    @property
    def diverged(self) -> bool:
        return self.latest is not None and self.latest.status == "diverged"


class Race:
    """Two to four runs, one trainer each, advanced in lock-step rounds."""

    def __init__(self, runs: Sequence[RaceRun], backend: Callable[[RunConfig], Backend]) -> None:
        self.lanes = [Lane(run, backend(replace(run.config, paused=True, record="")))
                      for run in runs]
        self._tag = 0

    def start(self) -> None:
        for lane in self.lanes:
            lane.backend.start()
        for index in range(len(self.lanes)):
            self.send(index)  # a first evaluation, at step 0

    def close(self) -> None:
        """Stop every trainer (each close waits for its process or thread to end)."""
        for lane in self.lanes:
            lane.backend.close()

    # -- talking to the trainers -----------------------------------------------------------
    def send(self, index: int, *commands: Command) -> None:
        """Send ``commands`` to run ``index``, then ask for an evaluation answering them."""
        lane = self.lanes[index]
        if lane.stopped:
            return
        self._tag += 1
        for command in commands:
            lane.backend.send(command)
            if isinstance(command, Step):
                lane.goal += command.count
        lane.backend.send(Want(EVALUATION, self._tag))
        lane.awaiting = self._tag

    def take(self, index: int, message: TrainerMessage) -> None:
        """Take one message from run ``index``'s trainer."""
        lane = self.lanes[index]
        if isinstance(message, Failure):
            if message.fatal:
                lane.stopped, lane.awaiting = message.message, None
            return
        if not isinstance(message, Snapshot):
            return
        lane.latest = message
        answer = message.extras.get(EVALUATION)
        if not isinstance(answer, Evaluation) or answer.tag != lane.awaiting:
            return
        lane.evaluation, lane.awaiting = answer, None
        if message.step < lane.goal:  # a divergence or early stop ended its steps early
            lane.stopped = message.message or f"stopped at step {message.step:,}"
            lane.goal = message.step

    @property
    def ready(self) -> bool:
        """Every run has answered: the next round may start."""
        return all(lane.ready for lane in self.lanes)

    # -- pacing ----------------------------------------------------------------------------
    def round(self, chunk: int, limit: int | None = None) -> bool:
        """Send every active run the steps to the common goal: the slowest active run's step
        plus ``chunk`` (at most ``limit``). False when there is nothing left to send."""
        active = [lane for lane in self.lanes if lane.active]
        if not active:
            return False
        goal = min(lane.goal for lane in active) + chunk
        if limit is not None:
            goal = min(goal, limit)
        sent = False
        for index, lane in enumerate(self.lanes):
            if lane.active and lane.goal < goal:
                self.send(index, Step(goal - lane.goal))
                sent = True
        return sent

    def step_each(self, indices: Sequence[int], count: int = 1) -> None:
        """``count`` steps for each of the runs ``indices`` (held or not)."""
        for index in indices:
            self.send(index, Step(count))

    def ahead(self) -> list[tuple[str, int]]:
        """The runs past the slowest active one, with how many steps ahead they are."""
        steps = [lane.goal for lane in self.lanes if lane.active]
        if not steps:
            return []
        return [(lane.run.name, lane.goal - min(steps)) for lane in self.lanes
                if not lane.stopped and lane.goal > min(steps)]

    # -- headless --------------------------------------------------------------------------
    def collect(self, timeout: float = REPLY_TIMEOUT) -> None:
        """Read each trainer's messages until it has answered (or gone)."""
        for index, lane in enumerate(self.lanes):
            while not lane.ready:
                message = lane.backend.receive(timeout)
                if message is None:
                    lane.stopped, lane.awaiting = "the trainer stopped answering", None
                else:
                    self.take(index, message)

    def run_to(self, steps: int, chunk: int = 100) -> None:
        """Race every run to ``steps`` (or until it stops), round by round."""
        self.collect()
        while self.round(chunk, steps):
            self.collect()


def summary(lane: Lane) -> dict[str, Any]:
    """One run's result as JSON-ready values (non-finite numbers become None)."""
    evaluation, snapshot = lane.evaluation, lane.latest
    task = snapshot.task if snapshot else ""
    final = {} if evaluation is None else {
        split: {k: (v if math.isfinite(v) else None) for k, v in values.items()}
        for split, values in (("train", evaluation.train), ("test", evaluation.test))}
    names = [name for values in final.values() for name in values]
    return {
        "name": lane.run.name,
        "config": config_summary(lane.run.config, snapshot),
        "seed": lane.run.config.seed,
        "steps": evaluation.step if evaluation else 0,
        "headline": metrics.headline(task).name if task else None,
        "labels": {name: (metrics.METRIC_TABLE[name].label if name in metrics.METRIC_TABLE
                          else name) for name in dict.fromkeys(names)},
        "final": final,
        "diverged": lane.diverged,
        "stopped": lane.stopped or None,
    }


def config_summary(config: RunConfig, snapshot: Snapshot | None) -> dict[str, Any]:
    """What a run trains, in the configuration file's keys (the network as built)."""
    from backprop_tui.live.runfile import config_values, current_config

    if snapshot is not None:
        config = current_config(config, snapshot)
    return {k: v for k, v in config_values(config).items()
            if v is not None and k not in ("paused", "speed")}


# -- forks -----------------------------------------------------------------------------------
FORKS: dict[str, Callable[[Hyperparameters], dict[str, Any]]] = {
    "l2": lambda h: {"l2": h.l2 * 10 if h.l2 else 1e-3},
    "dropout": lambda h: {"dropout": 0.0 if h.dropout else 0.2},
    "optimizer": lambda h: {"optimizer": "sgd" if h.optimizer == "adam" else "adam"},
    "lr_up": lambda h: {"learning_rate": h.learning_rate * 3},
    "lr_down": lambda h: {"learning_rate": h.learning_rate / 3},
    "batch": lambda h: {"batch_size": h.batch_size * 4},
}
"""The one change a fork makes, by name: the hyperparameters it sets, given the current ones
(L2 on, or ×10 if on; dropout 0.2, or off; Adam, or SGD if Adam; η ×3; η ÷3; batch ×4)."""


def fork_label(hyper: Hyperparameters, name: str, before: bool = True) -> str:
    """Fork ``name``'s change in words: ``L2 0 → 0.001`` (``before`` False: ``L2 0.001``)."""
    from backprop_tui.engine.hyper import SYMBOLS

    def shown(value: object) -> str:
        return f"{value:.3g}" if isinstance(value, float) else str(value)

    return ", ".join(
        f"{SYMBOLS.get(key, key.upper() if key in ('l1', 'l2') else key)} "
        + (f"{shown(getattr(hyper, key))} → " if before else "") + shown(value)
        for key, value in FORKS[name](hyper).items())


def fork_runs(config: RunConfig, weights: str, name: str) -> list[RaceRun]:
    """The current run as it is and with fork ``name``, both from the weights in ``weights``."""
    start = replace(config, weights=weights)
    changed = replace(config.hyper, **FORKS[name](config.hyper))
    return [RaceRun("as is", start),
            RaceRun(fork_label(config.hyper, name, before=False), replace(start, hyper=changed))]
