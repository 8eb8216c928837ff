"""The decision-boundary heatmap: the network's output (or one hidden neuron's) over the
2-D plane in half-block pixels, orange–blue like TensorFlow Playground, with the data
points on top (``●`` training, ``○`` test)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from backprop_tui.app.widgets.colours import NEGATIVE, POSITIVE, diverging_colour
from backprop_tui.app.widgets.predictions import fit
from backprop_tui.data.toy2d import GENERATORS
from backprop_tui.live.boundary import MAX_COLS, MAX_ROWS, Boundary
from backprop_tui.live.snapshot import Snapshot

FADE = 0.6
"""The background never goes past this share of full colour, so points stand out."""
GLYPHS = {False: "●", True: "○"}
"""Training and test points."""


@lru_cache(maxsize=8192)
def _style(upper: str, lower: str) -> Style:
    return Style(color=upper, bgcolor=lower)


@lru_cache(maxsize=64)
def _point_style(cls: int, background: str) -> Style:
    return Style(color=POSITIVE if cls == 0 else NEGATIVE, bgcolor=background, bold=True)


def resample(values: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``values`` stretched or shrunk to ``rows`` × ``cols`` (nearest grid point)."""
    r = ((np.arange(rows) + 0.5) * values.shape[0] / rows).astype(int)
    c = ((np.arange(cols) + 0.5) * values.shape[1] / cols).astype(int)
    return values[np.ix_(r, c)]


def plot_size(width: int, height: int) -> tuple[int, int]:
    """(columns, cell rows) of the square plot fitting under a one-line header."""
    side = max(2, min(width, 2 * max(1, height - 1)))
    return side, max(1, side // 2)


def grid_size(width: int, height: int) -> tuple[int, int]:
    """The grid to ask the trainer for: (columns, 2 × cell rows), bounded."""
    cols, rows = plot_size(width, height)
    return min(cols, MAX_COLS), min(2 * rows, MAX_ROWS)


def heatmap(boundary: Boundary, cols: int, rows: int, show_test: bool) -> list[Text]:
    """``rows`` lines of ``cols`` half-block cells, points drawn over them."""
    values = resample(boundary.values, 2 * rows, cols)
    colours = [[diverging_colour(v * FADE, boundary.scale) for v in row]
               for row in values.tolist()]
    cells: list[list[tuple[str, Style]]] = [
        [("▀", _style(up, down)) for up, down in zip(colours[2 * r], colours[2 * r + 1],
                                                     strict=True)]
        for r in range(rows)]
    extent = boundary.extent
    for x, y, cls, test in boundary.points.tolist():
        column = int((x + extent) / (2 * extent) * cols)
        row = int((extent - y) / (2 * extent) * rows)
        if (test and not show_test) or not (0 <= column < cols and 0 <= row < rows):
            continue
        middle = (values[2 * row, column] + values[2 * row + 1, column]) / 2
        background = diverging_colour(middle * FADE, boundary.scale)
        cells[row][column] = (GLYPHS[bool(test)], _point_style(int(cls), background))
    return [Text.assemble(*line) for line in cells]


def header(boundary: Boundary, show_test: bool) -> Text:
    """Which unit, out of how many, the input features and the switches."""
    mode = "discretized (sign)" if boundary.discretize else "continuous"
    test = "● train ○ test" if show_test else "● train (t: test)"
    inputs = f"inputs {', '.join(boundary.features)} (1–7) · " if boundary.features else ""
    return Text(f"{boundary.label} · {inputs}unit {boundary.unit + 1}/{boundary.units} · "
                f"{mode} · {test}", style="bold")


def on_plane(snapshot: Snapshot) -> bool:
    """Whether ``snapshot``'s data set has a boundary: a 2-D set, or 2 inputs (the rule of
    :func:`backprop_tui.live.boundary.on_plane`, read from a snapshot)."""
    return snapshot.dataset in GENERATORS or snapshot.sizes[0] == 2


class BoundaryView(Widget):
    """The heatmap of the latest snapshot's boundary, fitted to the widget's size."""

    DEFAULT_CSS = "BoundaryView { height: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.snapshot: Snapshot | None = None
        self.show_test = False

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
        cols, rows = plot_size(width, height)
        lines = [fit(header(snapshot.boundary, self.show_test), width, pad=False)]
        lines += heatmap(snapshot.boundary, cols, rows, self.show_test)
        return Text("\n", no_wrap=True, overflow="crop").join(lines)
