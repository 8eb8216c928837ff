"""A few test samples, mistakes first: ✓/✗, the data set's description and, for images,
the picture in half-block pixels beside the top-3 probabilities."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from backprop_tui.live.snapshot import Prediction, Snapshot

GAP = 3
"""Columns between side-by-side image samples."""
FULL_SIZE_MAX = 16
"""Images wider than this are halved unless every sample fits in one row at full size."""
CARD_TEXT_MAX = 32
MARKS = {True: ("✓", Style(color="green", bold=True)), False: ("✗", Style(color="red", bold=True))}


@lru_cache(maxsize=4096)
def _pixel_style(upper: int, lower: int) -> Style:
    return Style(color=Color.from_rgb(upper, upper, upper),
                 bgcolor=Color.from_rgb(lower, lower, lower))


def halve(image: np.ndarray) -> np.ndarray:
    """Average 2×2 blocks (odd edges padded by repeating the last row/column)."""
    rows, cols = image.shape
    padded = np.pad(image, ((0, rows % 2), (0, cols % 2)), mode="edge")
    return padded.reshape(padded.shape[0] // 2, 2, padded.shape[1] // 2, 2).mean(axis=(1, 3))


def half_blocks(image: np.ndarray) -> list[Text]:
    """One ``▀`` per pixel pair: foreground the upper pixel's grey, background the lower's."""
    levels = (np.clip(np.nan_to_num(image), 0.0, 1.0) * 255).round().astype(int)
    if len(levels) % 2:
        levels = np.vstack([levels, np.zeros((1, levels.shape[1]), dtype=int)])
    lines = []
    for upper, lower in zip(levels[::2], levels[1::2], strict=True):
        line = Text()
        for u, d in zip(upper.tolist(), lower.tolist(), strict=True):
            line.append("▀", _pixel_style(u, d))
        lines.append(line)
    return lines


def mark(prediction: Prediction) -> Text:
    """``✓ `` in green or ``✗ `` in red."""
    symbol, style = MARKS[prediction.correct]
    return Text.assemble((symbol, style), " ")


def top_text(prediction: Prediction) -> Text:
    """The top probabilities, e.g. ``3 97 %  8 2 %``."""
    return Text("  ".join(f"{label} {prob * 100:.0f} %" for label, prob in prediction.top))


def fit(text: Text, width: int, pad: bool = True) -> Text:
    """``text`` cut with … to at most ``width`` cells (and padded to exactly that)."""
    text = text.copy()
    text.truncate(max(width, 0), overflow="ellipsis", pad=pad)
    return text


class PredictionsPicture:
    """A Rich renderable laying the samples out for whatever width it is given."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def header(self) -> Text:
        snap = self.snapshot
        if not snap.pool:
            return Text("test samples — none")
        return Text(f"test samples — {snap.wrong} of {snap.pool} wrong (mistakes first)",
                    style="bold")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines = [self.header()]
        predictions = self.snapshot.predictions
        if any(p.image is not None for p in predictions):
            lines += self._image_lines(predictions, width)
        else:
            lines += [Text.assemble(mark(p), p.text) for p in predictions]
        for line in lines:
            yield fit(line, width, pad=False)

    def _image_lines(self, predictions: tuple[Prediction, ...], width: int) -> list[Text]:
        images = [p.image if p.image is not None else np.zeros((2, 2)) for p in predictions]
        text_width = min(CARD_TEXT_MAX, max(max(cell_len(p.text) + 2, top_text(p).cell_len)
                                            for p in predictions))
        image_width = max(image.shape[1] for image in images)
        full_row = len(images) * (image_width + 1 + text_width + GAP) - GAP
        if image_width > FULL_SIZE_MAX and full_row > width:
            images = [halve(image) for image in images]
            image_width = max(image.shape[1] for image in images)
        card_width = image_width + 1 + text_width
        per_row = max(1, (width + GAP) // (card_width + GAP))
        height = max(2, *((image.shape[0] + 1) // 2 for image in images))
        cards = [self._card(p, image, image_width, text_width, height)
                 for p, image in zip(predictions, images, strict=True)]
        lines: list[Text] = []
        for start in range(0, len(cards), per_row):
            row = cards[start:start + per_row]
            for parts in zip(*row, strict=True):
                lines.append(Text(" " * GAP).join(parts))
        return lines

    @staticmethod
    def _card(prediction: Prediction, image: np.ndarray, image_width: int, text_width: int,
              height: int) -> list[Text]:
        """``height`` lines of equal width: the picture, ✓/✗ with the text and the top-3."""
        words = [Text.assemble(mark(prediction), prediction.text), top_text(prediction)]
        pixels = half_blocks(image)
        pixels += [Text()] * (height - len(pixels))
        words += [Text()] * (height - len(words))
        return [Text.assemble(fit(p, image_width), " ", fit(w, text_width))
                for p, w in zip(pixels, words, strict=True)]


class PredictionsView(Static):
    """Test samples, mistakes first, as the trainer last sent them."""

    DEFAULT_CSS = "PredictionsView { height: auto; }"

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__("test samples — waiting for the first snapshot", name=name, id=id,
                         classes=classes, markup=False)
        self.snapshot: Snapshot | None = None

    def show(self, snapshot: Snapshot) -> None:
        """Render ``snapshot``'s predictions (laid out for the current width at paint time)."""
        self.snapshot = snapshot
        if self.is_mounted and self.is_attached:
            self.update(PredictionsPicture(snapshot))

    def on_mount(self) -> None:
        if self.snapshot is not None:
            self.update(PredictionsPicture(self.snapshot))
