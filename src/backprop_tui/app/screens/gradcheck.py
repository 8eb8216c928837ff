"""The gradient check's result: per layer, backprop against finite differences. Esc closes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from backprop_tui.app.keys import DIALOG, bindings
from backprop_tui.live.gradcheck import GradientReport, GradientRow

COLUMNS = ("layer", "checked", "weight error", "bias error", "")
NORM_COLUMN = "γ/β error"
"""Shown before the last column for a normalised network."""


def normalised(report: GradientReport) -> bool:
    return any(row.norm_error is not None for row in report.rows)


def columns(report: GradientReport) -> tuple[str, ...]:
    return (*COLUMNS[:-1], NORM_COLUMN, COLUMNS[-1]) if normalised(report) else COLUMNS


def cells(report: GradientReport) -> list[tuple[str | Text, ...]]:
    """One table row per weight layer: label, parameters checked, errors, ✓/✗."""
    def norm(row: GradientRow) -> tuple[str, ...]:
        if not normalised(report):
            return ()
        return ("–" if row.norm_error is None else f"{row.norm_error:.1e}",)

    return [
        (f"{row.layer}: {row.shape}", str(row.checked), f"{row.weight_error:.1e}",
         "no bias" if row.bias_error is None else f"{row.bias_error:.1e}", *norm(row),
         Text("✓", style="bold green") if row.ok else Text("✗", style="bold red"))
        for row in report.rows
    ]


class GradientCheckScreen(ModalScreen[None]):
    """Shows a :class:`GradientReport`."""

    BINDINGS = bindings(DIALOG)

    def __init__(self, report: GradientReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        report = self.report
        with Vertical(id="gradcheck-body", classes="dialog"):
            yield Label(f"[b]Gradient check[/b]  step {report.step}, {report.batch} rows, "
                        f"{report.dtype}, {report.seconds * 1000:.0f} ms  (Esc closes)")
            yield DataTable(id="gradcheck-table", cursor_type="none", zebra_stripes=True)
            style = "green" if report.ok else "red"
            yield Label(Text(report.verdict, style=f"bold {style}"), id="gradcheck-verdict")
            for note in report.notes:
                yield Label(Text(note, style="italic"), classes="gradcheck-note")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*columns(self.report))
        table.add_rows(cells(self.report))
