"""The race screen: 2 to 4 runs in their own trainers, overlaid in one plot, compared in one
table, advanced in equal steps (see :mod:`backprop_tui.live.race`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from backprop_tui.app.keys import RACE, bindings
from backprop_tui.app.screens.live import KeyedScreen, titled
from backprop_tui.app.widgets.race_plot import RUN_COLOURS, RacePlot
from backprop_tui.app.widgets.race_table import RaceTable
from backprop_tui.live.backend import Failure
from backprop_tui.live.backend import Message as TrainerMessage
from backprop_tui.live.commands import LADDERS, along
from backprop_tui.live.race import Race

TICK = 0.1
"""Seconds between two looks at whether the next round is due."""
SPEED: float | None = 300
"""Steps per second a race starts at."""
FLAT_OUT_CHUNK = 50
"""Steps per round when racing flat out."""


@dataclass
class LaneMessage(Message):
    """A message from run ``index``'s trainer."""

    index: int
    message: TrainerMessage


class RaceScreen(KeyedScreen):
    """The race: keys act on every run, or (p, N) on the selected one."""

    KEYS = RACE
    BINDINGS = bindings(RACE)

    def __init__(self, race: Race, limit: int | None = None, note: str = "",
                 cleanup: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.race = race
        self.limit = limit
        """The step the race pauses at (None: no end)."""
        self.note = note
        self.cleanup = cleanup
        self.selected = 0
        self.racing = True
        self.speed = SPEED
        self._paced = (monotonic(), 0)

    def compose(self) -> ComposeResult:
        yield titled(RacePlot(id="race-plot"), "training cost per step")
        yield RaceTable(id="race-table")
        yield Static(id="race-status")
        yield Footer()

    def on_mount(self) -> None:
        for index in range(len(self.race.lanes)):
            self.read(index)
        self.set_interval(TICK, self.advance)
        self.refresh_view()

    def on_unmount(self) -> None:
        """Stop every trainer of the race (and remove a fork's weights file)."""
        self.workers.cancel_node(self)
        self.race.close()
        if self.cleanup is not None:
            self.cleanup()

    @work(thread=True, group="race", exit_on_error=False)
    def read(self, index: int) -> None:
        """Forward run ``index``'s trainer messages to the screen."""
        worker, backend = get_current_worker(), self.race.lanes[index].backend
        while not worker.is_cancelled and not backend.closed:
            message = backend.receive(timeout=0.2)
            if message is not None:
                self.post_message(LaneMessage(index, message))

    @on(LaneMessage)
    def take(self, event: LaneMessage) -> None:
        self.race.take(event.index, event.message)
        if isinstance(event.message, Failure):
            name = self.race.lanes[event.index].run.name
            self.notify(f"{name}: {event.message.message}", severity="error", timeout=6)
        self.advance()
        self.refresh_view()

    # -- pacing ------------------------------------------------------------------------------
    def advance(self) -> None:
        """Send the next round when every run has answered and (at the chosen speed) it is
        due; stop racing when no run can go on."""
        if not self.racing or not self.race.ready:
            return
        started, sent = self._paced
        if self.speed is None:
            chunk = FLAT_OUT_CHUNK
        else:
            chunk = min(int((monotonic() - started) * self.speed) - sent,
                        max(1, round(self.speed * TICK * 2)))
            if chunk < 1:
                return
        if self.race.round(chunk, self.limit):
            self._paced = (started, sent + chunk)
        else:
            self.racing = False
            self.refresh_view()

    def _restart_pacing(self) -> None:
        self._paced = (monotonic(), 0)

    def refresh_view(self) -> None:
        lanes = self.race.lanes
        self.query_one(RacePlot).show(lanes, self.selected)
        self.query_one(RaceTable).show(lanes, self.selected, RUN_COLOURS)
        self.query_one("#race-status", Static).update(self.status())

    def status(self) -> str:
        """What the race is doing, in words: pace, who is ahead, held or stopped."""
        lanes = self.race.lanes
        speed = "flat out" if self.speed is None else f"{self.speed:g} steps/s"
        steps = sorted({lane.goal for lane in lanes if not lane.stopped})
        finished = not self.racing and self.limit is not None and bool(steps) \
            and steps[0] >= self.limit
        if self.racing:
            words = [f"racing at {speed}, in equal steps"]
        elif finished:
            words = [f"finished: every run reached step {self.limit:,}"]
        else:
            words = [f"paused (Space races on at {speed})"]
        ahead = self.race.ahead()
        if ahead:
            words += [f"{name} is {count:,} steps ahead (stepped alone): the race holds it "
                      "until the others catch up" for name, count in ahead]
        elif steps and not finished:
            words.append(f"all at step {min(lane.step for lane in lanes if not lane.stopped):,}")
        words += [f"{lane.run.name} paused alone (p resumes)" for lane in lanes if lane.held]
        words += [f"{lane.run.name} stopped: {lane.stopped}" for lane in lanes if lane.stopped]
        return " · ".join(words + ([self.note] if self.note else []))

    # -- keys --------------------------------------------------------------------------------

    def action_run_all(self) -> None:
        self.racing = not self.racing
        self._restart_pacing()
        self.advance()
        self.refresh_view()

    def action_step_all(self) -> None:
        self.racing = False
        self.race.step_each([i for i, lane in enumerate(self.race.lanes) if not lane.stopped])
        self.refresh_view()

    def action_speed(self, direction: int) -> None:
        self.speed = along(LADDERS["speed"], self.speed, direction)
        self._restart_pacing()
        self.refresh_view()

    def action_select(self, direction: int) -> None:
        self.selected = (self.selected + direction) % len(self.race.lanes)
        self.refresh_view()

    def action_hold(self) -> None:
        lane = self.race.lanes[self.selected]
        lane.held = not lane.held
        self.refresh_view()

    def action_step_one(self) -> None:
        self.race.step_each([self.selected])
        self.refresh_view()

    def action_toggle_plot(self) -> None:
        self.query_one(RacePlot).toggle()

    def action_close(self) -> None:
        """Back to the screen below (the run the race forked from), or out of the app."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()
