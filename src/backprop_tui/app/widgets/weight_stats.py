"""A table of per-layer weight health: statistics, gradient norm, update ratio, inactive
units and a histogram sparkline, dropping the less important columns when narrow."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from backprop_tui.app.widgets.colours import NEGATIVE, POSITIVE, compact, layer_colour
from backprop_tui.engine import ACTIVATIONS
from backprop_tui.live.snapshot import LayerStats, Snapshot

BARS = "▁▂▃▄▅▆▇█"
HEALTHY = (1e-4, 1e-2)
"""Update ratios in this range are green; above 0.1 (or not finite) red; otherwise yellow."""
DROPS = ("shape", "min", "max", "narrow", "bias", "std", "grad", "histogram", "mean", "inactive")
"""What goes, in order, until the table fits (``narrow`` halves the histogram)."""
LEFT = {"layer", "shape", "inactive", "histogram"}
ROOM = {"mean": 9, "std": 8, "min": 9, "max": 9, "bias": 9, "grad": 8, "update": 7,
        "inactive": 10}
"""The widest a column's values get (e.g. ``-1.23e-05``, ``dead 100 %``): columns keep this
width whatever the current values, so none comes and goes from one frame to the next."""


def layer_label(index: int, fan_in: int, fan_out: int, activation: str) -> str:
    """``2: 32→32 tanh``: weight layer ``index`` (counted from 1), its shape and activation."""
    return f"{index + 1}: {fan_in}→{fan_out} {activation}"


def number(value: float) -> Text:
    """Three significant digits; non-finite values in red."""
    return Text(compact(value), style="" if math.isfinite(value) else "bold red")


def update_ratio(value: float) -> Text:
    """``1.2e-03``, coloured by health."""
    if not math.isfinite(value) or value > 0.1:
        colour = "bold red"
    else:
        colour = "green" if HEALTHY[0] <= value <= HEALTHY[1] else "yellow"
    return Text(f"{value:.1e}", style=colour)


def inactive(stats: LayerStats) -> Text:
    """``dead 12 %`` (ReLU) or ``sat 3 %`` (sigmoid, tanh); else ``–``. Red in a hidden layer
    above half; in the output layer (where saturated means confident) only when over 1 % of
    the outputs are saturated on the wrong side."""
    label = ACTIVATIONS[stats.activation].inactive
    if not label:
        return Text("–", style="dim")
    percent = stats.inactive * 100
    text = f"{label} {percent:.0f} %" if math.isfinite(percent) else f"{label} nan"
    warning = not stats.wrong_saturated <= 0.01 if stats.output else not percent <= 50
    return Text(text, style="bold red" if warning else "")


class Counted(Protocol):
    """Weight counts over equal bins from ``weight_min`` to ``weight_max``."""

    @property
    def histogram(self) -> tuple[int, ...]: ...
    @property
    def weight_min(self) -> float: ...
    @property
    def weight_max(self) -> float: ...


def sparkline(stats: Counted, bins: int) -> Text:
    """The weight histogram in ``bins`` bars (neighbours merged), orange below zero, blue
    above; ``–`` when the weights are not finite."""
    counts = list(stats.histogram)
    step = max(1, len(counts) // bins)
    counts = [sum(counts[i:i + step]) for i in range(0, len(counts), step)]
    low, high = stats.weight_min, stats.weight_max
    if not counts or max(counts) <= 0 or not (math.isfinite(low) and math.isfinite(high)):
        return Text("–", style="dim")
    top = max(counts)
    bars = "".join(BARS[min(len(BARS), math.ceil(c / top * len(BARS))) - 1] if c else " "
                   for c in counts)
    negative = sum(low + (i + 0.5) * (high - low) / len(counts) < 0 for i in range(len(counts)))
    return Text.assemble((bars[:negative], NEGATIVE), (bars[negative:], POSITIVE))


COLUMNS: dict[str, tuple[str, Callable[[LayerStats], Text]]] = {
    "layer": ("layer", lambda s: Text(layer_label(s.index, s.fan_in, s.fan_out, s.activation),
                                      style=layer_colour(s.index))),
    "shape": ("shape", lambda s: Text(f"{s.fan_in}×{s.fan_out}")),
    "mean": ("mean", lambda s: number(s.weight_mean)),
    "std": ("std", lambda s: number(s.weight_std)),
    "min": ("min", lambda s: number(s.weight_min)),
    "max": ("max", lambda s: number(s.weight_max)),
    "bias": ("bias", lambda s: Text("none", style="dim") if s.bias_mean is None
             else number(s.bias_mean)),
    "grad": ("‖∇W‖", lambda s: number(s.grad_norm)),
    "update": ("update", lambda s: update_ratio(s.update_ratio)),
    "inactive": ("inactive", inactive),
    "histogram": ("weights", lambda s: sparkline(s, 16)),
}
"""Column key → (header, cell), in display order."""


def stats_table(layers: tuple[LayerStats, ...], width: int) -> Text:
    """A header line and a line per layer in aligned columns, as many as fit ``width``
    (built by hand: a Rich ``Table`` costs ten times more to lay out at 15 Hz)."""
    cells = {key: [Text(header, style="bold"), *map(cell, layers)]
             for key, (header, cell) in COLUMNS.items()}
    narrow = [cells["histogram"][0]] + [sparkline(s, 8) for s in layers]
    keys = list(COLUMNS)
    for drop in (None, *DROPS):
        if drop == "narrow":
            cells["histogram"] = narrow
        elif drop in keys:
            keys.remove(drop)
        widths = [max(ROOM.get(key, 0), *(text.cell_len for text in cells[key])) for key in keys]
        if sum(widths) + len(widths) - 1 <= width:
            break
    lines = []
    for row in range(len(layers) + 1):
        line = Text(no_wrap=True, overflow="crop")
        for key, cell_width in zip(keys, widths, strict=True):
            cell, pad = cells[key][row], " " * (cell_width - cells[key][row].cell_len)
            line.append_text(cell + pad if key in LEFT else Text(pad) + cell)
            line.append(" ")
        line.rstrip()
        line.truncate(width)
        lines.append(line)
    return Text("\n").join(lines)


class WeightStats(Widget):
    """One row per weight layer; call ``show`` with each new snapshot."""

    DEFAULT_CSS = """
    WeightStats { height: auto; }
    """

    _snapshot: Snapshot | None = None

    def show(self, snapshot: Snapshot) -> None:
        """Show ``snapshot.layers`` (cheap: the table is built at the next repaint)."""
        old, self._snapshot = self._snapshot, snapshot
        self.refresh(layout=old is None or len(old.layers) != len(snapshot.layers))

    def render(self) -> RenderResult:
        if self._snapshot is None:
            return Text("no network yet", style="dim")
        return stats_table(self._snapshot.layers, self.size.width or 200)
