"""The race's table: one column per run, its hyperparameters (values that differ between runs
highlighted), seed, step, latest metrics and the doctor's findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable

from backprop_tui.app.widgets.status import LOSS_NAMES
from backprop_tui.engine import Hyperparameters, format_sizes
from backprop_tui.engine.activations import ACTIVATIONS
from backprop_tui.engine.hyper import SYMBOLS
from backprop_tui.engine.metrics import headline
from backprop_tui.live.race import Lane
from backprop_tui.live.snapshot import Snapshot

DIFFERS = Style(bold=True, color="yellow")
"""How a value that differs between the runs is drawn."""
SCROLLBAR = 2
"""Columns kept for the vertical scroll bar of a table taller than its room."""
MIN_COLUMN = 8
"""The narrowest a run's column gets (its cells wrap within it)."""
ALWAYS = ("network", "optimizer", "η", "batch", "seed")
"""Rows shown even when every run has the same value."""
Row = tuple[str, list[str], bool]
"""(label, one value per run, whether the values differ)."""


def doctor(snapshot: Snapshot) -> str:
    """The training doctor's findings on this run, most important first ('none')."""
    return "; ".join(f"{f.title} ({f.summary})" for f in snapshot.findings) or "none"


def _decay(hyper: Hyperparameters) -> str:
    from backprop_tui.engine import OPTIMIZERS

    uses = OPTIMIZERS[hyper.optimizer].uses
    return " ".join(f"{SYMBOLS[name]} {getattr(hyper, name):g}" for name in uses) or "–"


def _short(activation: str) -> str:
    return ACTIVATIONS[activation].short if activation in ACTIVATIONS else activation


SETTINGS: tuple[tuple[str, Callable[[Snapshot], str]], ...] = (
    ("data set", lambda s: s.dataset),
    ("network", lambda s: f"{format_sizes(s.sizes)} {s.hidden}"),
    ("output", lambda s: f"{_short(s.output)} {LOSS_NAMES.get(s.loss, s.loss)}"),
    ("init", lambda s: s.init),
    ("float", lambda s: s.dtype),
    ("optimizer", lambda s: s.hyper.optimizer),
    ("η", lambda s: f"{s.hyper.learning_rate:g}"),
    ("batch", lambda s: str(s.hyper.batch_size)),
    ("decay rates", lambda s: _decay(s.hyper)),
    *((f.name.upper() if f.name in ("l1", "l2") else f.name.replace("_", " "),
       (lambda s, name=f.name: str(getattr(s.hyper, name))))
      for f in fields(Hyperparameters)
      if f.name not in ("learning_rate", "batch_size", "optimizer", "momentum", "beta1",
                        "beta2", "rho")),
)
"""Each setting a run may differ in: its label and how to read it from a snapshot."""


def table_rows(lanes: Sequence[Lane]) -> list[Row]:
    """The table's rows: each run's step, latest metrics and doctor's findings, then the
    settings that differ (and those in ALWAYS) and the seed."""
    snapshots = [lane.latest for lane in lanes]
    rows: list[Row] = [("step", [state(lane) for lane in lanes], False)]
    known = next((s for s in snapshots if s is not None), None)
    if known is not None:
        metric = headline(known.task)
        for split in ("train", "test"):
            cells = []
            for lane in lanes:
                done = lane.evaluation
                value = getattr(done, split, {}).get(metric.name) if done else None
                cells.append("…" if value is None or done is None
                             else f"{metric.format(value)} @{done.step:,}")
            rows.append((f"{split} {metric.short}", cells, False))
    rows.append(("doctor", [doctor(s) if s else "…" for s in snapshots], False))
    for label, read in SETTINGS:
        values = [read(s) if s is not None else "…" for s in snapshots]
        if len(set(values)) > 1 or label in ALWAYS:
            rows.append((label, values, len(set(values)) > 1))
    seeds = [str(lane.run.config.seed) for lane in lanes]
    return [*rows, ("seed", seeds, len(set(seeds)) > 1)]


def state(lane: Lane) -> str:
    """The run's step, and why it is not racing if it is not."""
    if lane.stopped:
        return f"{lane.step:,} stopped"
    return f"{lane.step:,} paused" if lane.held else f"{lane.step:,}"


class RaceTable(DataTable[Text]):
    """The runs side by side; the selected run's column is marked ▶."""

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, show_cursor=False, zebra_stripes=True)
        self.rows_shown: list[Row] = []
        self._layout: tuple[object, ...] = ()

    def show(self, lanes: Sequence[Lane], selected: int, colours: Sequence[tuple[int, int, int]]
             ) -> None:
        """Draw the runs' rows: in place while the rows, names and widths stay; a cell too
        wide for its column's share of the width wraps."""
        rows = table_rows(lanes)
        names = [("▶ " if index == selected else "") + lane.run.name
                 for index, lane in enumerate(lanes)]
        label_width = max(cell_len(label) for label, _, _ in rows)
        share = (self.app.size.width - label_width - 2 * (len(lanes) + 1) - SCROLLBAR
                 ) // len(lanes)
        widths = [max(MIN_COLUMN, min(share, max(cell_len(name), *(cell_len(values[i])
                                                                    for _, values, _ in rows))))
                  for i, name in enumerate(names)]
        heights = [max(self._lines(value, width) for value, width in zip(values, widths,
                                                                         strict=True))
                   for _, values, _ in rows]
        layout = (names, widths, heights, [(label, differs) for label, _, differs in rows])
        if layout != self._layout:
            self._rebuild(rows, names, widths, heights, colours)
        else:
            for (label, values, differs), (_, old, _) in zip(rows, self.rows_shown, strict=True):
                for index, value in enumerate(values):
                    if value != old[index]:
                        self.update_cell(label, str(index), self._cell(value, differs))
        self.rows_shown, self._layout = rows, layout

    def _lines(self, value: str, width: int) -> int:
        return len(Text(value).wrap(self.app.console, width))

    @staticmethod
    def _cell(value: str, differs: bool) -> Text:
        return Text(value, style=DIFFERS if differs else "")

    def _rebuild(self, rows: list[Row], names: list[str], widths: list[int],
                 heights: list[int], colours: Sequence[tuple[int, int, int]]) -> None:
        self.header_height = max(self._lines(name, width) for name, width in zip(names, widths,
                                                                                 strict=True))
        self.clear(columns=True)
        self.add_column("", key="label", width=max(cell_len(label) for label, _, _ in rows))
        for index, (name, width) in enumerate(zip(names, widths, strict=True)):
            r, g, b = colours[index]
            self.add_column(Text(name, style=f"bold rgb({r},{g},{b})"), key=str(index),
                            width=width)
        for (label, values, differs), height in zip(rows, heights, strict=True):
            self.add_row(Text(label, style="dim"), *(self._cell(v, differs) for v in values),
                         key=label, height=height)
