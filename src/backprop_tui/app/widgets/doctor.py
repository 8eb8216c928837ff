"""The doctor line: the training doctor's most important findings and the fix ``F`` applies,
in one line, in the longest form that fits (never a cut word)."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from backprop_tui.live.snapshot import Snapshot

HEALTHY = "no findings (D: what it checks)"
Part = str | tuple[str, str]
"""A piece of a line: text, or (text, style)."""


def doctor_text(snapshot: Snapshot, width: int) -> Text:
    """``doctor: …`` naming at most the two most important findings, fitted to ``width``."""
    findings = snapshot.findings
    label = ("doctor: ", "dim")
    if not findings:
        return Text.assemble(label, (HEALTHY, "green"))
    top, more = findings[0], findings[1:]
    style = "bold red" if top.id == "diverged" else "bold yellow"
    also: list[Part] = [(" · also ", "dim"), (more[0].title, "yellow"),
                        (" · D details", "dim")] if more else []
    forms: list[list[Part]] = [
        [(top.title, style), f" ({top.summary})", (" — F: ", "dim"), (top.fix, "green"), *also],
        [(top.title, style), f" ({top.summary})", (" — F: ", "dim"), (top.fix, "green")],
        [(top.title, style), (" — F: ", "dim"), (top.fix, "green"), *also],
        [(top.title, style), (" — F: ", "dim"), (top.fix, "green")],
        [(top.title, style), (" — F fixes, D details", "dim")],
        [(top.title, style)],
    ]
    for parts in forms:
        line = Text.assemble(label, *parts)
        if line.cell_len <= width:
            return line
    return Text.assemble(label, *forms[-1])


class DoctorLine(Widget):
    """One line under the status bar: what the doctor found now."""

    DEFAULT_CSS = "DoctorLine { height: 1; }"

    _snapshot: Snapshot | None = None

    def show(self, snapshot: Snapshot) -> None:
        if self._snapshot is None or snapshot.findings != self._snapshot.findings:
            self.refresh()
        self._snapshot = snapshot

    def render(self) -> RenderResult:
        if self._snapshot is None:
            return Text("doctor: waiting for the trainer", "dim")
        return doctor_text(self._snapshot, self.size.width or 200)
