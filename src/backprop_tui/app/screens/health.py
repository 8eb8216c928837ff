"""The health screen (H): each weight layer's update ratio, activations, inactive units and
gradient norm over the run, live, a small plot per measure and a line per layer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Container
from textual.widgets import Footer, Static

from backprop_tui.app.keys import HEALTH, bindings, with_shared
from backprop_tui.app.link import TrainerLink
from backprop_tui.app.screens.live import LiveScreen, titled
from backprop_tui.app.widgets.health_plots import MEASURES, HealthPlot, legend
from backprop_tui.live.commands import Want
from backprop_tui.live.health import HealthSeries

REDRAW_INTERVAL = 0.3
"""Seconds between redraws (four plotext plots are the costliest thing on screen)."""


class HealthScreen(LiveScreen):
    """Four plots drawn from ``snapshot.extras["health"]``; Escape or ``H`` goes back."""

    KEYS = with_shared(HEALTH)
    BINDINGS = bindings(KEYS)
    DEFAULT_CSS = """
    HealthScreen { layout: vertical; }
    #health-legend { height: 1; padding: 0 1; }
    #health-plots {
        height: 1fr; layout: grid; grid-size: 2 2; grid-columns: 1fr 1fr; grid-rows: 1fr 1fr;
    }
    #health-plots > .panel { height: 100%; }
    """

    def __init__(self, link: TrainerLink) -> None:
        super().__init__(link)
        self.drawn: HealthSeries | None = None
        self._points = 0

    def compose(self) -> ComposeResult:
        yield Static(id="health-legend", markup=False)
        with Container(id="health-plots"):
            for measure in MEASURES:
                yield titled(HealthPlot(measure, id=f"health-{measure}"), measure)
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(REDRAW_INTERVAL, self.redraw)
        self.on_resize()

    def on_resize(self) -> None:
        """Ask for about as many rows as a plot has braille columns."""
        points = max(20, self.size.width)
        if points != self._points:
            self._points = points
            self.link.send(Want("health", points))

    def redraw(self) -> None:
        """Draw the latest snapshot's health series, if it is new."""
        snapshot = self.link.latest
        health = snapshot.extras.get("health") if snapshot is not None else None
        if snapshot is None or not isinstance(health, HealthSeries) or health is self.drawn:
            return
        self.drawn = health
        legend_view = self.query_one("#health-legend", Static)
        legend_view.update(legend(snapshot.sizes, health.activations, self.size.width - 2))
        for plot in self.query(HealthPlot):
            plot.draw(health)

    def action_close(self) -> None:
        self.link.send(Want("health", None))
        self.dismiss()
