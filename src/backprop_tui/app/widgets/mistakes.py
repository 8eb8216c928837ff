"""The wrong test samples, a page at a time, drawn like the predictions panel."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.widgets import Static

from backprop_tui.app.widgets.confusion import WAITING, first_fitting
from backprop_tui.app.widgets.predictions import PredictionsPicture
from backprop_tui.live.snapshot import Snapshot

PAGE = 4
"""Mistakes per page."""


class MistakesPicture(PredictionsPicture):
    """One page of mistakes (in the snapshot's ``predictions``) under a page header."""

    def __init__(self, snapshot: Snapshot, header: str) -> None:
        super().__init__(snapshot)
        self.title = header

    def header(self, width: int) -> Text:
        return Text(self.title, style="bold")


class MistakesView(Static):
    """Pages through ``snapshot.views.mistakes``; ``page(±1)`` turns the page."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.snapshot: Snapshot | None = None
        self.start = 0

    def page(self, direction: int) -> None:
        """The next (+1) or previous (−1) page, wrapping around."""
        views = self.snapshot.views if self.snapshot else None
        count = len(views.mistakes) if views else 0
        if count:
            pages = -(-count // PAGE)
            self.start = (self.start // PAGE + direction) % pages * PAGE
            self._draw()

    def show(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        snapshot = self.snapshot
        views = snapshot.views if snapshot else None
        if snapshot is None or views is None:
            self.update(Text(WAITING, style="dim"))
            return
        mistakes = views.mistakes
        if not mistakes:
            self.update(Text(f"no mistakes among {views.rows} test rows", style="green"))
            return
        if self.start >= len(mistakes):
            self.start = 0
        page = mistakes[self.start:self.start + PAGE]
        shown = f"mistakes {self.start + 1}–{self.start + len(page)} of {len(mistakes)}"
        header = first_fitting([
            f"{shown} shown ({views.wrong} of {views.rows} test rows wrong) · ←→ page",
            f"{shown} shown ({views.wrong} of {views.rows} test rows wrong)",
            f"{shown} ({views.wrong}/{views.rows} test rows wrong)",
            f"{shown} ({views.wrong}/{views.rows} wrong)"], self.content_size.width or 80)
        self.update(MistakesPicture(replace(snapshot, predictions=page), header))
