"""A small modal prompt for a file path: Enter accepts, Escape cancels.

An existing file is only accepted after a second Enter on the same path (the prompt says so).
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from backprop_tui.app.keys import DIALOG, bindings


class PathPrompt(ModalScreen[str | None]):
    """Returns the chosen path (``~`` expanded), or None when cancelled."""

    BINDINGS = bindings(DIALOG)

    def __init__(self, title: str, value: str, *, opening: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.opening = opening
        """Asking for a file to read: it must exist (and is not overwritten)."""
        self.confirming: str | None = None
        """The path the person was warned exists; Enter on it again overwrites it."""

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-body", classes="dialog"):
            yield Label(f"[b]{self.title_text}[/b]  (Enter accepts, Esc cancels)")
            yield Input(self.value, id="path")
            yield Label("", id="prompt-warning", markup=False)

    @on(Input.Changed)
    def changed(self) -> None:
        self.confirming = None
        self.query_one("#prompt-warning", Label).update("")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return self._warn("write a file name")
        path = Path(text).expanduser()
        if path.is_dir():
            return self._warn(f"{path} is a folder: add a file name")
        if self.opening and not path.is_file():
            return self._warn(f"{path}: no such file")
        if path.exists() and not self.opening and self.confirming != text:
            self.confirming = text
            return self._warn(f"{path} exists: Enter again to overwrite it, Esc to cancel")
        self.dismiss(str(path))

    def _warn(self, text: str) -> None:
        self.query_one("#prompt-warning", Label).update(text)
