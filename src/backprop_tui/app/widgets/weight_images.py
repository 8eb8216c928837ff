"""First-layer weights as pictures (one per hidden neuron, diverging colours in half-block
pixels) and each layer's weight histogram now beside the one at initialisation."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from backprop_tui.app.widgets.colours import diverging_colour
from backprop_tui.app.widgets.confusion import DARK, WAITING, first_fitting
from backprop_tui.app.widgets.predictions import FULL_SIZE_MAX, fit, halve
from backprop_tui.app.widgets.weight_stats import sparkline
from backprop_tui.live.snapshot import Snapshot
from backprop_tui.live.views import Views

GAP = 1


@lru_cache(maxsize=4096)
def _pair_style(upper: str, lower: str) -> Style:
    return Style(color=Color.parse(upper), bgcolor=Color.parse(lower))


def diverging_blocks(image: np.ndarray, scale: float) -> list[Text]:
    """``image`` in ``▀`` pixel pairs, orange below zero and blue above, saturating at
    ±``scale``."""
    if len(image) % 2:
        image = np.vstack([image, np.zeros((1, image.shape[1]))])
    colours = [[diverging_colour(v, scale, DARK) for v in row] for row in image.tolist()]
    return [Text.assemble(*(("▀", _pair_style(u, d)) for u, d in zip(up, down, strict=True)))
            for up, down in zip(colours[::2], colours[1::2], strict=True)]


def neuron_lines(views: Views, width: int, height: int = 1000) -> list[Text]:
    """As many neuron pictures as fit ``width`` per row (large images halved) and whole rows
    as fit ``height``, a caption with the neurons' numbers under each row."""
    images = [halve(i) if i.shape[1] > FULL_SIZE_MAX else i for i in views.images]
    scale = max(float(np.nanmax(np.abs(i))) if np.isfinite(i).any() else 0.0 for i in images)
    image_width, image_lines = images[0].shape[1], (images[0].shape[0] + 1) // 2
    per_row = max(1, (width + GAP) // (image_width + GAP))
    rows = max(1, (height - 1) // (image_lines + 1))
    shown = min(len(images), rows * per_row)
    count = f"{len(images)}" if shown == len(images) else f"{shown} of {len(images)}"
    lines = [Text(first_fitting([
        f"{count} neurons' incoming weights, ±{scale:.2g} (orange −, blue +)",
        f"{count} neurons, ±{scale:.2g} (orange −, blue +)",
        f"{count} neurons, ±{scale:.2g}"], width), style="bold")]
    for start in range(0, shown, per_row):
        row = [diverging_blocks(i, scale) for i in images[start:min(shown, start + per_row)]]
        for parts in zip(*row, strict=True):
            lines.append(Text(" " * GAP).join(parts))
        numbers = views.neurons[start:min(shown, start + per_row)]
        lines.append(Text(" " * GAP).join(fit(Text(f"#{n}"), image_width) for n in numbers))
        lines[-1].stylize("dim")
    return lines


LABEL = 12
"""Columns of a histogram row's layer label (``1: 784→128``)."""


def histogram_lines(snapshot: Snapshot, views: Views, width: int = 120,
                    bins: int = 16) -> list[Text]:
    """Per weight layer: its shape, the histogram now and at initialisation (same bins) and
    the weights' range, on one line where it fits ``width``, else the label and range on one
    line and the two histograms under it."""
    title = first_fitting(["weights per layer: now │ at initialisation (same bins)",
                           "now │ at initialisation (same bins)", "now │ at init"], width)
    lines = [Text(title, style="bold")]
    for index, (now, initial) in enumerate(views.histograms):
        shape = f"{index + 1}: {snapshot.sizes[index]}→{snapshot.sizes[index + 1]}"
        span = f"{now.weight_min:.2g} … {now.weight_max:.2g}"
        one_line = LABEL + 2 * bins + 3 + 2 + len(span) <= width
        narrow = bins if one_line else max(4, min(bins, (width - 3) // 2))
        bars = Text.assemble(sparkline(now, narrow), " │ ", sparkline(initial, narrow))
        if one_line:
            lines.append(Text.assemble(f"{shape:<{LABEL}}", bars, (f"  {span}", "dim")))
        else:
            lines += [Text.assemble(f"{shape}  ", (span, "dim")), bars]
    return lines


class NeuronImages(Static):
    """First-layer weight pictures for image data sets; a note otherwise."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.snapshot: Snapshot | None = None

    def show(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.update(self._picture())

    def on_resize(self) -> None:
        if self.snapshot is not None:
            self.update(self._picture())

    def _picture(self) -> Text:
        views = self.snapshot.views if self.snapshot else None
        if views is None:
            return Text(WAITING, style="dim")
        if not views.images:
            return Text("for image data sets only", style="dim")
        width, height = self.content_size.width or 80, self.content_size.height or 1000
        return Text("\n").join(fit(line, width, pad=False)
                               for line in neuron_lines(views, width, height))


class WeightHistograms(Static):
    """Each layer's weight histogram now beside the one at initialisation."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.snapshot: Snapshot | None = None

    def show(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        if snapshot.views is None:
            self.update(Text(WAITING, style="dim"))
        else:
            width = self.content_size.width or 120
            self.update(Text("\n").join(histogram_lines(snapshot, snapshot.views, width)))

    def on_resize(self) -> None:
        if self.snapshot is not None:
            self.show(self.snapshot)
