"""The cost curve: training cost per step, test cost and the headline test metric per epoch."""

from __future__ import annotations

import math
from time import monotonic
from typing import Any

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from backprop_tui.engine.metrics import HEADLINES, METRIC_TABLE
from backprop_tui.live.snapshot import Snapshot, downsample

RIGHT: Any = "right"
"""plotext's right axis (its annotations type ``yside`` as a float; it takes a side's name)."""

REDRAW_INTERVAL = 0.2
"""Least seconds between plot redraws (plotext is the costliest thing on screen)."""
BUSY_SHARE = 0.25
"""Longest share of the UI thread a big plot may take: slow renders space redraws out."""
LOG_FLOOR = 1e-12
VALUE_CAP = 1e15
"""Finite values beyond this overflow plotext's scaling, so they are clipped."""
TRAIN, TEST, METRIC = "train cost", "test cost", "metric"
COLOURS = {TRAIN: (80, 160, 230), TEST: (245, 140, 50), METRIC: (90, 200, 100)}
LEGEND_MARKS = {TRAIN: "━ ", TEST: "• ", METRIC: "━ "}
BRANCH_COLOURS = ((95, 95, 105), (115, 115, 125), (135, 135, 145), (155, 155, 165))
"""Greys for earlier branches, oldest (darkest) first; the newest gets the lightest."""
BRANCH_MARK = "┄ "
MARKER_COLOUR = (120, 110, 150)
MAX_MARKERS = 8
"""Most hyperparameter-change lines drawn (the latest ones)."""
LEGEND_MARKERS = 2
"""How many of the latest changes are named in the legend."""

Series = tuple[list[float], list[float]]


def branch_key(index: int) -> str:
    """The ``last_series`` name of the ``index``-th (0-based, oldest first) earlier branch."""
    return f"branch {index + 1}"


def branch_colour(index: int, count: int) -> tuple[int, int, int]:
    """A grey for branch ``index`` of ``count``: the newest is the lightest."""
    return BRANCH_COLOURS[max(0, len(BRANCH_COLOURS) - count + index)]


def headline_metric(names: tuple[str, ...]) -> str | None:
    """The metric worth a line on the plot: the task's headline among ``names``."""
    return next((name for name in names if name in HEADLINES.values()), None)


def compact(value: float) -> str:
    """A short tick label: 950, 1.5k, 2M."""
    for scale, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def step_ticks(low: float, high: float, count: int) -> list[float]:
    """About ``count`` round tick positions within [low, high]."""
    if not high > low:
        return [low]
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [float(t) for t in np.arange(first, high + step * 1e-9, step)]


def step_axis(plt: Plot, low: float, high: float, count: int) -> None:
    """An x axis from step ``low`` to ``high`` with about ``count`` round, compact ticks."""
    if high > low:
        ticks = step_ticks(low, high, count)
        plt.xlim(low, high)
        plt.xticks(ticks, [compact(t) for t in ticks])


class TimedPlot(PlotextPlot):
    """A PlotextPlot that remembers how long its last render took."""

    render_seconds = 0.0

    def render(self) -> RenderResult:
        start = monotonic()
        try:
            return super().render()
        finally:
            self.render_seconds = monotonic() - start


