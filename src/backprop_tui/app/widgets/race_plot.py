"""The race's plot: every run's training cost (or test metric) overlaid, one colour each,
under a legend naming the runs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from time import monotonic

import numpy as np
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from backprop_tui.app.widgets.cost_plot import (
    REDRAW_INTERVAL,
    VALUE_CAP,
    LegendItem,
    Series,
    legend_text,
    step_axis,
)
from backprop_tui.engine.metrics import METRIC_TABLE, headline
from backprop_tui.live.race import Lane
from backprop_tui.live.snapshot import Snapshot, downsample

RUN_COLOURS = ((80, 160, 230), (245, 140, 50), (90, 200, 100), (210, 100, 210))
"""One colour per run, in the order given (blue, orange, green, magenta)."""
COST, METRIC = "cost", "metric"


def run_series(snapshot: Snapshot, what: str, points: int) -> Series:
    """One run's curve: its training cost per step, or its headline test metric per epoch."""
    if what == COST:
        steps, values = downsample(snapshot.cost_steps, snapshot.cost, points)
    else:
        series = snapshot.epoch_series.get(f"test_{headline(snapshot.task).name}")
        if series is None:
            return [], []
        steps, values = downsample(snapshot.epoch_steps, series, points)
    return steps.tolist(), np.clip(values, -VALUE_CAP, VALUE_CAP).tolist()


class RacePlot(Widget):
    """A legend (▶ marks the selected run) over one plotext plot of every run."""

    DEFAULT_CSS = """
    RacePlot { height: 1fr; }
    RacePlot > #race-legend { height: 1; width: 1fr; text-wrap: nowrap; }
    RacePlot > PlotextPlot { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.what = COST
        self.last_series: dict[str, Series] = {}
        """What the last redraw plotted, by run name."""
        self._lanes: Sequence[Lane] = ()
        self._selected = 0
        self._drawn_at = -math.inf
        self._timer: Timer | None = None
        self._legend = Static(id="race-legend", markup=False)
        self._plot = PlotextPlot()

    def compose(self) -> ComposeResult:
        yield self._legend
        yield self._plot

    @property
    def title(self) -> str:
        """What the plot shows now (the panel's title)."""
        snapshot = next((lane.latest for lane in self._lanes if lane.latest), None)
        metric = headline(snapshot.task).label if snapshot else "metric"
        return ("training cost per step · m: test " + metric) if self.what == COST else \
            f"test {metric} per epoch · m: cost"

    def toggle(self) -> None:
        """Plot the test metric instead of the cost, or back."""
        self.what = METRIC if self.what == COST else COST
        self.redraw_now()

    def show(self, lanes: Sequence[Lane], selected: int) -> None:
        """Take the runs' latest state; redraws at most every REDRAW_INTERVAL seconds."""
        self._lanes, self._selected = lanes, selected
        wait = self._drawn_at + REDRAW_INTERVAL - monotonic()
        if wait <= 0:
            self.redraw_now()
        elif self._timer is None:
            self._timer = self.set_timer(wait, self.redraw_now)

    def on_resize(self) -> None:
        self.redraw_now()

    def redraw_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not (self.is_mounted and self.is_attached):
            return
        self._drawn_at = monotonic()
        points = 2 * max(self.size.width, 10)
        self.last_series = {lane.run.name: run_series(lane.latest, self.what, points)
                            for lane in self._lanes if lane.latest is not None}
        self.border_title = self.title
        self._legend.update(legend_text(self._legend_items()))
        plt = self._plot.plt
        plt.clear_figure()
        self._draw(plt)
        self._plot.refresh()

    def _legend_items(self) -> list[LegendItem]:
        items = []
        for index, lane in enumerate(self._lanes):
            mark = "▶ " if index == self._selected else "━ "
            items.append((RUN_COLOURS[index], f"{mark}{lane.run.name}  "))
        return items

    def _draw(self, plt: Plot) -> None:
        drawn = [(i, xs, ys) for i, (xs, ys) in enumerate(self.last_series.values()) if xs]
        if not drawn:
            plt.xlabel("step (no data yet)")
            return
        for index, xs, ys in drawn:
            plt.plot(xs, ys, marker="braille", color=RUN_COLOURS[index])
        low = min(min(xs) for _, xs, _ in drawn)
        high = max(max(xs) for _, xs, _ in drawn)
        step_axis(plt, low, high, max(2, min(10, self.size.width // 14)))
        snapshot = next(lane.latest for lane in self._lanes if lane.latest)
        if self.what == METRIC and METRIC_TABLE[headline(snapshot.task).name].percent:
            plt.ylim(0, 1)
            plt.yticks([0, 0.5, 1], ["0%", "50%", "100%"])
        plt.xlabel("step")
