"""The overfit-one-batch check's result: the batch's cost before and after, a sparkline of
its fall and the verdict. Esc closes."""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from backprop_tui.app.keys import DIALOG, bindings
from backprop_tui.app.widgets.weight_stats import BARS
from backprop_tui.live.overfit import MAX_STEPS, RULE, OverfitReport


def log_sparkline(costs: tuple[float, ...]) -> str:
    """One bar per cost, its height log10(cost) between the lowest and highest (a cost that
    is not a finite positive number: ``!``)."""
    logs = [math.log10(c) if math.isfinite(c) and c > 0 else None for c in costs]
    finite = [v for v in logs if v is not None]
    if not finite:
        return "!" * len(costs)
    low, span = min(finite), (max(finite) - min(finite)) or 1.0
    return "".join("!" if v is None else BARS[round((v - low) / span * (len(BARS) - 1))]
                   for v in logs)


class OverfitScreen(ModalScreen[None]):
    """Shows an :class:`OverfitReport`."""

    BINDINGS = bindings(DIALOG)

    def __init__(self, report: OverfitReport) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        report = self.report
        with Vertical(id="overfit-body", classes="dialog"):
            yield Label(f"[b]Overfit one batch[/b]  step {report.step}, {report.batch} rows, "
                        f"{report.seconds * 1000:.0f} ms  (Esc closes)")
            yield Label(f"Trains a throw-away copy on these rows alone, up to {MAX_STEPS} "
                        f"steps, until the cost is {RULE}. The run is untouched.",
                        classes="overfit-note")
            yield Label(f"cost {report.start_cost:.3g} → {report.final_cost:.3g} after "
                        f"{report.steps} steps", id="overfit-costs")
            yield Label(Text(log_sparkline(report.costs), style="cyan"), id="overfit-trace")
            style = "green" if report.passed else "red"
            yield Label(Text(report.verdict, style=f"bold {style}"), id="overfit-verdict")
            for note in report.notes:
                yield Label(Text(note, style="italic"), classes="overfit-note")
