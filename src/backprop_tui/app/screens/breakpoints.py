"""A small modal form for the breakpoints: Enter applies, Escape cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label

from backprop_tui.app.keys import DIALOG, bindings
from backprop_tui.errors import BackpropError
from backprop_tui.live.breakpoints import Breakpoints

FIELDS = (
    ("cost_spike", "cost spike ×", "a step's cost > k × mean of last 50"),
    ("dead_fraction", "dead units >", "share of a ReLU layer dead, 0 … 1"),
    ("grad_norm", "gradient norm >", "global norm of a step's gradient"),
    ("target", "target ≥", "test {metric} at an epoch's end"),
    ("epoch", "epoch", "pause when this epoch completes"),
)
"""(Breakpoints field, label, hint) for each threshold input; a hint fits 40 columns (the
form's width at 80×24) and wraps, never cut, if a metric's name makes it longer."""


class BreakpointsScreen(ModalScreen[Breakpoints | None]):
    """Returns the new breakpoints, or None when cancelled; blank inputs are off."""

    BINDINGS = bindings(DIALOG)

    def __init__(self, current: Breakpoints, metric: str = "accuracy") -> None:
        super().__init__()
        self.current = current
        self.metric = metric

    def compose(self) -> ComposeResult:
        with Vertical(id="breakpoints-body", classes="dialog"):
            yield Label("[b]Pause training when …[/b]  (blank: off; Enter applies, Esc cancels)")
            yield Checkbox("a cost or gradient is not finite", self.current.non_finite,
                           id="non_finite")
            for name, label, hint in FIELDS:
                value = getattr(self.current, name)
                with Horizontal():
                    yield Label(label, classes="field")
                    yield Input("" if value is None else f"{value:g}", id=name)
                    yield Label(hint.format(metric=self.metric), classes="hint")

    def on_mount(self) -> None:
        self.query_one(f"#{FIELDS[0][0]}", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        texts = {name: self.query_one(f"#{name}", Input).value for name, _, _ in FIELDS}
        try:
            chosen = Breakpoints.from_texts(self.query_one(Checkbox).value, texts)
        except BackpropError as error:
            self.notify(str(error), severity="error", timeout=6)
            return
        self.dismiss(chosen)
