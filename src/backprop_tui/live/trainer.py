"""The trainer: owns a training session, obeys commands, publishes snapshots.

It runs beside the UI (in a child process, or a thread in tests; see
:mod:`backprop_tui.live.backend`) and talks to it only through two connections: commands
(:mod:`backprop_tui.live.commands`) in, snapshots (or failures, or a command's reply) out.
"""

from __future__ import annotations

import time

from backprop_tui.engine import (
    OPTIMIZERS,
    Diverged,
    NoTrainingRows,
    Stopped,
    format_sizes,
    rebuild,
)
from backprop_tui.engine.norm import norm_label
from backprop_tui.errors import BackpropError
from backprop_tui.live import commands, reshape
from backprop_tui.live.boundary import regenerated
from backprop_tui.live.breakpoints import Breakpoints, Watcher
from backprop_tui.live.commands import LADDERS, Command, along, nudged
from backprop_tui.live.config import RunConfig, build_session, expectation
from backprop_tui.live.doctor import Doctor
from backprop_tui.live.gradcheck import GradientReport, GradientSource, check_gradients
from backprop_tui.live.inspector import Inspection, inspect
from backprop_tui.live.lab import LabResult, neuron, set_bias, set_weight, toggle
from backprop_tui.live.ondemand import Memo, build_extras, want
from backprop_tui.live.overfit import OverfitReport, overfit_batch
from backprop_tui.live.points import NO_POINTS, ROW_COMMANDS, carry_out
from backprop_tui.live.record import recorder_for
from backprop_tui.live.runfile import save_network
from backprop_tui.live.snapshot import Snapshot, TrainerState, take_snapshot
from backprop_tui.live.timeline import Timeline

DETAIL_EVERY = 3
"""While training on, every third snapshot recomputes the per-layer statistics, topology and
predictions (≈ 5 per second); the others reuse them, keeping the trainer's cost low."""
IDLE_POLL = 0.5


