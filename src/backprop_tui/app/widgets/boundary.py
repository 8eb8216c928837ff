"""The decision-boundary view: the test figures, the network's output (or one hidden
neuron's) over the 2-D plane in half-block pixels, orange–blue like TensorFlow Playground,
with the data points on top (``●`` training, ``○`` test), and beside it every hidden
neuron's small heatmap, layer by layer.

Laid out for 80 × 24 first: four header lines whose optional parts are dropped, never cut,
when they do not fit; the plot takes at most PLOT_SHARE of the width, the small heatmaps
the rest, as large as fits. A click on the plot posts :class:`PlotClicked` with the cell;
:func:`cell_centre` is the point on the plane that cell draws."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from backprop_tui.app.widgets.colours import class_colour, class_hue, diverging_colour
from backprop_tui.app.widgets.predictions import fit
from backprop_tui.data.shapes2d import PLANE_SETS
from backprop_tui.engine.metrics import METRIC_TABLE
from backprop_tui.live.boundary import MAX_COLS, MAX_ROWS, Boundary
from backprop_tui.live.snapshot import Snapshot

FADE = 0.6
"""The background never goes past this share of full colour, so points stand out."""
GLYPHS = {False: "●", True: "○"}
"""Training and test points."""
HEADER_LINES = 4
CURSOR = Style(color="#ffffff", bgcolor="#000000", bold=True)
"""The keyboard cursor's ``+`` on the plot."""
PLOT_SHARE = 0.6
"""The plot's largest share of the width; the small heatmaps get the rest."""
GAP = 2
THUMB_WIDTHS = (12, 10, 8, 6, 4)
"""Small heatmap widths tried, largest first (each is width × width/2 cells)."""


@lru_cache(maxsize=8192)
def _style(upper: str, lower: str) -> Style:
    return Style(color=upper, bgcolor=lower)


@lru_cache(maxsize=64)
def _point_style(cls: int, background: str) -> Style:
    return Style(color=class_hue(cls), bgcolor=background, bold=True)


