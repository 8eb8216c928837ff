"""``backprop-tui race`` without ``--json``: an app holding only the race screen."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

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
