"""``backprop-tui race`` without ``--json``: an app holding only the race screen."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from backprop_tui.app.screens.live import with_key_commands
from backprop_tui.app.screens.race import RaceScreen
from backprop_tui.live.race import Race


class RaceApp(App[None]):
    """Race the runs of ``race`` (already started) up to ``limit`` steps (None: no end)."""

    TITLE = "backprop-tui race"
    CSS_PATH = Path(__file__).with_name("app.tcss")

    def __init__(self, race: Race, limit: int | None = None) -> None:
        super().__init__()
        self.race = race
        self.limit = limit

    def get_default_screen(self) -> RaceScreen:
        return RaceScreen(self.race, self.limit)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands, then the race keys."""
        return with_key_commands(super().get_system_commands(screen), screen)
