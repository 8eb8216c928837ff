"""The backprop inspector: one training step shown stage by stage; Enter takes the step."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from backprop_tui.app.keys import INSPECTOR, bindings
from backprop_tui.app.link import TrainerLink
from backprop_tui.live.commands import Inspect, InspectApply
from backprop_tui.live.inspector import Inspection, Numbers, Stage


def header(inspection: Inspection, index: int) -> str:
    """``stage 3 of 12: backward, layer 2``."""
    stage = inspection.stages[index]
    return f"stage {index + 1} of {len(inspection.stages)}: {stage.kind}, layer {stage.layer}"


def strip(sizes: tuple[int, ...], layer: int) -> Text:
    """``in → [1] → 2 → out`` with the layer being computed highlighted."""
    names = ["in", *(str(n) for n in range(1, len(sizes) - 1)), "out"]
    text = Text()
    for n, (name, size) in enumerate(zip(names, sizes, strict=True)):
        if n:
            text.append(" → ", style="dim")
        label = f"{name} ({size})"
        text.append(f"[{label}]" if n == layer else label,
                    style="bold reverse" if n == layer else "")
    return text


def _cell(value: float) -> str:
    return f"{value: .4g}"


def render_numbers(numbers: Numbers, width: int = 200) -> RenderableType:
    """A small array as a table (in blocks of as many columns as fit ``width`` cells, each
    block headed by its column numbers); a large one as its summary and largest entries."""
    dims = "×".join(str(n) for n in numbers.shape)
    title = Text(f"{numbers.name}  ({dims})", style="bold")
    if numbers.full is not None:
        cells = [[_cell(v) for v in row] for row in np.atleast_2d(numbers.full)]
        count = len(cells[0])
        fit = max(1, width // (max(len(c) for row in cells for c in row) + 2))
        if fit >= count:
            return Group(title, _table(cells))
        blocks = (Group(Text(f"  columns {start}–{min(start + fit, count) - 1}:", style="dim"),
                        _table([row[start:start + fit] for row in cells]))
                  for start in range(0, count, fit))
        return Group(title, *blocks)
    mean, std, low, high = numbers.summary
    top = ",  ".join(f"[{','.join(map(str, index))}] {value:.4g}" for index, value in numbers.top)
    return Group(title, Text(f"  mean {mean:.4g}   std {std:.4g}   min {low:.4g}   "
                             f"max {high:.4g}"), Text(f"  largest |·|: {top}"))


def _table(cells: list[list[str]]) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1))
    for row in cells:
        table.add_row(*row)
    return table


class InspectorScreen(ModalScreen[None]):
    """Shows an :class:`Inspection` one stage at a time."""

    BINDINGS = bindings(INSPECTOR)

    def __init__(self, inspection: Inspection, link: TrainerLink,
                 point_at: Callable[[int], None]) -> None:
        super().__init__()
        self.inspection = inspection
        self.link = link
        self.point_at = point_at
        """Points the network panel (left of this dialog) at the layer computed."""
        self.index = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="inspector-body", classes="dialog"):
            yield Label(id="inspector-title")
            yield Label(id="inspector-header")
            yield Static(id="inspector-strip")
            yield Label(id="inspector-equation")
            yield Label(id="inspector-shapes")
            yield Static(id="inspector-numbers")
            yield Static(id="inspector-notes")
            yield Label("←/→ (p/n) stage   s/S one training row   b the mini-batch   "
                        "Enter (a) apply this step   Esc close",
                        id="inspector-hint")

    def on_mount(self) -> None:
        self.draw()
        self.call_after_refresh(self.draw)  # again at the width the layout gave the numbers

    def on_resize(self) -> None:
        self.draw()

    @property
    def stage(self) -> Stage:
        return self.inspection.stages[self.index]

    def update_inspection(self, inspection: Inspection) -> None:
        """Show a fresh inspection (the first stage again after a step was taken)."""
        if inspection.step != self.inspection.step:
            self.index = 0
        self.inspection = inspection
        self.index = min(self.index, len(inspection.stages) - 1)
        self.draw()

    def draw(self) -> None:
        inspection, stage = self.inspection, self.stage
        what = "the next mini-batch" if inspection.sample is None \
            else f"training row {inspection.sample}"
        self.query_one("#inspector-title", Label).update(
            f"[b]Backprop inspector[/b]  step {inspection.step}, {what} (m = {inspection.rows}), "
            f"cost {inspection.cost:.4g}")
        self.query_one("#inspector-header", Label).update(
            Text(header(inspection, self.index), style="bold"))
        self.query_one("#inspector-strip", Static).update(strip(inspection.sizes, stage.layer))
        self.point_at(stage.layer)
        self.query_one("#inspector-equation", Label).update(Text(stage.equation))
        self.query_one("#inspector-shapes", Label).update(Text(stage.shapes, style="italic"))
        shown = self.query_one("#inspector-numbers", Static)
        width = shown.content_size.width - 2 if shown.content_size.width > 2 else 40  # scrollbar
        shown.update(Group(*(render_numbers(numbers, width) for numbers in stage.numbers)))
        self.query_one("#inspector-notes", Static).update(
            Text("\n".join(inspection.notes), style="dim italic"))

    def action_move(self, step: int) -> None:
        self.index = max(0, min(self.index + step, len(self.inspection.stages) - 1))
        self.draw()

    def action_sample(self, direction: int) -> None:
        """Inspect one training row instead of the batch (s: next row, S: previous)."""
        current = self.inspection.sample
        self.link.send(Inspect(0 if current is None else max(0, current + direction)))

    def action_batch(self) -> None:
        self.link.send(Inspect(None))

    def action_apply(self) -> None:
        self.link.send(InspectApply(self.inspection.sample))
