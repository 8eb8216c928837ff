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

from backprop_tui.live.samples import Prediction
from backprop_tui.live.snapshot import Snapshot

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
    blocks = padded.reshape(padded.shape[0] // 2, 2, padded.shape[1] // 2, 2)
    return np.asarray(blocks.mean(axis=(1, 3)))


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
    """``✓ `` in green or ``✗ `` in red; regression (no right or wrong): the error first."""
    if prediction.error is not None:
        return Text(f"error {prediction.error:+.3g}  ", style="bold")
    symbol, style = MARKS[prediction.correct]
    return Text.assemble((symbol, style), " ")


def wrapped(text: Text, width: int) -> list[Text]:
    """``text`` over as many lines as it needs at ``width``, broken between words (later lines
    indented by two), so no answer is cut off; only a line narrower than 8 cells is cut."""
    lines: list[Text] = []
    indent = ""
    while text.cell_len > width - len(indent) >= 8:
        room = width - len(indent)
        cut = text.plain.rfind(" ", 0, room + 1)
        head, tail = text.divide([cut if cut > 0 else room])
        head.rstrip()
        lines.append(Text(indent) + head)
        text, indent = tail[len(tail.plain) - len(tail.plain.lstrip()):], "  "
    return [*lines, fit(Text(indent) + text, width, pad=False)]


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
        self.shown = len(snapshot.predictions)
        """How many samples the last rendering showed (what ``p``/``P`` page by)."""

    def header(self, width: int) -> Text:
        """``test @1,200: 9 of 539 wrong`` (the step whose weights are counted), then as much
        of ``, mistakes first`` as fits; regression: ``largest error first``."""
        snap = self.snapshot
        if not snap.pool:
            return Text("test samples — none")
        rows = f"{snap.pool:,}" if snap.pool == snap.test_rows else \
            f"the first {snap.pool:,} of {snap.test_rows:,}"
        if snap.task == "regression":
            parts = [f"test @{snap.measured_step:,}: {rows} rows", ", largest error first"]
        else:
            parts = [f"test @{snap.measured_step:,}: {snap.wrong} of {rows} wrong",
                     ", mistakes first"]
        if len(parts[0]) + len(parts[1]) <= width:
            parts[0] += parts[1]
        return Text(parts[0], style="bold")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width, height = options.max_width, options.height or options.size.height
        lines = [self.header(width)]
        predictions = self.snapshot.predictions
        if any(p.image is not None for p in predictions):
            cards, self.shown = self._image_lines(predictions, width, height - 1)
            lines += cards
        else:
            self.shown = 0
            for p in predictions:
                sample = wrapped(Text.assemble(mark(p), p.text), width)
                if self.shown and len(lines) + len(sample) > height:
                    break
                lines += sample
                self.shown += 1
        for line in lines:
            yield fit(line, width, pad=False)

    def _image_lines(self, predictions: tuple[Prediction, ...], width: int, room: int
                     ) -> tuple[list[Text], int]:
        """Rows of cards (picture beside its words) filling ``width``, as many rows as fit
        ``room`` lines (at least one); returns the lines and how many samples they show."""
        images = [p.image if p.image is not None else np.zeros((2, 2)) for p in predictions]
        text_width = min(CARD_TEXT_MAX, max(max(cell_len(p.text) + 2, top_text(p).cell_len)
                                            for p in predictions))
        image_width = max(image.shape[1] for image in images)
        full_row = len(images) * (image_width + 1 + text_width + GAP) - GAP
        if image_width > FULL_SIZE_MAX and full_row > width:
            images = [halve(image) for image in images]
            image_width = max(image.shape[1] for image in images)
        text_width = max(8, min(text_width, width - image_width - 1))  # a card fits the panel
        per_row = max(1, (width + GAP) // (image_width + 1 + text_width + GAP))
        cards = [self._card(p, image, image_width, text_width)
                 for p, image in zip(predictions, images, strict=True)]
        lines: list[Text] = []
        shown = 0
        for start in range(0, len(cards), per_row):
            row = cards[start:start + per_row]
            height = max(len(card) for card in row)
            if shown and len(lines) + height > room:
                break
            blank = [Text(" " * card[0].cell_len) for card in row]
            for index in range(height):
                parts = [card[index] if index < len(card) else blank[k]
                         for k, card in enumerate(row)]
                lines.append(Text(" " * GAP).join(parts))
            shown += len(row)
        return lines, shown

    @staticmethod
    def _card(prediction: Prediction, image: np.ndarray, image_width: int, text_width: int
              ) -> list[Text]:
        """Lines of equal width: the picture beside ✓/✗ with the text (wrapped between words)
        and the top-3."""
        words = [*wrapped(Text.assemble(mark(prediction), prediction.text), text_width),
                 top_text(prediction)]
        pixels = half_blocks(image)
        height = max(len(pixels), len(words))
        pixels += [Text()] * (height - len(pixels))
        words += [Text()] * (height - len(words))
        return [Text.assemble(fit(p, image_width), " ", fit(w, text_width))
                for p, w in zip(pixels, words, strict=True)]


class PredictionsView(Static):
    """Test samples, mistakes first, as the trainer last sent them."""

    DEFAULT_CSS = "PredictionsView { height: 1fr; }"

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__("test samples — waiting for the first snapshot", name=name, id=id,
                         classes=classes, markup=False)
        self.snapshot: Snapshot | None = None
        self.picture: PredictionsPicture | None = None

    @property
    def shown(self) -> int:
        """How many samples fit the panel at its last painting (at least 1)."""
        return max(1, self.picture.shown if self.picture else 1)

    def show(self, snapshot: Snapshot) -> None:
        """Render ``snapshot``'s predictions (laid out for the current size at paint time)."""
        self.snapshot = snapshot
        if self.is_mounted and self.is_attached:
            self._draw(snapshot)

    def on_mount(self) -> None:
        if self.snapshot is not None:
            self._draw(self.snapshot)

    def _draw(self, snapshot: Snapshot) -> None:
        self.picture = PredictionsPicture(snapshot)
        self.update(self.picture)
