"""The trainer: owns a training session, obeys commands, publishes snapshots.

It runs beside the UI (in a child process, or a thread in tests) and talks to it only
through two connections: commands in, snapshots (or failures) out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing.connection import Connection

from backprop_tui.engine import (
    HIDDEN_ACTIVATIONS,
    OPTIMIZERS,
    Diverged,
    Stopped,
    format_sizes,
    rebuild,
)
from backprop_tui.errors import BackpropError
from backprop_tui.live.boundary import (
    BoundaryRequest,
    build_boundary,
    changed_options,
    on_plane,
)
from backprop_tui.live.breakpoints import Breakpoints, Watcher
from backprop_tui.live.commands import LADDERS, Command, along
from backprop_tui.live.config import RunConfig, build_session
from backprop_tui.live.gradcheck import GradientReport, GradientSource, check_gradients
from backprop_tui.live.inspector import Inspection, inspect
from backprop_tui.live.lab import LabResult, neuron, set_bias, set_weight, toggle
from backprop_tui.live.snapshot import Snapshot, take_snapshot
from backprop_tui.live.timeline import Timeline
from backprop_tui.live.views import InitialWeights, build_views
from backprop_tui.runfile import save_network

SNAPSHOT_INTERVAL = 1 / 15
"""Seconds between snapshots while training."""
COMMAND_INTERVAL = 1 / 50
"""Longest stretch of training between two looks at the command queue."""
DETAIL_EVERY = 3
"""While training on, every third snapshot recomputes the per-layer statistics, topology and
predictions (≈ 5 per second); the others reuse them, keeping the trainer's cost low."""
IDLE_POLL = 0.5
MAX_HIDDEN_LAYERS = 8


@dataclass(frozen=True)
class Failure:
    """A command (or the start) could not be carried out; ``message`` is one line."""

    message: str
    fatal: bool = False


