"""The draw screen's panels: a canvas of an image data set's pixels in half-block cells,
painted with the mouse (left paints, right erases) or a keyboard cursor, and the network's
top-3 answer for it.

Each image pixel is drawn ``scale`` columns wide and ``scale`` half-rows tall (square on a
terminal, whose cells are about twice as tall as wide): an 8×8 digit at scale 4 is 32 × 16
cells, a 28×28 MNIST digit at scale 1 is 28 × 14.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from backprop_tui.app.widgets.colours import NEGATIVE, POSITIVE
from backprop_tui.app.widgets.predictions import half_blocks
from backprop_tui.live.drawing import Drawing
from backprop_tui.live.snapshot import Snapshot

MAX_SCALE = 6
CURSOR = "+"
BAR = 12
"""Cells of the longest probability bar."""


def brush_soft(shape: tuple[int, int]) -> float:
    """What the brush adds to the pixels beside the one painted (a stroke about as thick as
    the data set's own): 4/16 on an 8×8 digit, half ink on a 28×28 one."""
    return 0.5 if shape[1] > 16 else 0.25


def pixel_scale(shape: tuple[int, int], width: int, height: int) -> int:
    """The largest scale (1 … MAX_SCALE) at which ``shape`` fits ``width`` × ``height``
    cells; 1 when nothing does."""
    rows, cols = shape
    fits = [s for s in range(1, MAX_SCALE + 1)
            if cols * s <= width and -(-rows * s // 2) <= height]
    return max(fits, default=1)


def image_shape(snapshot: Snapshot | None) -> tuple[int, int] | None:
    """The data set's image shape (from its test samples), or None when it has no images."""
    images = [p.image for p in snapshot.predictions if p.image is not None] if snapshot else []
    if not images or snapshot is None or snapshot.task != "classes":
        return None
    rows, cols = images[0].shape
    return rows, cols


class Ink:
    """The canvas's pixels (0 … 1, the network's input scale) and the keyboard cursor."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.values = np.zeros(shape)
        self.cursor = (shape[0] // 2, shape[1] // 2)
        self.soft = brush_soft(shape)

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.values.shape
        return rows, cols

    def stroke(self, row: int, col: int, paint: bool) -> None:
        """Paint (full ink, ``soft`` on the four pixels beside it) or erase pixel (row, col)."""
        rows, cols = self.shape
        if not (0 <= row < rows and 0 <= col < cols):
            return
        if paint:
            for r, c in ((row - 1, col), (row + 1, col), (row, col - 1), (row, col + 1)):
                if 0 <= r < rows and 0 <= c < cols:
                    self.values[r, c] = max(self.values[r, c], self.soft)
        self.values[row, col] = 1.0 if paint else 0.0

    def move(self, d_row: int, d_col: int) -> None:
        rows, cols = self.shape
        row, col = self.cursor
        self.cursor = (min(max(row + d_row, 0), rows - 1), min(max(col + d_col, 0), cols - 1))


class DrawingCanvas(Widget):
    """The pixels of ``ink`` at the largest scale that fits; posts :class:`Changed` after
    every stroke, paste or clear."""

    DEFAULT_CSS = "DrawingCanvas { width: auto; height: auto; }"

    class Changed(Message):
        """The canvas's pixels changed: by a ``stroke`` (mouse or keys), or pasted."""

        def __init__(self, canvas: DrawingCanvas, stroke: bool) -> None:
            super().__init__()
            self.canvas, self.stroke = canvas, stroke

    def __init__(self, shape: tuple[int, int], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ink = Ink(shape)
        self.scale = 1
        self.version = 0
        """Counts the changes: the answer for the canvas as it is carries this serial."""
        self._drag: bool | None = None
        """While a mouse button is held: paint (left) or erase (right)."""

    def fit(self, width: int, height: int) -> None:
        """Draw at the largest scale that fits ``width`` × ``height`` cells."""
        scale = pixel_scale(self.ink.shape, width, height)
        if scale != self.scale:
            self.scale = scale
            self.refresh(layout=True)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.ink.shape[1] * self.scale

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return -(-self.ink.shape[0] * self.scale // 2)

    def render(self) -> RenderResult:
        scale = self.scale
        pixels = np.repeat(np.repeat(self.ink.values, scale, axis=0), scale, axis=1)
        lines = half_blocks(pixels)
        row, col = self.ink.cursor
        y, x = row * scale // 2, col * scale + (scale - 1) // 2
        grey = round(float(self.ink.values[row, col]) * 255)
        lines[y] = lines[y][:x] + Text(CURSOR, Style(
            color=NEGATIVE, bgcolor=Color.from_rgb(grey, grey, grey), bold=True)) + \
            lines[y][x + 1:]
        return Text("\n").join(lines)

    @property
    def pixels(self) -> tuple[float, ...]:
        """The pixels, row after row: the network's input row for the drawing."""
        return tuple(self.ink.values.ravel().tolist())

    # -- changes -----------------------------------------------------------------------------
    def stroke(self, row: int, col: int, paint: bool) -> None:
        """Paint or erase pixel (row, col): the one path of the mouse and the keys."""
        self.ink.stroke(row, col, paint)
        self._changed(stroke=True)

    def paste(self, pixels: np.ndarray) -> None:
        """Replace the pixels by ``pixels`` (of the canvas's shape)."""
        self.ink.values = np.clip(np.array(pixels, dtype=np.float64).reshape(self.ink.shape),
                                  0.0, 1.0)
        self._changed(stroke=False)

    def clear(self) -> None:
        self.paste(np.zeros(self.ink.shape))

    def move_cursor(self, d_row: int, d_col: int) -> None:
        self.ink.move(d_row, d_col)
        self.refresh()

    def ink_at_cursor(self, paint: bool) -> None:
        self.stroke(*self.ink.cursor, paint)

    def _changed(self, stroke: bool) -> None:
        self.version += 1
        self.refresh()
        self.post_message(self.Changed(self, stroke))

    # -- the mouse -----------------------------------------------------------------------------
    def pixels_at(self, x: int, y: int) -> list[tuple[int, int]]:
        """The pixels under cell (x, y): one, or two when a cell holds two pixel rows."""
        col = x // self.scale
        rows = sorted({2 * y // self.scale, (2 * y + 1) // self.scale})
        return [(row, col) for row in rows]

    def _ink_under(self, event: events.MouseEvent) -> None:
        if self._drag is None:
            return
        for row, col in self.pixels_at(event.x, event.y):
            self.ink.stroke(row, col, self._drag)
        self._changed(stroke=True)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button in (1, 3):
            self._drag = event.button == 1
            self.capture_mouse()
            self._ink_under(event)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._ink_under(event)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._drag = None
        self.release_mouse()


def answer_lines(drawing: Drawing | None, source: str) -> list[Text]:
    """The network's top-3 for the drawing, as bars, and where the canvas came from."""
    if drawing is None:
        return [Text("waiting for the network's answer", style="dim")]
    lines = [Text.assemble(("network", "bold"), f" @ step {drawing.step:,}:")]
    for rank, (label, probability) in enumerate(drawing.top):
        filled = round(probability * BAR)
        lines.append(Text.assemble(
            (f" {label} ", "bold" if rank == 0 else ""), ("█" * filled, POSITIVE),
            ("░" * (BAR - filled), "dim"), f" {probability * 100:5.1f} %"))
    lines.append(Text(source, style="dim"))
    return lines


class DrawingAnswer(Static):
    """The top-3 classes and probabilities for the canvas, and what the canvas holds."""

    def show(self, drawing: Drawing | None, source: str) -> None:
        self.update(Text("\n").join(answer_lines(drawing, source)))
