"""The picker: choose a preset or a data set and the hidden layers, without restarting."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from backprop_tui.app.keys import DIALOG, bindings
from backprop_tui.data import names as dataset_names
from backprop_tui.engine import format_sizes, parse_sizes
from backprop_tui.errors import BackpropError
from backprop_tui.live.config import PRESETS, RunConfig, preset_for_dataset
from backprop_tui.live.snapshot import Snapshot


def network_now(snapshot: Snapshot) -> str:
    """The network being trained, as the latest snapshot has it (after every change)."""
    return (f"now training: {snapshot.dataset}, {format_sizes(snapshot.sizes)} "
            f"{snapshot.hidden} → {snapshot.output}, {snapshot.hyper.optimizer}")


class PickerScreen(ModalScreen[RunConfig | None]):
    """Returns a new RunConfig, or None when cancelled; shows the network of ``now`` (the
    latest snapshot), not the configuration the run started from."""

    BINDINGS = bindings(DIALOG)

    def __init__(self, current: RunConfig, now: Snapshot | None = None) -> None:
        super().__init__()
        self.current = current
        self.hidden_now = (now.sizes[1:-1] if now is not None else current.hidden_sizes)
        self.now = network_now(now) if now is not None else ""

    def compose(self) -> ComposeResult:
        options = [Option(f"preset  {p.name:<16} {p.title}", id=f"preset:{p.name}")
                   for p in PRESETS.values()]
        options += [Option(f"data    {name}", id=f"data:{name}") for name in dataset_names()
                    if name != "csv"]
        with Vertical(id="picker-body", classes="dialog"):
            yield Label("[b]Choose what to train[/b]  (Enter picks, Esc cancels)")
            yield Label(self.now, id="picker-now", classes="hint", markup=False)
            yield OptionList(*options, id="choices")
            yield Label("or a data set by name, e.g. csv:path/to/file.csv (target = last column)",
                        classes="hint")
            yield Input(placeholder="data set", id="dataset")
            yield Label("hidden layers, e.g. 32-32 (empty: the choice's own)", classes="hint")
            yield Input(placeholder=format_sizes(self.hidden_now), id="hidden")
            with Horizontal(id="picker-buttons"):
                yield Button("Train", variant="primary", id="train")
                yield Button("Cancel", id="cancel")

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self._finish(str(event.option.id))

    @on(Input.Submitted)
    @on(Button.Pressed, "#train")
    def train(self) -> None:
        dataset = self.query_one("#dataset", Input).value.strip()
        if dataset:
            self._finish(f"data:{dataset}")
        else:
            highlighted = self.query_one(OptionList).highlighted_option
            self._finish(str(highlighted.id) if highlighted else f"data:{self.current.dataset}")

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)

    def _finish(self, choice: str) -> None:
        kind, _, name = choice.partition(":")
        config = PRESETS[name].config if kind == "preset" else preset_for_dataset(name)
        hidden = self.query_one("#hidden", Input).value.strip()
        try:
            if hidden:
                config = replace(config, hidden_sizes=parse_sizes(f"1-{hidden}-1")[1:-1])
        except BackpropError:
            self.notify(f"bad hidden layers {hidden!r}: write sizes like 32-16",
                        severity="error")
            return
        self.dismiss(replace(config, seed=self.current.seed))
