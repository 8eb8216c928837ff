"""The Textual app: starts the screens, reads the trainer and hands its replies on (keys
belong to the screens and keys.py; screens reach the trainer through a TrainerLink)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from backprop_tui.app.link import TrainerLink
from backprop_tui.app.messages import (
    GradientChecked,
    Inspected,
    OverfitChecked,
    SnapshotArrived,
    TrainerFailed,
)
from backprop_tui.app.screens.live import LiveScreen, with_key_commands
from backprop_tui.app.screens.main import MainScreen
from backprop_tui.live.backend import Backend, Failure
from backprop_tui.live.backend import Message as TrainerMessage
from backprop_tui.live.commands import Command
from backprop_tui.live.config import RunConfig
from backprop_tui.live.gradcheck import GradientReport
from backprop_tui.live.inspector import Inspection
from backprop_tui.live.overfit import OverfitReport
from backprop_tui.live.snapshot import Snapshot

ANNOUNCE: dict[type, Callable[[Any], Message]] = {
    Failure: TrainerFailed, GradientReport: GradientChecked, Inspection: Inspected,
    OverfitReport: OverfitChecked}
"""The UI message that carries each kind of trainer reply (anything else is a snapshot)."""


class BackpropApp(App[None]):
    """Watch a neural network learn, and steer it."""

    TITLE = "backprop-tui"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    ENABLE_COMMAND_PALETTE = True
    main: MainScreen  # the first screen: it stays at the bottom of the stack

    def __init__(self, config: RunConfig, backend: Backend,
                 first: TrainerMessage | None = None) -> None:
        super().__init__()
        self.link = TrainerLink(backend, config)
        self.first = first
        self.fatal = ""
        """Why the trainer could not start (the app then exits with status 2)."""

    @property
    def snapshot(self) -> Snapshot | None:
        """The latest snapshot shown."""
        return self.link.latest

    @property
    def config(self) -> RunConfig:
        """The configuration last sent to the trainer."""
        return self.link.config

    def send(self, command: Command) -> None:
        self.link.send(command)

    def get_default_screen(self) -> MainScreen:
        self.main = MainScreen(self.link)
        return self.main

    def on_mount(self) -> None:
        if self.first is not None:
            self._dispatch(self.first)
        self.read_trainer()

    def on_unmount(self) -> None:
        self.link.backend.close()

    @work(thread=True, exclusive=True, group="trainer", exit_on_error=False)
    def read_trainer(self) -> None:
        """Forward every trainer message to the UI thread (post_message never blocks)."""
        worker, backend = get_current_worker(), self.link.backend
        while not worker.is_cancelled and not backend.closed:
            message = backend.receive(timeout=0.2)
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: TrainerMessage) -> None:
        self.post_message(ANNOUNCE.get(type(message), SnapshotArrived)(message))

    @on(SnapshotArrived)
    def show_snapshot(self, event: SnapshotArrived) -> None:
        """Announce the snapshot's notes, then hand it to the main screen and to the live
        screen on top of it."""
        if not self.is_running:
            return
        previous, snapshot = self.link.latest, event.snapshot
        self.link.latest = snapshot
        for note in snapshot.notes:
            self.notify(note)
        if snapshot.status == "diverged" and (previous is None or previous.status != "diverged"):
            self.notify(snapshot.message, title="Training diverged", severity="error",
                        timeout=8)
        self.main.show(snapshot)
        if isinstance(self.screen, LiveScreen) and self.screen is not self.main:
            self.screen.show(snapshot)

    @on(TrainerFailed)
    def show_failure(self, event: TrainerFailed) -> None:
        if event.failure.fatal:
            self.fatal = event.failure.message
            self.exit(return_code=2)
        elif self.is_running:
            self.notify(event.failure.message, severity="error", timeout=6)

    @on(GradientChecked)
    @on(OverfitChecked)
    def show_report(self, event: GradientChecked | OverfitChecked) -> None:
        """Open a check's dialog, in place of an older one of its kind."""
        from backprop_tui.app.screens.gradcheck import GradientCheckScreen  # not in first frame
        from backprop_tui.app.screens.overfit import OverfitScreen

        screen = GradientCheckScreen(event.report) if isinstance(event, GradientChecked) \
            else OverfitScreen(event.report)
        if self.is_running:
            if type(self.screen) is type(screen):
                self.pop_screen()
            self.push_screen(screen)

    @on(Inspected)
    def show_inspection(self, event: Inspected) -> None:
        from backprop_tui.app.screens.inspector import InspectorScreen  # not in first frame

        if not self.is_running:
            return
        if isinstance(self.screen, InspectorScreen):
            self.screen.update_inspection(event.inspection)
        else:
            self.push_screen(InspectorScreen(event.inspection, self.link, self.main.point_at))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands, then each key of ``screen`` that applies now."""
        return with_key_commands(super().get_system_commands(screen), screen)
