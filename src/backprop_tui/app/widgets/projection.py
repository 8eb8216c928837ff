"""The projection view: the test set's inputs and one chosen layer, each projected to its
first two principal components and drawn side by side as half-block scatters (two pixels a
cell), each pixel in the colour of the class most of its points belong to.

Laid out for 80 × 24 first: two header lines for both panels (what and when, the legend),
three above each scatter (the layer, PCA's share of the variance, the class separation) and
one axis line under it; optional parts are dropped, never cut, when they do not fit."""

from __future__ import annotations

from functools import lru_cache
from typing import cast

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from backprop_tui.app.widgets.boundary import fitted
from backprop_tui.app.widgets.colours import class_hue, compact
from backprop_tui.app.widgets.predictions import fit
from backprop_tui.live.projection import Projection, Projections
from backprop_tui.live.snapshot import Snapshot

HEADER_LINES = 2
PANEL_LINES = 3
"""Above each scatter: the layer, the share of variance, the separation."""
AXIS_LINES = 1
GAP = 2
NO_CLASSES = ("the projection colours the test set by class, and this data set has no "
              "classes: pick a classification data set (d on the main screen)")


@lru_cache(maxsize=256)
def _style(upper: str | None, lower: str | None) -> Style:
    return Style(color=upper, bgcolor=lower)


def pixel_classes(points: np.ndarray, classes: np.ndarray, cols: int, rows: int) -> np.ndarray:
    """(2·rows) × cols: the class most points in each pixel belong to (−1: none), on the
    same scale along both axes, the points' bounding box centred."""
    height, kinds = 2 * rows, int(classes.max(initial=0)) + 1
    low, high = points.min(axis=0), points.max(axis=0)
    scale = max((high[0] - low[0]) / cols, (high[1] - low[1]) / height) or 1.0
    centre = (low + high) / 2
    column = np.clip(((points[:, 0] - centre[0]) / scale + cols / 2).astype(int), 0, cols - 1)
    row = np.clip(((centre[1] - points[:, 1]) / scale + height / 2).astype(int), 0, height - 1)
    counts = np.bincount((row * cols + column) * kinds + classes,
                         minlength=height * cols * kinds).reshape(height, cols, kinds)
    return np.where(counts.any(axis=2), counts.argmax(axis=2), -1)


def scatter(points: np.ndarray, classes: np.ndarray, cols: int, rows: int) -> list[Text]:
    """``rows`` lines of ``cols`` cells: the points as coloured half-block pixels."""
    pixels = pixel_classes(points, classes, cols, rows).tolist()
    lines = []
    for upper, lower in zip(pixels[0::2], pixels[1::2], strict=True):
        cells = []
        for up, down in zip(upper, lower, strict=True):
            if up < 0 and down < 0:
                cells.append((" ", Style()))
            elif up < 0:
                cells.append(("▄", _style(class_hue(down), None)))
            else:
                cells.append(("▀", _style(class_hue(up), class_hue(down) if down >= 0 else None)))
        lines.append(Text.assemble(*cells))
    return lines


def panel(projection: Projection, classes: np.ndarray, width: int, height: int) -> list[Text]:
    """One layer's name, figures, scatter and axis line in ``width`` × ``height`` cells."""
    share = f"PCA: {projection.explained:.0%} of variance".replace("%", " %")
    whole = f"{share} in 2 components"
    figures = [Text(projection.name, style="bold"), Text(whole if len(whole) <= width else share),
               Text(f"between / within class spread {compact(projection.separation)}")]
    rows = max(1, height - PANEL_LINES - AXIS_LINES)
    axis = Text("→ PC1   ↑ PC2", style="dim")
    return [*figures, *scatter(projection.points, classes, max(1, width), rows), axis]


def legend(labels: tuple[str, ...], width: int) -> Text:
    """``■ label`` in each class's colour, as many as fit in ``width``."""
    line = Text()
    for cls, label in enumerate(labels):
        more = f"…+{len(labels) - cls}"
        entry = f"■ {label}  "
        if len(line) + len(entry) + (len(more) if cls < len(labels) - 1 else 0) > width:
            line.append(more, style="dim")
            break
        line.append("■ ", style=Style(color=class_hue(cls), bold=True))
        line.append(f"{label}  ")
    return line


def header(projections: Projections, width: int) -> list[Text]:
    """What and when, and the legend."""
    rows = f"test set, {projections.rows:,} rows" if projections.rows == projections.test_rows \
        else f"test set, first {projections.rows:,} of {projections.test_rows:,} rows"
    parts = [rows, f"step {projections.step:,}", "colour: true class"]
    return [Text(fitted(parts, width), style="bold"), legend(projections.labels, width)]


class ProjectionView(Widget):
    """The latest snapshot's projections, fitted to the widget's size."""

    DEFAULT_CSS = "ProjectionView { height: 1fr; padding: 0 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.snapshot: Snapshot | None = None

    def show(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.refresh()

    def render(self) -> Text:
        width, height = self.size
        snapshot = self.snapshot
        if snapshot is None:
            return Text("waiting for the first snapshot")
        if snapshot.task != "classes":
            return Text(NO_CLASSES)
        projections = cast("Projections | None", snapshot.extras.get("projection"))
        if projections is None:
            return Text("waiting for the projection")
        side = (width - GAP) // 2
        below = height - HEADER_LINES
        left, right = (panel(p, projections.classes, side, below)
                       for p in (projections.inputs, projections.chosen))
        lines = header(projections, width)
        for one, other in zip(left, right, strict=True):
            lines.append(Text.assemble(fit(one, side), " " * GAP, other))
        return Text("\n", no_wrap=True, overflow="crop").join(lines)