class CostPlot(Widget):
    """A one-line coloured legend over a plotext plot: training cost (line) and test cost
    (dots, per epoch) on the left axis, the headline test metric on the right axis."""

    DEFAULT_CSS = """
    CostPlot { height: 1fr; }
    CostPlot > #cost-legend { height: 1; width: 1fr; text-wrap: nowrap; }
    CostPlot > TimedPlot { height: 1fr; }
    """

    log_scale: reactive[bool] = reactive(False)
    """Plot log10 of the cost (on a linear axis) instead of the cost."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._latest: Snapshot | None = None
        self._drawn_at = -math.inf
        self._timer: Timer | None = None
        self.last_series: dict[str, Series] = {}
        """What the last redraw plotted, by legend name (``train cost``, ``test cost``,
        ``metric``, ``branch 1``…): after downsampling, clipping and the log transform."""
        self.last_markers: list[int] = []
        """The steps of the hyperparameter changes the last redraw drew as vertical lines."""
        self.y_label = "cost"
        self._legend_view = Static(id="cost-legend", markup=False)
        self._plot = TimedPlot()

    def compose(self) -> ComposeResult:
        yield self._legend_view
        yield self._plot

    @property
    def plot(self) -> PlotextPlot:
        """The plotext widget inside."""
        return self._plot

    def show(self, snapshot: Snapshot) -> None:
        """Take a new snapshot; the plot redraws at most every REDRAW_INTERVAL seconds (less
        often if rendering it takes over BUSY_SHARE of that), always with the latest."""
        self._latest = snapshot
        if not (self.is_mounted and self.is_attached):
            return
        interval = max(REDRAW_INTERVAL, self._plot.render_seconds / BUSY_SHARE)
        wait = self._drawn_at + interval - monotonic()
        if wait <= 0:
            self.redraw_now()
        elif self._timer is None:
            self._timer = self.set_timer(wait, self._redraw_pending)

    def toggle_log(self) -> None:
        """Switch between the cost and log10 of the cost."""
        self.log_scale = not self.log_scale

    def watch_log_scale(self) -> None:
        self.redraw_now()

    def on_resize(self) -> None:
        self.redraw_now()

    def _redraw_pending(self) -> None:
        self._timer = None
        self.redraw_now()

    def redraw_now(self) -> None:
        """Plot the latest snapshot immediately (no throttling)."""
        if self._latest is None or not (self.is_mounted and self.is_attached):
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._drawn_at = monotonic()
        snapshot, plot = self._latest, self.plot
        points = 2 * max(self.size.width, 10)
        metric = headline_metric(snapshot.metric_names)
        self.last_series = {
            branch_key(i): self._cost_series(b.steps, b.cost, max(2, points // 2))
            for i, b in enumerate(snapshot.branches)}
        self.last_series[TRAIN] = self._cost_series(snapshot.cost_steps, snapshot.cost, points)
        test_cost = snapshot.epoch_series.get("test_cost")
        if test_cost is not None:
            self.last_series[TEST] = self._cost_series(snapshot.epoch_steps, test_cost,
                                                       max(2, points // 4))
        values = snapshot.epoch_series.get(f"test_{metric}")
        if values is not None:
            steps, values = downsample(snapshot.epoch_steps, values, points)
            low = -1.0 if metric == "r2" else -VALUE_CAP
            self.last_series[METRIC] = (steps.tolist(), np.clip(values, low, VALUE_CAP).tolist())
        self.y_label = "log10 cost" if self.log_scale else "cost"
        markers = snapshot.markers[-MAX_MARKERS:]
        self._legend_view.update(self._legend(metric, len(snapshot.branches), markers))
        plt = plot.plt
        plt.clear_figure()
        self._draw(plt, metric, len(snapshot.branches), markers)
        plot.refresh()

    def _cost_series(self, steps: np.ndarray, cost: np.ndarray, points: int) -> Series:
        steps, cost = downsample(steps, cost, points)
        if self.log_scale:
            cost = np.log10(np.clip(cost, LOG_FLOOR, None))
        return steps.tolist(), np.clip(cost, -VALUE_CAP, VALUE_CAP).tolist()

    def _legend(self, metric: str | None, branches: int = 0,
                markers: tuple[tuple[int, str], ...] = ()) -> Text:
        """The roomy legend when it fits the plot's width, else the short one, dropping its
        items from the least needed (earlier branches, then the change, the metric) until it
        fits: an item is shown whole or not at all."""
        width = self.size.width
        items = legend_items(metric, branches, markers, short=False)
        if sum(cell_len(text) for _, text in items) <= width:
            return legend_text(items)
        items = legend_items(metric, branches, markers, short=True)
        while len(items) > 1 and sum(cell_len(text) for _, text in items) > width:
            items.pop()
        return legend_text(items)

    def _draw(self, plt: Plot, metric: str | None, branches: int = 0,
              markers: tuple[tuple[int, str], ...] = ()) -> None:
        self.last_markers = []
        order = [branch_key(i) for i in range(branches)] + [METRIC, TRAIN, TEST]
        plotted = {k: self.last_series[k] for k in order
                   if k in self.last_series and self.last_series[k][0]}
        if not plotted:
            plt.xlabel("step (no data yet)")
            return
        for key, (xs, ys) in plotted.items():
            side = "right" if key == METRIC else "left"
            if key.startswith("branch "):  # behind the current branch, in grey
                index = int(key.split()[1]) - 1
                plt.plot(xs, ys, marker="braille", color=branch_colour(index, branches))
            elif key == TEST:  # sparse dots on top, so the train line shows between them
                plt.scatter(xs, ys, marker="•", color=COLOURS[key])
            else:
                plt.plot(xs, ys, marker="braille", color=COLOURS[key], yside=side)
        steps = [x for x, _ in plotted.values()]
        low, high = min(min(x) for x in steps), max(max(x) for x in steps)
        step_axis(plt, low, high, max(2, min(10, self.size.width // 14)))
        for step, _ in markers:
            if low <= step <= high:
                plt.vline(step, color=MARKER_COLOUR)
                self.last_markers.append(int(step))
        if METRIC in plotted and metric and METRIC_TABLE[metric].percent:
            plt.ylim(0, 1, yside=RIGHT)
            plt.yticks([0, 0.5, 1], ["0%", "50%", "100%"], yside=RIGHT)
        plt.xlabel("step")
        plt.ylabel(self.y_label)


LegendItem = tuple[tuple[int, int, int], str]
"""(mark colour, ``mark label`` with its trailing gap)."""


def legend_items(metric: str | None, branches: int, markers: tuple[tuple[int, str], ...],
                 *, short: bool) -> list[LegendItem]:
    """The legend's items, most needed first. ``short`` abbreviates them (the help gives the
    legend: ``(R)`` right axis, ``acc`` accuracy) and names only the latest change."""
    gap = " " if short else "  "
    names = {TRAIN: "train", TEST: "test"} if short else {TRAIN: TRAIN, TEST: TEST}
    if metric:
        name = METRIC_TABLE[metric]
        names[METRIC] = f"{name.short} (R)" if short else f"test {name.label} (right)"
    items = [(COLOURS[key], f"{LEGEND_MARKS[key]}{label}{gap}") for key, label in names.items()]
    changes = []
    if markers:
        latest = markers[-1 if short else -LEGEND_MARKERS:]
        changes.append((MARKER_COLOUR, "│ " + ", ".join(
            f"{label} @{compact(step)}" for step, label in latest) + gap))
    if branches:
        changes.append((BRANCH_COLOURS[-1],
                        f"{BRANCH_MARK}{'earlier' if short else 'earlier branches'}{gap}"))
    return items + (changes if short else changes[::-1])


def legend_text(items: list[LegendItem]) -> Text:
    legend = Text(no_wrap=True)
    for colour, text in items:
        mark, label = text[:2], text[2:]
        legend.append(mark, style=Style(color=Color.from_rgb(*colour)))
        legend.append(label)
    legend.rstrip()
    return legend
