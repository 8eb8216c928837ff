"""The network drawn left to right: a column of neurons per layer coloured by activation,
weight heatmaps between the columns (a row per source neuron, a cell per target neuron) and
a cursor over the drawn neurons whose incoming weights are listed underneath."""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import accumulate, zip_longest

import numpy as np
from rich.style import Style
from rich.text import Span, Text
from textual.app import RenderResult
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

from backprop_tui.app.widgets.colours import (
    compact,
    diverging_colour,
    layer_colour,
    sign_colour,
)
from backprop_tui.engine import ACTIVATIONS
from backprop_tui.engine.norm import TAGS
from backprop_tui.live.snapshot import Snapshot, Topology

NODE = "▇▇"
OFF = "░░"
"""A neuron switched off in the neuron lab."""
CELL_WIDTHS = (2.0, 1.0, 0.5, 0.0)  # heatmap columns per weight, widest first; 0: none
MAX_LISTED, TOP = 16, 5  # incoming weights listed one by one; more: the TOP largest
Cell = tuple[str, Style | None]


@lru_cache(maxsize=4096)
def _style(colour: str, background: str | None = None) -> Style:
    return Style(color=colour, bgcolor=background)


def _place(labels: list[str], centres: list[int], width: int) -> list[int] | None:
    """Start columns putting each label near its centre, a space apart, or None."""
    starts, free = [], 0
    for label, centre in zip(labels, centres, strict=True):
        starts.append(max(centre - len(label) // 2, free))
        free = starts[-1] + len(label) + 1
    limit = width
    for i in reversed(range(len(starts))):
        starts[i] = min(starts[i], limit - len(labels[i]))
        limit = starts[i] - 1
    return starts if not starts or starts[0] >= 0 else None


def _pack(chunks: list[Text], width: int) -> list[Text]:
    """Chunks joined by spaces into lines of at most ``width`` cells."""
    lines = [chunks[0].copy()]
    for chunk in chunks[1:]:
        if lines[-1].cell_len + 1 + chunk.cell_len <= width:
            lines[-1].append_text(Text(" ") + chunk)
        else:
            lines.append(chunk.copy())
    return [line[:width] for line in lines]


def incoming_lines(topology: Topology, width: int) -> list[Text]:
    """The selected neuron's incoming weights summarised in lines ≤ ``width`` cells."""
    if topology.selected is None or topology.incoming is None or len(topology.incoming) < 2:
        return []
    (layer, neuron), weights = topology.selected, topology.incoming[:-1]
    with np.errstate(invalid="ignore"):
        low, high = compact(float(weights.min())), compact(float(weights.max()))
    bias, values = compact(float(topology.incoming[-1])), weights.tolist()
    if len(values) <= MAX_LISTED:
        body = [Text(compact(w), style=sign_colour(w)) for w in values]
        label = "weights: "
    else:
        body = [Text.assemble((f"{i}:", "dim"), (compact(values[i]), sign_colour(values[i])))
                for i in np.argsort(-np.abs(weights), kind="stable")[:TOP].tolist()]
        label = "largest: "
    body[0] = Text(label, style="dim") + body[0]  # a label never ends a line without a value
    line = Text.assemble((f"layer {layer} neuron {neuron}:", "bold"), f" {len(values)} incoming"
                         f" weights  min {low} max {high} · bias {bias}")
    if line.cell_len <= width:
        return [line, *_pack(body, width)]
    head = [Text(f"L{layer} n{neuron}:", style="bold"), Text(f"{len(values)} in"),
            Text(f"min {low}"), Text(f"max {high}"), Text(f"bias {bias}")]
    return _pack(head + body, width)


class Canvas:
    """Characters and styles on a grid; writes outside it are clipped."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.rows: list[list[Cell]] = [[(" ", None)] * width for _ in range(height)]

    def put(self, x: int, y: int, text: str | list[Cell], style: Style | None = None) -> None:
        cells = [(char, style) for char in text] if isinstance(text, str) else text
        low, high = max(0, -x), min(len(cells), self.width - x)
        if 0 <= y < len(self.rows) and low < high:
            self.rows[y][x + low:x + high] = cells[low:high]

    def lines(self, indices: list[int]) -> list[Text]:
        out = []
        for row in (self.rows[i] for i in indices):
            spans, start = [], 0
            for x in range(1, len(row) + 1):  # runs of one (cached, so identical) style
                if x == len(row) or row[x][1] is not row[start][1]:
                    if (style := row[start][1]) is not None:
                        spans.append(Span(start, x, style))
                    start = x
            out.append(Text("".join(c for c, _ in row), spans=spans, no_wrap=True, overflow="crop"))
        return out


def _heatmap(weights: np.ndarray, cell: float, background: str) -> list[list[Cell]]:
    """A row of cells per source neuron, coloured by weight against the layer's max |w|."""
    finite = np.abs(weights[np.isfinite(weights)])
    scale = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    rows: list[list[Cell]] = []
    for source in weights.tolist():
        colours = [diverging_colour(w, scale, background) for w in source
                   for _ in range(max(1, int(2 * cell)))]  # two half cells per column
        pairs = zip_longest(colours[::2], colours[1::2])
        rows.append([("▌", _style(left, right)) for left, right in pairs])
    return rows


def draw(snapshot: Snapshot, cursor: tuple[int, int], width: int, height: int | None, *,
         background: str = "#000000", cursor_style: Style | None = None) -> list[Text]:
    """The diagram's lines, fitted to ``width`` × ``height`` (None: as tall as it needs)."""
    topo = snapshot.topology
    counts = [len(shown) for shown in topo.shown]
    rows, node = max(counts), len(NODE)
    offsets = [(rows - n) // 2 for n in counts]
    tags = [f"+{TAGS[snapshot.norm]}" if snapshot.norm != "none" else ""] * (len(counts) - 2)
    names = [stats.activation for stats in snapshot.layers]
    for cell in CELL_WIDTHS:
        gaps = [2 + math.ceil(n * cell) for n in counts[1:]]
        total = 2 + node * len(counts) + sum(gaps)
        if total <= width:
            break
    xs = list(accumulate([node + gap for gap in gaps], initial=max(0, (width - total) // 2) + 1))
    centres = [x + node // 2 for x in xs]
    single = [f"in {topo.sizes[0]}"]
    single += [f"{n} {a}{tag}" for n, a, tag in zip(topo.sizes[1:], names, [*tags, ""],
                                                     strict=True)]
    short, sizes = [ACTIVATIONS[a].short for a in names], [str(size) for size in topo.sizes]
    tagged = ["in", *map(str.__add__, short, [*tags, ""])]
    headers = next((list(rows) for rows in ((single,), (sizes, tagged), (sizes, ["in", *short]),
                                            (sizes,))  # the most that fits
                    if all(_place(row, centres, width) for row in rows)), [sizes, ["in", *short]])
    hidden = [(i, topo.sizes[i] - n) for i, n in enumerate(counts) if topo.sizes[i] > n]
    info = incoming_lines(topo, width)
    if snapshot.off_units:
        off = ", ".join(f"L{layer} n{neuron}" for layer, neuron in snapshot.off_units)
        info = [*_pack([Text("off:", style="bold"), Text(off, style="dim")], width), *info]
    header_rows, summary, body, info_rows = len(headers), int(bool(hidden)), rows, len(info)
    if height is not None:  # keep headers, then the summary; the body gives way to ≤ 2 info
        header_rows = max(0, min(header_rows, height - 1))  # lines down to 5 rows
        summary = min(summary, height - header_rows - 1)
        budget = height - header_rows - summary
        body = min(rows, budget - min(info_rows, 2, max(0, budget - min(rows, 5))))
        info_rows = min(info_rows, budget - body)
    layer, pos = cursor
    top = min(max(0, offsets[layer] + pos - body // 2), rows - body)

    canvas = Canvas(width, rows + 3)  # two header rows, the body, the summary
    for y, labels in enumerate(headers, start=2 - len(headers)):
        places = _place(labels, centres, width) or centres
        for column, (label, x) in enumerate(zip(labels, places, strict=True)):
            canvas.put(x, y, label, Style(bold=True, color=layer_colour(column - 1) if column
                                          else None))
    markers, spots = [f"…+{more}" for _, more in hidden], [centres[i] for i, _ in hidden]
    for marker, x in zip(markers, _place(markers, spots, width) or spots, strict=True):
        canvas.put(x, rows + 2, marker, Style(dim=True))
    for i, weights in enumerate(topo.weights if cell else ()):
        for k, cells in enumerate(_heatmap(weights, cell, background)):
            canvas.put(xs[i] + node + 1, 2 + offsets[i] + k, cells)
    switched_off = set(snapshot.off_units)
    for i, values in enumerate(topo.activations):
        for k, value in enumerate(values.tolist()):
            if (i, topo.shown[i][k]) in switched_off:
                canvas.put(xs[i], 2 + offsets[i] + k, OFF, Style(dim=True))
            else:
                canvas.put(xs[i], 2 + offsets[i] + k, NODE, _style(diverging_colour(value, 1.0)))
    canvas.put(0, 2 + top, "↑" if top > 0 else "", Style(dim=True))  # rows out of sight
    canvas.put(0, 1 + top + body, "↓" if top + body < rows else "", Style(dim=True))
    canvas.put(xs[layer] - 1, 2 + offsets[layer] + pos, "[", cursor_style)
    canvas.put(xs[layer] + node, 2 + offsets[layer] + pos, "]", cursor_style)
    first = 2 - len(headers)
    shown = [*range(first, first + header_rows), *range(2 + top, 2 + top + body)]
    shown += [rows + 2] * summary
    return canvas.lines(shown) + info[:info_rows]


class TopologyView(Widget, can_focus=True):
    """The network diagram with a neuron cursor that the arrow keys move."""

    BINDINGS = [Binding(key, f"move({move})", show=False) for key, move in
                (("up", "0, -1"), ("down", "0, 1"), ("left", "-1, 0"), ("right", "1, 0"))]
    COMPONENT_CLASSES = {"topology-view--cursor"}
    DEFAULT_CSS = """
    TopologyView > .topology-view--cursor { color: $accent; text-style: bold; }
    """

    class Selected(Message):
        """The cursor moved: ``neuron`` is the real index in ``layer`` (0 = inputs)."""

        def __init__(self, view: TopologyView, layer: int, neuron: int) -> None:
            super().__init__()
            self.view, self.layer, self.neuron = view, layer, neuron

    _snapshot: Snapshot | None = None
    _cursor: tuple[int, int] = (1, 0)  # (layer, position among the layer's drawn neurons)
    _announced: tuple[int, int] | None = None

    @property
    def selected(self) -> tuple[int, int]:
        """(layer, real neuron index) under the cursor."""
        layer, pos = self._cursor
        shown = self._snapshot.topology.shown if self._snapshot else None
        return (layer, shown[layer][pos]) if shown else (layer, pos)

    def show(self, snapshot: Snapshot) -> None:
        """Draw ``snapshot`` (cheap: the drawing happens at the next repaint)."""
        old, self._snapshot = self._snapshot, snapshot
        self._set_cursor(*self._cursor)
        shape = [(s.topology.shown, s.topology.selected) for s in (old, snapshot) if s]
        self.refresh(layout=len(shape) < 2 or shape[0] != shape[1])  # natural height changed

    def move_cursor(self, d_layer: int, d_neuron: int) -> None:
        """Move the cursor by layers (keeping its row where it can) and by drawn neurons."""
        if self._snapshot is None:
            return
        counts = [len(shown) for shown in self._snapshot.topology.shown]
        layer, pos = self._cursor
        new = min(max(layer + d_layer, 0), len(counts) - 1)
        rows = max(counts)
        pos += (rows - counts[layer]) // 2 - (rows - counts[new]) // 2
        self._set_cursor(new, pos + d_neuron)

    action_move = move_cursor

    def move_to_layer(self, layer: int) -> None:
        """Put the cursor on ``layer`` (the inspector's way of pointing at a layer)."""
        if self._snapshot is not None and layer != self._cursor[0]:
            self.move_cursor(layer - self._cursor[0], 0)

    def _set_cursor(self, layer: int, pos: int) -> None:
        assert self._snapshot is not None
        shown = self._snapshot.topology.shown
        layer = min(max(layer, 0), len(shown) - 1)
        self._cursor = layer, min(max(pos, 0), len(shown[layer]) - 1)
        self.refresh()
        if self.selected != self._announced:
            self._announced = self.selected
            self.post_message(self.Selected(self, *self.selected))

    def _draw(self, width: int, height: int | None) -> list[Text]:
        assert self._snapshot is not None
        r, g, b = self.background_colors[1].rgb
        return draw(self._snapshot, self._cursor, max(1, width), height,
                    background=f"#{r:02x}{g:02x}{b:02x}",
                    cursor_style=self.get_component_rich_style("topology-view--cursor"))

    def render(self) -> RenderResult:
        if self._snapshot is None:
            return Text("no network yet", style="dim")
        return Text("\n").join(self._draw(self.size.width, max(1, self.size.height)))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 if self._snapshot is None else len(self._draw(width, None))