class Trainer:
    """Applies commands to a session and trains it at the chosen speed."""

    gradient_source: GradientSource | None = None
    """Replaces backprop's gradients in the gradient check (a test double); None: backprop."""
    reply: GradientReport | Inspection | None = None
    """A command's answer for the UI, sent (then cleared) after the command."""

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.session, note = build_session(config)
        from backprop_tui.replay import recorder_for  # here: replay imports the trainer
        self.recorder = recorder_for(self, config)
        self.timeline = Timeline(self.session)
        self.running = not config.paused
        self.speed = config.speed
        self.epoch_target: int | None = None
        self.offset = 0
        self.selected: tuple[int, int] | None = None
        self.message = ""
        self._do_breakpoints(Breakpoints())
        self.notes: list[str] = [note] if note else []
        self.seq = 0
        self._last: Snapshot | None = None
        self._paced_from = (time.perf_counter(), self.session.step_count)
        self._rate = (time.perf_counter(), 0)
        self.samples_per_second = 0.0
        self.views = False
        self.initial_weights = InitialWeights()
        self.boundary: BoundaryRequest | None = None
        self.lab: LabResult | None = None
        """The latest neuron-lab edit's before/after test measurements."""

    # -- commands --------------------------------------------------------------------------
    def apply(self, command: Command) -> None:
        """Carry out one command; bad values raise BackpropError (the session is unchanged)."""
        handler = getattr(self, f"_do_{command.action}", None)
        if handler is None:
            raise BackpropError(f"unknown command {command.action!r}")
        step = self.session.step_count
        handler(command.value)
        if self.recorder:
            self.recorder.log(step, command, self.session)

    def _do_run(self, value: object) -> None:
        self.running = (not self.running) if value is None else bool(value)
        self.epoch_target = None
        if self.running:
            self.message = ""
        self._restart_pacing()

    def _do_step(self, value: object) -> None:
        self.running, self.epoch_target, self.message = False, None, ""
        for _ in range(int(value or 1)):  # type: ignore[call-overload]
            if not self._train_one():  # a breakpoint, divergence or early stop
                break

    def _do_epoch(self, value: object) -> None:
        self.running, self.message = True, ""
        self.epoch_target = self.session.epoch + 1
        self._restart_pacing()

    def _do_reset(self, value: object) -> None:
        self.session.reset()
        self.timeline.restart(self.session)
        self.message = "reset: fresh weights from the same seed"
        self._restart_pacing()

    def _do_rewind(self, value: object) -> None:
        self.session = self.timeline.rewind(self.session)
        self._do_breakpoints(self.breakpoints)  # watch afresh from here
        self.running, self.epoch_target = False, None
        self.message = (f"rewound to step {self.session.step_count}: training from here makes "
                        "a new branch (z goes further back)")
        self._restart_pacing()

    def _do_nudge(self, value: object) -> None:
        name, direction = value  # type: ignore[misc]
        if name == "speed":
            self.speed = along(LADDERS["speed"], self.speed, direction)
            self._restart_pacing()
            return
        largest = len(self.session.x_train) if name == "batch_size" else None
        new = along(LADDERS[name], getattr(self.session.hyper, name), direction, largest)
        self._do_set({name: new})

    def _do_set(self, value: object) -> None:
        self.session.set_hyperparameters(**value)  # type: ignore[arg-type]
        self.timeline.changed(self.session, value)  # type: ignore[arg-type]
        self.message = ""

    def _do_cycle(self, value: object) -> None:
        if value == "optimizer":
            names = list(OPTIMIZERS)
            current = names.index(self.session.hyper.optimizer)
            self._do_set({"optimizer": names[(current + 1) % len(names)]})
        else:
            names = list(HIDDEN_ACTIVATIONS)
            current = names.index(self.session.network.hidden.name)
            self._reshape(hidden=names[(current + 1) % len(names)])

    def _do_add_layer(self, value: object) -> None:
        sizes = self.session.network.sizes
        if len(sizes) - 2 >= MAX_HIDDEN_LAYERS:
            raise BackpropError(f"at most {MAX_HIDDEN_LAYERS} hidden layers")
        width = sizes[-2] if len(sizes) > 2 else 8
        self._reshape(sizes=(*sizes[:-1], width, sizes[-1]))

    def _do_remove_layer(self, value: object) -> None:
        sizes = self.session.network.sizes
        if len(sizes) <= 2:
            raise BackpropError("there is no hidden layer left to remove")
        self._reshape(sizes=(*sizes[:-2], sizes[-1]))

    def _do_resize(self, value: object) -> None:
        layer, direction = value  # type: ignore[misc]
        sizes = list(self.session.network.sizes)
        if not 0 < layer < len(sizes) - 1:
            raise BackpropError("select a hidden layer to change its width")
        width = sizes[layer]
        sizes[layer] = max(1, min(1024, width + direction * max(1, width // 8)))
        self._reshape(sizes=tuple(sizes))

    def _do_select(self, value: object) -> None:
        self.selected = value  # type: ignore[assignment]

    def _do_samples(self, value: object) -> None:
        self.offset += int(value)  # type: ignore[call-overload]

    def _do_config(self, value: object) -> None:
        config: RunConfig = value  # type: ignore[assignment]
        self.session, note = build_session(config)
        self.timeline.restart(self.session)
        self.config = config
        self.notes.append(note or f"now training {self.session.dataset.summary}")
        self.running, self.epoch_target, self.offset, self.selected = True, None, 0, None
        self.speed = config.speed
        self.message = ""
        self._restart_pacing()

    def _do_views(self, value: object) -> None:
        """Add the classification views to snapshots (while the views screen is open)."""
        self.views = bool(value)

    def _do_boundary(self, value: object) -> None:
        """Add the decision boundary (``value``, a BoundaryRequest) to snapshots; None: stop."""
        self.boundary = value or None  # type: ignore[assignment]

    def _do_regenerate(self, value: object) -> None:
        """Reload the data set with ``value`` = (option, ±1) moved one step (``noise``,
        ``train_ratio``, or ``seed``: a new one), or = ("features", "x1,x2,…") feeding the
        network other input features, keeping the hidden layers and hyperparameters; the
        weights start afresh."""
        option, direction = value  # type: ignore[misc]
        net, running = self.session.network, self.running
        try:
            options = changed_options(self.session.dataset.options, option, direction)
        except ValueError as error:
            raise BackpropError(f"{self.session.dataset.name}: {error}") from None
        self._do_config(replace(
            self.config, dataset=self.session.dataset.name, data_options=options,
            hidden_sizes=net.sizes[1:-1], io_sizes=None, hidden=net.hidden.name,
            output=net.loss.output.name, loss=net.loss.name, init=net.init,
            dtype=net.dtype.name, hyper=self.session.hyper, weights="", speed=self.speed))
        self.running = running
        sizes = self.session.network.sizes
        self.message = (
            f"inputs {str(options[option]).replace(',', ', ')}: first layer now "
            f"{sizes[0]}→{sizes[1]}" if option == "features"
            else f"{option.replace('_', ' ')} {options[option]:g}: new data"
        ) + ", weights re-initialised"

    def _do_breakpoints(self, value: object) -> None:
        """Watch for ``value`` (a Breakpoints) from the next step on."""
        self.breakpoints: Breakpoints = value  # type: ignore[assignment]
        self.watcher = Watcher(self.breakpoints)
        self._watching = self.breakpoints.thresholds

    def _do_save(self, value: object) -> None:
        """Save the network and hyperparameters to the path ``value`` (atomically)."""
        save_network(self.session, str(value))
        self.notes.append(f"saved the {format_sizes(self.session.network.sizes)} network "
                          f"(step {self.session.step_count}) to {value}")

    def _do_gradcheck(self, value: object) -> None:
        """Check backprop's gradient against finite differences on the next mini-batch."""
        self.reply = check_gradients(self.session, self.gradient_source)

    def _do_inspect(self, value: object) -> None:
        """Pause and inspect the next step, stage by stage (``value``: "batch" or a row)."""
        self.running, self.epoch_target = False, None
        self.reply = inspect(self.session, None if value in (None, "batch") else int(value))

    def _do_inspect_apply(self, value: object) -> None:
        """Take exactly the step the inspector showed, then inspect the next one."""
        self.running, self.epoch_target, self.message = False, None, ""
        self._train_one()
        self._do_inspect(value)

    def _do_lab_weight(self, value: object) -> None:
        """Set one incoming weight: ``value`` = (layer, neuron, source neuron, weight)."""
        layer, unit, source, weight = value  # type: ignore[misc]
        self._lab(set_weight(self.session, neuron(self.session, (layer, unit)), int(source),
                             float(weight)))

    def _do_lab_bias(self, value: object) -> None:
        """Set a neuron's bias: ``value`` = (layer, neuron, bias)."""
        layer, unit, bias = value  # type: ignore[misc]
        self._lab(set_bias(self.session, neuron(self.session, (layer, unit)), float(bias)))

    def _do_lab_toggle(self, value: object) -> None:
        """Switch a hidden neuron off or on: ``value`` = (layer, neuron[, on]), or None for
        the selected neuron, flipped."""
        layer, unit, *on = value if value is not None else (self.selected or (0, -1))  # type: ignore[misc]
        where = neuron(self.session, (layer, unit), hidden_only=True)
        self._lab(toggle(self.session, where, bool(on[0]) if on else None))

    def _lab(self, result: LabResult) -> None:
        self.lab, self.message = result, result.note
        self.notes.append(result.note)

    def _reshape(self, **changes: object) -> None:
        network = rebuild(self.session.network, seed=self.session.seed, **changes)
        self.session.set_network(network)
        self.timeline.restart(self.session)
        self.selected = None
        self.message = f"new network {format_sizes(network.sizes)} {network.hidden.name}: " \
            "weights re-initialised"
        self._restart_pacing()

    # -- training --------------------------------------------------------------------------
    def _restart_pacing(self) -> None:
        self._paced_from = (time.perf_counter(), self.session.step_count)

    def train_step(self) -> float:
        """One training step, checkpointed when one is due (replay trains through it too)."""
        cost = self.session.step()
        self.timeline.after_step(self.session)
        return cost

    def _train_one(self) -> bool:
        try:
            cost = self.train_step()
        except Diverged as diverged:
            self.running, self.epoch_target = False, None
            self.message = self.watcher.diverged(self.session) or str(diverged)
            self.message += " — lower the learning rate (-) or reset (r)"
            return False
        except Stopped:
            self.running, self.epoch_target = False, None
            return False
        if self.session.stopped:
            self.running, self.epoch_target = False, None
            self.message = f"{self.session.stopped} — best weights restored; r resets"
            return False
        if self._watching and (reason := self.watcher.check(self.session, cost)):
            self.running, self.epoch_target, self.message = False, None, reason
            return False
        if self.epoch_target is not None and self.session.epoch >= self.epoch_target:
            self.running, self.epoch_target = False, None
            return False
        return True

    def work(self, seconds: float) -> float:
        """Train for up to ``seconds`` at the chosen speed; returns how long until the next
        step is due (0 when flat out or still running)."""
        if not self.running:
            return IDLE_POLL
        deadline = time.perf_counter() + seconds
        speed = None if self.epoch_target is not None else self.speed
        while time.perf_counter() < deadline:
            if speed is not None:
                started, steps = self._paced_from
                due = started + (self.session.step_count - steps) / speed
                wait = due - time.perf_counter()
                if wait > 0:
                    return min(wait, seconds)
            if not self._train_one():
                return 0.0
        return 0.0

    @property
    def breakpoint(self) -> str:
        """The reason a breakpoint paused training, while its message stands."""
        return self.message if self.message.startswith("breakpoint:") else ""

    def close(self) -> None:
        """Finish the recording, if any (its end line holds the final metrics)."""
        if self.recorder:
            self.recorder.finish()

    def state(self) -> tuple[int, bool, str | None]:
        """What a new snapshot would differ in: steps taken, running, divergence."""
        return self.session.step_count, self.running, self.session.diverged

    def snapshot(self, light: bool = False) -> Snapshot:
        """A fresh snapshot (also measures samples per second since the last one).

        ``light`` allows reusing the last snapshot's costlier parts (see DETAIL_EVERY)."""
        now = time.perf_counter()
        since, seen = self._rate
        if now - since > 0.25:
            self.samples_per_second = (self.session.samples_seen - seen) / (now - since)
            if self.session.samples_seen < seen:
                self.samples_per_second = 0.0
            self._rate = (now, self.session.samples_seen)
        self.seq += 1
        status = "diverged" if self.session.diverged else ("running" if self.running else "paused")
        notes, self.notes = tuple(self.notes), []
        reuse = self._last if light and self.seq % DETAIL_EVERY else None
        self._last = take_snapshot(
            self.session, status, message=self.message, preset=self.config.preset,
            speed=self.speed, samples_per_second=self.samples_per_second if self.running else 0.0,
            offset=self.offset, selected=self.selected, seq=self.seq, notes=notes, reuse=reuse,
            lab=self.lab,
            breakpoints=self.breakpoints, breakpoint=self.breakpoint,
            branches=tuple(self.timeline.branches), markers=tuple(self.timeline.markers),
            views=partial(build_views, self.session, self.initial_weights(self.session))
            if self.views else None,
            boundary=partial(build_boundary, self.session, self.boundary)
            if self.boundary and on_plane(self.session) else None,
        )
        return self._last


def serve(config: RunConfig, commands: Connection, snapshots: Connection) -> None:
    """The trainer's loop: read commands, train, publish snapshots, until ``quit`` or the
    other end goes away."""
    try:
        trainer = Trainer(config)
    except BackpropError as error:
        snapshots.send(Failure(str(error), fatal=True))
        return
    try:
        snapshots.send(trainer.snapshot())
        sent_at, sent_state = time.perf_counter(), trainer.state()
        wait = 0.0
        while True:
            changed = False
            while commands.poll(wait):
                command = commands.recv()
                if command.action == "quit":
                    trainer.close()
                    return
                try:
                    trainer.apply(command)
                except BackpropError as error:
                    snapshots.send(Failure(str(error)))
                if trainer.reply is not None:
                    snapshots.send(trainer.reply)
                    trainer.reply = None
                changed, wait = True, 0.0
            until_snapshot = sent_at + SNAPSHOT_INTERVAL - time.perf_counter()
            wait = trainer.work(min(COMMAND_INTERVAL, until_snapshot) if until_snapshot > 0.001
                                else COMMAND_INTERVAL)
            now = time.perf_counter()
            due = now - sent_at >= SNAPSHOT_INTERVAL
            if changed or (due and trainer.state() != sent_state):
                light = not changed and trainer.running
                snapshots.send(trainer.snapshot(light))
                sent_at, sent_state = now, trainer.state()
            if trainer.running:
                wait = min(wait, max(0.0, sent_at + SNAPSHOT_INTERVAL - time.perf_counter()))
    except (EOFError, BrokenPipeError, OSError):
        return  # the UI went away
