"""The neuron lab form: a neuron's bias, one incoming weight and (hidden neurons) on/off.

Enter applies the changed fields as trainer commands; Escape cancels.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label

from backprop_tui.app.keys import DIALOG, bindings
from backprop_tui.live.commands import Command, LabBias, LabToggle, LabWeight
from backprop_tui.live.snapshot import Snapshot


class NeuronForm(ModalScreen[list[Command] | None]):
    """Returns the commands for the fields the person changed, or None when cancelled."""

    BINDINGS = bindings(DIALOG)

    def __init__(self, snapshot: Snapshot, layer: int, neuron: int) -> None:
        super().__init__()
        self.target = (layer, neuron)
        topo = snapshot.topology
        self.incoming = topo.incoming if topo.selected == (layer, neuron) else None
        self.hidden = layer < len(snapshot.sizes) - 1
        self.off = (layer, neuron) in snapshot.off_units
        self.bias = "" if self.incoming is None else f"{float(self.incoming[-1]):.6g}"

    def compose(self) -> ComposeResult:
        with Vertical(id="lab-body", classes="dialog"):
            yield Label("[b]Layer {} neuron {}[/b]  ".format(*self.target) +
                        "(Enter applies, Esc cancels)")
            yield Label("bias")
            yield Input(self.bias, id="lab-bias")
            yield Label("incoming weight from neuron (index), new value")
            yield Input("0", id="lab-source", type="integer")
            yield Input(self._weight(0), id="lab-weight")
            if self.hidden:
                yield Checkbox("off (output forced to 0)", self.off, id="lab-off")
            yield Label("", id="lab-warning", markup=False)

    def _weight(self, source: int) -> str:
        if self.incoming is None or not 0 <= source < len(self.incoming) - 1:
            return ""
        return f"{float(self.incoming[source]):.6g}"

    @on(Input.Changed, "#lab-source")
    def source_changed(self, event: Input.Changed) -> None:
        if event.value.strip().lstrip("-").isdigit():
            self.query_one("#lab-weight", Input).value = self._weight(int(event.value))

    @on(Input.Submitted)
    def submitted(self) -> None:
        try:
            edits = self.edits()
        except ValueError as error:
            self.query_one("#lab-warning", Label).update(f"not a number: {error}")
            return
        self.dismiss(edits)

    def edits(self) -> list[Command]:
        """Commands for every field that differs from the neuron's current state."""
        target = self.target
        edits: list[Command] = []
        bias = self.query_one("#lab-bias", Input).value.strip()
        if bias and bias != self.bias:
            edits.append(LabBias(*target, float(bias)))
        source = int(self.query_one("#lab-source", Input).value or 0)
        weight = self.query_one("#lab-weight", Input).value.strip()
        if weight and weight != self._weight(source):
            edits.append(LabWeight(*target, source, float(weight)))
        if self.hidden and self.query_one("#lab-off", Checkbox).value != self.off:
            edits.append(LabToggle(*target, self.off))
        return edits
