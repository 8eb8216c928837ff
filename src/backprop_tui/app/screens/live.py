"""The screens that show the training as it goes (main, views, boundary): they take the
keys that steer it (keys.py's shared rows) and talk to the trainer through a link."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any, ClassVar, TypeVar

from textual.actions import parse
from textual.app import SystemCommand
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.widget import Widget

from backprop_tui.app import files
from backprop_tui.app.keys import Key
from backprop_tui.app.link import TrainerLink
from backprop_tui.app.screens.breakpoints import BreakpointsScreen
from backprop_tui.engine.metrics import headline
from backprop_tui.live.breakpoints import Breakpoints
from backprop_tui.live.commands import (
    AddLayer,
    Cycle,
    Epoch,
    Nudge,
    RemoveLayer,
    Reset,
    Rewind,
    Run,
    SetBreakpoints,
    Step,
)
from backprop_tui.live.snapshot import Snapshot

W = TypeVar("W", bound=Widget)


def titled(widget: W, title: str) -> W:
    """``widget`` as a bordered panel titled ``title``."""
    widget.border_title = title
    widget.add_class("panel")
    return widget


def key_commands(screen: Screen[Any], keys: tuple[Key, ...]) -> Iterator[SystemCommand]:
    """A command palette entry for each of ``keys`` that applies now on ``screen``."""
    for key in keys:
        namespace, name, parameters = parse(key.action)
        if namespace or screen.check_action(name, parameters):
            yield SystemCommand(key.description, key.tooltip,
                                partial(screen.run_action, key.action))


def with_key_commands(system: Iterable[SystemCommand], screen: Screen[Any]
                      ) -> Iterator[SystemCommand]:
    """``system`` (Textual's commands), then each key of a :class:`KeyedScreen` ``screen``
    that applies now and is not one of them."""
    system = list(system)
    yield from system
    if isinstance(screen, KeyedScreen):
        titles = {command.title for command in system}
        yield from (command for command in screen.commands() if command.title not in titles)


class KeyedScreen(Screen[None]):
    """A screen whose ``KEYS`` (footer order) are also its command palette entries."""

    KEYS: ClassVar[tuple[Key, ...]] = ()

    def commands(self) -> Iterator[SystemCommand]:
        """A command palette entry for each key of this screen that applies now."""
        return key_commands(self, self.KEYS)

    def action_help(self) -> None:
        from backprop_tui.app.screens.help import HelpScreen  # Markdown: load it when asked

        self.app.push_screen(HelpScreen())


class LiveScreen(KeyedScreen):
    """Shows each snapshot it is handed."""

    STARTED: ClassVar[frozenset[str]] = frozenset({"breakpoints", "save"})
    """Actions that need the trainer's first snapshot."""
    OWN_FOOTER: ClassVar[bool] = False
    """The footer lists this screen's own keys only: no room for the training keys at 80
    columns (they still work, and F1 lists them)."""

    def __init__(self, link: TrainerLink) -> None:
        super().__init__()
        self.link = link

    def show(self, snapshot: Snapshot) -> None:
        """Draw ``snapshot`` (called for every one while the screen is on the stack)."""

    def on_screen_resume(self) -> None:
        """Show the latest snapshot: those that came while a dialog was on top passed by."""
        if self.link.latest is not None:
            self.show(self.link.latest)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        every = super().active_bindings
        if not self.OWN_FOOTER:
            return every
        own = {key.id for key in self.KEYS if not key.shared}
        return {key: active for key, active in every.items()
                if active.node is self and active.binding.id in own}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim (None) the keys that need the trainer's first snapshot until it came."""
        return None if action in self.STARTED and self.link.latest is None else True

    # -- the shared keys ---------------------------------------------------------------------
    def action_run(self) -> None:
        self.link.send(Run())

    def action_step(self) -> None:
        self.link.send(Step(1))

    def action_epoch(self) -> None:
        self.link.send(Epoch())

    def action_reset(self) -> None:
        self.link.send(Reset())

    def action_rewind(self) -> None:
        self.link.send(Rewind())

    def action_nudge(self, name: str, direction: int) -> None:
        self.link.send(Nudge(name, direction))

    def action_cycle(self, what: str) -> None:
        self.link.send(Cycle(what))

    def action_layers(self, direction: int) -> None:
        self.link.send(AddLayer() if direction > 0 else RemoveLayer())

    def action_breakpoints(self) -> None:
        snapshot = self.link.latest
        if snapshot is None:
            return

        def chosen(breakpoints: Breakpoints | None) -> None:
            if breakpoints is not None:
                self.link.send(SetBreakpoints(breakpoints))

        metric = headline(snapshot.task).label
        self.app.push_screen(BreakpointsScreen(snapshot.breakpoints, metric), chosen)

    def action_save(self, what: str) -> None:
        files.ask_path(self, self.link, files.FILES[what])
