"""The augmentation strip: a training image, augmented copies of it and the network's guess
for each, in half-block pixels, as large as the panel allows."""

from __future__ import annotations

import math

import numpy as np
from rich.text import Text
from textual.widgets import Static

from backprop_tui.app.widgets.predictions import GAP, fit, half_blocks, halve
from backprop_tui.engine.augment import MAX_DEGREES, NOISE_STD, max_shift
from backprop_tui.live.augment import AugmentStrip
from backprop_tui.live.snapshot import Snapshot

CAPTION_WIDTH = 9
"""The narrowest card: room for ``→ 3 97 %`` under a small picture."""
WIDEST_ZOOMED = 32
"""Pictures are drawn enlarged (2× or 3×) only while that stays this narrow."""


def limits(strip: AugmentStrip) -> str:
    """How far each shown transform goes, e.g. ``shift ≤1 px, rotate ±12°``."""
    shape = strip.images[0].shape
    words = {"shift": f"shift ≤{max_shift((shape[0], shape[1]))} px",
             "rotate": f"rotate ±{MAX_DEGREES:g}°", "noise": f"noise σ {NOISE_STD:g}"}
    return ", ".join(words[name] for name in strip.transforms)


def header(strip: AugmentStrip) -> list[Text]:
    """Which row, when, and what the copies show (two lines of at most 78 cells)."""
    what = (Text.assemble(("training: on", "bold green"), " · copies: ", limits(strip))
            if strip.training else
            Text.assemble(("training: off", "bold yellow"), " (A: on) · copies: ",
                          limits(strip)))
    return [Text.assemble((f"training row {strip.row:,}", "bold"), f" (a {strip.label}) · copies "
                          f"drawn @ step {strip.drawn:,} · guesses @ step {strip.step:,}"),
            what]


def zoomed(image: np.ndarray, zoom: float) -> np.ndarray:
    """``image`` at ``zoom`` times its size: 3, 2, 1 or ½."""
    if zoom < 1:
        return halve(image)
    return np.asarray(np.repeat(np.repeat(image, int(zoom), axis=0), int(zoom), axis=1))


def layout(shape: tuple[int, ...], count: int, width: int, height: int) -> tuple[float, int]:
    """The zoom and the pictures per row that show ``count`` pictures of ``shape`` in
    ``width`` × ``height`` cells (each row after a blank line), the largest zoom first; when
    none fits, half size with as many per row as the width takes."""
    zooms = [z for z in (3.0, 2.0, 1.0, 0.5) if z < 2 or shape[1] * z <= WIDEST_ZOOMED]
    for zoom in zooms:
        per_row = min(count, (width + GAP) // (card_width(shape, zoom) + GAP))
        if per_row and (rows := math.ceil(count / per_row)) * (card_lines(shape, zoom) + 1) \
                <= height:
            return zoom, math.ceil(count / rows)  # rows as even as they can be
    return 0.5, max(1, min(count, (width + GAP) // (card_width(shape, 0.5) + GAP)))


def card_width(shape: tuple[int, ...], zoom: float) -> int:
    return max(math.ceil(shape[1] * zoom), CAPTION_WIDTH)


def card_lines(shape: tuple[int, ...], zoom: float) -> int:
    """A picture's lines (two pixel rows a line) and its two captions."""
    return math.ceil(math.ceil(shape[0] * zoom) / 2) + 2


def strip_lines(strip: AugmentStrip, width: int, height: int) -> list[Text]:
    """The header, then as many whole rows of pictures with their captions as fit ``width``
    × ``height``."""
    lines = header(strip)
    zoom, per_row = layout(strip.images[0].shape, len(strip.images), width,
                           height - len(lines))
    captions = ["original", *(f"copy {k}" for k in range(1, len(strip.images)))]
    cards = []
    for caption, image, (label, probability) in zip(captions, strip.images, strip.guesses,
                                                   strict=True):
        pixels = half_blocks(zoomed(image, zoom))
        guess = Text(f"→ {label} {100 * probability:.0f} %", "bold cyan")
        cards.append([fit(line, card_width(image.shape, zoom))
                      for line in (*pixels, Text(caption, "dim"), guess)])
    for start in range(0, len(cards), per_row):
        row = cards[start:start + per_row]
        if len(lines) + 1 + len(row[0]) > height:
            break
        lines.append(Text())
        lines += [Text(" " * GAP).join(card[k] for card in row) for k in range(len(row[0]))]
    return [fit(line, width, pad=False) for line in lines]


class AugmentStripView(Static):
    """The strip the trainer last sent, laid out for the widget's size."""

    DEFAULT_CSS = "AugmentStripView { height: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("asking the trainer for the augmented copies…", id=id, markup=False)
        self.strip: AugmentStrip | None = None

    def show(self, snapshot: Snapshot) -> None:
        strip = snapshot.extras.get("augment")
        self.strip = strip if isinstance(strip, AugmentStrip) else None
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.strip is None:
            self.update("augmentation needs an image data set (digits, mnist): d picks one")
            return
        width, height = self.content_size
        self.update(Text("\n").join(strip_lines(self.strip, width or 78, height or 20)))