class Trainer:
    """Applies commands to a session and trains it at the chosen speed."""

    gradient_source: GradientSource | None = None
    """Replaces backprop's gradients in the gradient and overfit checks (a test double)."""
    reply: GradientReport | Inspection | OverfitReport | None = None
    """A command's answer for the UI, sent (then cleared) after the command."""

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.session, note = build_session(config)
        self.recorder = recorder_for(self, config, self.session)
        self.timeline = Timeline(self.session)
        self.running = not config.paused
        self.speed = config.speed
        self.epoch_target: int | None = None
        self.offset = 0
        self.selected: tuple[int, int] | None = None
        self.message = expectation(config)
        self._watch(Breakpoints())
        self.notes: list[str] = [note] if note else []
        self.seq = 0
        self._last: Snapshot | None = None
        self._paced_from = (time.perf_counter(), self.session.step_count)
        self._rate = (time.perf_counter(), 0)
        self.samples_per_second = 0.0
        self.wanted: dict[str, object] = {}
        """What the UI asked to add to snapshots: view name → its builder's params."""
        self.memo = Memo()
        self.lab: LabResult | None = None
        """The latest neuron-lab edit's before/after test measurements."""
        self.doctor = Doctor()

    # -- commands --------------------------------------------------------------------------
    def apply(self, command: Command) -> None:
        """Carry out one command; bad values raise BackpropError (the session is unchanged)."""
        step = self.session.step_count
        self._carry_out(command)
        if self.recorder:
            self.recorder.log(step, command, self.session)

    def _carry_out(self, command: Command) -> None:
        match command:
            case commands.Run(on):
                self.running = (not self.running) if on is None else on
                self.epoch_target = None
                if self.running:
                    self.message = ""
                self._restart_pacing()
            case commands.Step(count):
                self.running, self.epoch_target, self.message = False, None, ""
                for _ in range(count):
                    if not self._train_one():  # a breakpoint, divergence or early stop
                        break
            case commands.Epoch():
                self.running, self.message = True, ""
                self.epoch_target = self.session.epoch + 1
                self._restart_pacing()
            case commands.Reset():
                self.session.reset()
                self.timeline.restart(self.session)
                self.message = "reset: fresh weights (same seed)" + expectation(self.config, " — ")
                self._restart_pacing()
            case commands.Rewind():
                self._rewind()
            case commands.Nudge(name, direction):
                self._nudge(name, direction)
            case commands.SetHyper(changes):
                self._set_hyper(changes)
            case commands.Cycle("optimizer"):
                names = list(OPTIMIZERS)
                following = names[(names.index(self.session.hyper.optimizer) + 1) % len(names)]
                self._set_hyper({"optimizer": following})
            case commands.Cycle() | commands.AddLayer() | commands.RemoveLayer() \
                    | commands.Resize() | commands.Rebuild():
                self._reshape(**reshape.changes(command, self.session.network))
            case commands.Configure(config):
                self._configure(config)
            case commands.Regenerate(option, change):
                self._regenerate(option, change)
            case commands.Select(layer, unit):
                self.selected = (layer, unit)
            case commands.Samples(delta):
                self.offset += delta
            case commands.Save(path):
                save_network(self.session, path)
                self.notes.append(f"saved the {format_sizes(self.session.network.sizes)} "
                                  f"network (step {self.session.step_count}) to {path}")
            case commands.SetBreakpoints(breakpoints):
                self._watch(breakpoints)
            case commands.Want(view, params):
                want(self.wanted, view, params)
            case commands.GradCheck():
                self.reply = check_gradients(self.session, self.gradient_source)
            case commands.OverfitBatch():
                self.reply = overfit_batch(self.session, self.gradient_source)
            case commands.Inspect(row):
                self._inspect(row)
            case commands.InspectApply(row):
                self.running, self.epoch_target, self.message = False, None, ""
                self._train_one()
                self._inspect(row)
            case commands.LabWeight(layer, unit, source, weight):
                self._lab(set_weight(self.session, neuron(self.session, (layer, unit)),
                                     source, weight))
            case commands.LabBias(layer, unit, bias):
                self._lab(set_bias(self.session, neuron(self.session, (layer, unit)), bias))
            case commands.LabToggle(layer, unit, on):
                chosen = (layer, unit) if layer is not None and unit is not None \
                    else self.selected or (0, -1)
                self._lab(toggle(self.session, neuron(self.session, chosen, hidden_only=True),
                                 on))
            case commands.Quit():
                self.close()
            case _ if isinstance(command, ROW_COMMANDS):
                carry_out(self, command)
            case _:
                raise BackpropError(f"unknown command {command!r}")

    def _rewind(self, diverged: str = "") -> None:
        """Back to the checkpoint before this step: asked for (z), or after divergence
        (``diverged`` says why) the last healthy one."""
        self.session, self.message = self.timeline.rewind(self.session, diverged)
        self._watch(self.breakpoints)  # watch afresh from here
        self.running, self.epoch_target = False, None
        if self.recorder:
            self.recorder.session = self.session  # its end line describes the session going on
        self._restart_pacing()

    def _nudge(self, name: str, direction: int) -> None:
        if name == "speed":
            self.speed = along(LADDERS["speed"], self.speed, direction)
            return self._restart_pacing()
        name = nudged(name, self.session.hyper.optimizer)
        largest = len(self.session.x_train) if name == "batch_size" else None
        self._set_hyper({name: along(LADDERS[name], getattr(self.session.hyper, name), direction,
                                     largest)})

    def _set_hyper(self, changes: dict[str, object]) -> None:
        self.session.set_hyperparameters(**changes)
        self.timeline.changed(self.session, changes)
        self.message = ""

    def _configure(self, config: RunConfig) -> None:
        self.session, note = build_session(config)
        self.timeline.restart(self.session)
        self.config = config
        self.notes.append(note or f"now training {self.session.dataset.summary}")
        self.running, self.epoch_target, self.offset, self.selected = True, None, 0, None
        self.speed = config.speed
        self.message = expectation(config)
        self._restart_pacing()

    def _regenerate(self, option: str, change: int | str) -> None:
        running = self.running
        self._configure(regenerated(self.config, self.session, option, change, self.speed))
        self.running = running
        value, sizes = self.config.data_options[option], self.session.network.sizes
        self.message = (
            f"inputs {str(value).replace(',', ', ')}: first layer now {sizes[0]}→{sizes[1]}"
            if option == "features" else f"{option.replace('_', ' ')} {value:g}: new data"
        ) + ", weights re-initialised"

    def _watch(self, breakpoints: Breakpoints) -> None:
        """Watch for ``breakpoints`` from the next step on."""
        self.breakpoints = breakpoints
        self.watcher = Watcher(breakpoints)
        self._watching = breakpoints.thresholds

    def _inspect(self, row: int | None) -> None:
        """Pause and inspect the next step (training row ``row``, or the mini-batch)."""
        self.running, self.epoch_target = False, None
        self.reply = inspect(self.session, row)

    def _lab(self, result: LabResult) -> None:
        self.lab, self.message = result, result.note
        self.notes.append(result.note)

    def _reshape(self, **changes: object) -> None:
        network = rebuild(self.session.network, seed=self.session.seed, **changes)
        self.session.set_network(network)
        self.timeline.restart(self.session)
        self.selected = None
        self.message = f"new network {format_sizes(network.sizes)} {network.hidden.name}" \
            f"{norm_label(network.norm)}: weights re-initialised"
        self._restart_pacing()

    # -- training --------------------------------------------------------------------------
    def _restart_pacing(self) -> None:
        self._paced_from = (time.perf_counter(), self.session.step_count)

    def train_step(self) -> float:
        """One training step, checkpointed and its health recorded when due (replay too)."""
        cost = self.memo.health.train(self.session)
        self.timeline.after_step(self.session)
        return cost

    def _train_one(self) -> bool:
        try:
            cost = self.train_step()
        except Diverged as diverged:
            self._rewind(self.watcher.diverged(self.session) or str(diverged))
            return False
        except (Stopped, NoTrainingRows) as stopped:
            self.running, self.epoch_target = False, None
            self.message = NO_POINTS if isinstance(stopped, NoTrainingRows) else self.message
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
        state = TrainerState(
            status=status, message=self.message, preset=self.config.preset, speed=self.speed,
            samples_per_second=self.samples_per_second if self.running else 0.0,
            offset=self.offset, selected=self.selected, seq=self.seq, notes=notes,
            breakpoints=self.breakpoints, breakpoint=self.breakpoint,
            branches=tuple(self.timeline.branches), markers=tuple(self.timeline.markers),
            lab=self.lab, findings=self.doctor.examine(self.session, self.running))
        extras = build_extras(self.session, self.memo, self.wanted,
                              reuse.extras if reuse is not None else {})
        self._last = take_snapshot(self.session, state, reuse, extras)
        return self._last
