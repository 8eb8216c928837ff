"""The main screen: four live panels and the status bar."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Container
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Static

from backprop_tui.app.widgets.cost_plot import CostPlot
from backprop_tui.app.widgets.predictions import PredictionsView
from backprop_tui.app.widgets.status import StatusBar
from backprop_tui.app.widgets.topology import TopologyView
from backprop_tui.app.widgets.weight_stats import WeightStats
from backprop_tui.live.snapshot import Snapshot

MIN_SIZE = (80, 24)


class MainScreen(Screen[None]):
    """Topology, cost plot, weight statistics and predictions, updated from snapshots."""

    def compose(self) -> ComposeResult:
        with Container(id="panels"):
            yield _titled(TopologyView(id="topology"), "network · ←→↑↓ select a neuron")
            yield _titled(CostPlot(id="cost-plot"), "cost")
            yield _titled(WeightStats(id="weights"), "weights per layer")
            yield _titled(PredictionsView(id="predictions"), "predictions · p/P cycle")
        yield StatusBar("starting the trainer…", id="status")
        yield Static(
            f"The terminal is too small: make it at least {MIN_SIZE[0]}×{MIN_SIZE[1]}.",
            id="too-small",
        )
        yield Footer()

    latest: Snapshot | None = None

    def on_mount(self) -> None:
        self.query_one(TopologyView).focus()
        if self.latest is not None:
            self.show(self.latest)

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        self.set_class(width < MIN_SIZE[0] or height < MIN_SIZE[1], "too-small")

    def show(self, snapshot: Snapshot) -> None:
        """Hand the snapshot to every panel (kept for on_mount if they are not there yet)."""
        self.latest = snapshot
        try:
            panels = (self.query_one(TopologyView), self.query_one(CostPlot),
                      self.query_one(WeightStats), self.query_one(PredictionsView),
                      self.query_one(StatusBar))
        except NoMatches:
            return
        for widget in panels:
            widget.show(snapshot)


def _titled(widget, title: str):  # type: ignore[no-untyped-def]
    widget.border_title = title
    widget.add_class("panel")
    return widget