def resample(values: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``values`` stretched or shrunk to ``rows`` × ``cols`` (nearest grid point)."""
    r = ((np.arange(rows) + 0.5) * values.shape[0] / rows).astype(int)
    c = ((np.arange(cols) + 0.5) * values.shape[1] / cols).astype(int)
    return values[np.ix_(r, c)]


def plot_size(width: int, height: int) -> tuple[int, int]:
    """(columns, cell rows) of the square plot under the header, left of the small heatmaps."""
    side = max(2, min(int(width * PLOT_SHARE), 2 * max(1, height - HEADER_LINES)))
    return side, max(1, side // 2)


def grid_size(width: int, height: int) -> tuple[int, int]:
    """The grid to ask the trainer for: (columns, 2 × cell rows), bounded."""
    cols, rows = plot_size(width, height)
    return min(cols, MAX_COLS), min(2 * rows, MAX_ROWS)


def plot_cell(x: int, y: int, width: int, height: int) -> tuple[int, int] | None:
    """The plot's (column, cell row) at widget offset (x, y), None off the plot."""
    cols, rows = plot_size(width, height)
    column, row = x, y - HEADER_LINES
    return (column, row) if 0 <= column < cols and 0 <= row < rows else None


def cell_centre(column: int, row: int, cols: int, rows: int, extent: float) -> tuple[float, float]:
    """The point on the plane at the centre of cell (``column``, ``row``) of a ``cols`` ×
    ``rows`` plot: :func:`heatmap` draws a point there in that cell."""
    return (-extent + (column + 0.5) * 2 * extent / cols,
            extent - (row + 0.5) * 2 * extent / rows)


Cells = list[list[tuple[str, Style]]]


def diverging(values: np.ndarray, scale: float, fade: float = 1.0) -> list[list[str]]:
    """Each of ``values`` on the orange–blue scale saturating at ±``scale``, times ``fade``."""
    return [[diverging_colour(v * fade, scale) for v in row] for row in values.tolist()]


def pixel_colours(boundary: Boundary, values: np.ndarray) -> list[list[str]]:
    """The colours of ``values`` (the boundary resampled to the plot's pixels): orange–blue
    for one output or 2 classes, else the likeliest class's colour, as strong as its
    probability; faded by FADE."""
    if boundary.classes is None:
        return diverging(values, boundary.scale, FADE)
    winners = resample(boundary.classes, *values.shape)
    return [[class_colour(int(k), FADE * p) for k, p in zip(row_k, row_p, strict=True)]
            for row_k, row_p in zip(winners.tolist(), values.tolist(), strict=True)]


def half_blocks(colours: list[list[str]]) -> Cells:
    """Pixel ``colours`` (2 × rows, cols) as rows of ``▀`` cells, two pixels each."""
    return [[("▀", _style(up, down)) for up, down in zip(colours[r], colours[r + 1],
                                                         strict=True)]
            for r in range(0, len(colours) - 1, 2)]


def heatmap(boundary: Boundary, cols: int, rows: int, show_test: bool,
            cursor: tuple[int, int] | None = None) -> list[Text]:
    """``rows`` lines of ``cols`` half-block cells, points drawn over them, and the keyboard
    ``cursor`` cell (if any) over those."""
    values = resample(boundary.values, 2 * rows, cols)
    colours = pixel_colours(boundary, values)
    cells = half_blocks(colours)
    extent = boundary.extent
    for x, y, cls, test in boundary.points.tolist():
        column = int((x + extent) / (2 * extent) * cols)
        row = int((extent - y) / (2 * extent) * rows)
        if (test and not show_test) or not (0 <= column < cols and 0 <= row < rows):
            continue
        background = colours[2 * row][column] if boundary.classes is not None else \
            diverging_colour((values[2 * row, column] + values[2 * row + 1, column]) / 2 * FADE,
                             boundary.scale)  # the cell's two pixels, averaged
        cells[row][column] = (GLYPHS[bool(test)], _point_style(int(cls), background))
    if cursor is not None:
        cells[min(cursor[1], rows - 1)][min(cursor[0], cols - 1)] = ("+", CURSOR)
    return [Text.assemble(*line) for line in cells]


def thumbnails(boundary: Boundary, sizes: tuple[int, ...], hidden: str, width: int,
               height: int) -> list[Text]:
    """Every hidden neuron's small heatmap, layer by layer, in ``width`` × ``height`` cells;
    ``▶`` marks the one the plot shows. Each layer's colours saturate at its largest
    activation; the widest size that fits is used."""
    if not boundary.thumbnails:
        return [Text("no hidden layer", style="dim")]
    for side in THUMB_WIDTHS:
        lines = _thumbnail_lines(boundary, sizes, hidden, width, side)
        if len(lines) <= height:
            return lines
    return [*lines[:height - 1], Text("more: enlarge the window", style="dim")]


def _thumbnail_lines(boundary: Boundary, sizes: tuple[int, ...], hidden: str, width: int,
                     side: int) -> list[Text]:
    per_row = max(1, width // (side + 1))
    lines = [Text("hidden neurons", style="bold")]
    first = 1
    for layer, values in enumerate(boundary.thumbnails, start=1):
        count = sizes[layer]
        more = f", first {len(values)} shown" if len(values) < count else ""
        lines.append(Text(f"layer {layer}: {count} {hidden}{more}"))
        scale = float(np.nanmax(np.abs(values), initial=0.0))
        pictures = [half_blocks(diverging(resample(unit, side, side), scale))
                    for unit in values]
        for start in range(0, len(pictures), per_row):
            row_units = range(start, min(start + per_row, len(pictures)))
            for line in range(side // 2):
                parts: list[tuple[str, Style]] = []
                for unit in row_units:
                    chosen = first + unit == boundary.unit and line == side // 4
                    parts.append(("▶" if chosen else " ", Style(bold=True)))
                    parts.extend(pictures[unit][line])
                lines.append(Text.assemble(*parts))
        first += count
    return lines


def fitted(parts: list[str], width: int) -> str:
    """``parts`` joined by `` · ``; the later ones are dropped (never cut) when they do not
    fit in ``width``."""
    line = parts[0]
    for part in parts[1:]:
        if len(line) + 3 + len(part) <= width:
            line += " · " + part
    return line


def header(boundary: Boundary, show_test: bool, width: int = 1000, choice: int = 0
           ) -> list[Text]:
    """Four lines: the test figures at the boundary's step; which unit and the switches;
    the input features and the keys that change the data; the training points and the kind
    of point (``choice`` of the boundary's choices) a click places."""
    test = dict(boundary.test)
    figures = [f"test {METRIC_TABLE[name].label} {METRIC_TABLE[name].format(value)}"
               for name, value in test.items() if name in METRIC_TABLE]
    cost = f"cost {test['cost']:.3g} (test)" if "cost" in test else ""
    figures = [*figures[:1], cost, f"step {boundary.step:,}", *figures[1:]]
    mode = "discretized" if boundary.discretize else "continuous"
    points = "● train ○ test" if show_test else "● train (t: ○ test)"
    unit = [boundary.label, f"unit {boundary.unit + 1}/{boundary.units}", mode, points]
    inputs = [f"inputs {', '.join(boundary.features)} (1–7)"] if boundary.features else []
    keys = [*inputs, "n/N noise", "r/R train %"]
    return [Text(fitted([p for p in figures if p], width), style="bold"),
            Text(fitted(unit, width)), Text(fitted(keys, width), style="dim"),
            placing(boundary, choice, width)]


def placing(boundary: Boundary, choice: int, width: int) -> Text:
    """The training points' count and how to place, remove and save them; the kind placed
    (``choice``) is named with its colour."""
    count = f"{boundary.train_points:,} train points" if boundary.train_points else \
        "no train points"
    if not boundary.choices:
        return Text(fitted([count, "c clear", "w save CSV"], width), style="dim")
    kind = boundary.choices[choice % len(boundary.choices)]
    lead = f"place ● {kind.name} (p)"
    line = fitted([lead, count, "click add", "right-click remove", "arrows+Enter/Del",
                   "c clear", "w save CSV"], width)
    text = Text(line, style="dim")
    text.stylize(Style(color=class_hue(kind.colour), bold=True),
                 len("place "), len(lead) - len(" (p)"))
    return text


def on_plane(snapshot: Snapshot) -> bool:
    """Whether ``snapshot``'s data set has a boundary: a 2-D set, or 2 inputs (the rule of
    :func:`backprop_tui.live.boundary.on_plane`, read from a snapshot)."""
    return snapshot.dataset in PLANE_SETS or snapshot.sizes[0] == 2


class PlotClicked(Message):
    """A click on the plot's cell (``column``, ``row``); ``remove`` for the right button
    (or any button with Ctrl), else place."""

    def __init__(self, column: int, row: int, remove: bool) -> None:
        super().__init__()
        self.column, self.row, self.remove = column, row, remove


class BoundaryView(Widget):
    """The heatmap of the latest snapshot's boundary, fitted to the widget's size."""

    DEFAULT_CSS = "BoundaryView { height: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.snapshot: Snapshot | None = None
        self.show_test = False
        self.choice = 0
        """Which of the boundary's choices a click or Enter places."""
        self.cursor: tuple[int, int] | None = None
        """The keyboard cursor's plot cell (column, row), once an arrow key moved it."""

    @property
    def plot(self) -> tuple[int, int]:
        """The plot's (columns, cell rows) at the widget's size."""
        return plot_size(*self.size)

    def on_click(self, event: events.Click) -> None:
        cell = plot_cell(event.x, event.y, *self.size)
        if cell is not None:
            self.post_message(PlotClicked(*cell, remove=event.button != 1 or event.ctrl))

    def move_cursor(self, dx: int, dy: int) -> tuple[int, int]:
        """Move the cursor one cell (from the plot's centre at first), kept on the plot."""
        cols, rows = self.plot
        column, row = self.cursor or (cols // 2, rows // 2)
        self.cursor = (max(0, min(cols - 1, column + dx)), max(0, min(rows - 1, row + dy)))
        self.refresh()
        return self.cursor

    def set_choice(self, choice: int) -> None:
        self.choice = choice
        self.refresh()

    def show(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.refresh()

    def toggle_test(self) -> None:
        self.show_test = not self.show_test
        self.refresh()

    def render(self) -> Text:
        width, height = self.size
        snapshot = self.snapshot
        if snapshot is None:
            return Text("waiting for the first snapshot")
        if snapshot.boundary is None:
            return Text("waiting for the boundary")
        boundary = snapshot.boundary
        cols, rows = plot_size(width, height)
        side = width - cols - GAP
        panel = thumbnails(boundary, snapshot.sizes, snapshot.hidden, side, rows) \
            if side >= min(THUMB_WIDTHS) + 1 else []
        lines = header(boundary, self.show_test, width, self.choice)
        for row, line in enumerate(heatmap(boundary, cols, rows, self.show_test, self.cursor)):
            if row < len(panel):
                line = Text.assemble(line, " " * GAP, fit(panel[row], side, pad=False))
            lines.append(line)
        return Text("\n", no_wrap=True, overflow="crop").join(lines)
