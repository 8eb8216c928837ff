"""The classification views: confusion matrix, mistakes, first-layer weight pictures and
weight histograms now against initialisation, live while the screen is open."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer

from backprop_tui.app.widgets.confusion import ConfusionView
from backprop_tui.app.widgets.mistakes import MistakesView
from backprop_tui.app.widgets.weight_images import NeuronImages, WeightHistograms
from backprop_tui.live.snapshot import Snapshot


class ViewsScreen(Screen[None]):
    """Four panels drawn from ``snapshot.views``; Escape or ``v`` goes back."""

    BINDINGS = [
        Binding("escape,v", "close", "Back", tooltip="Back to the main screen"),
        Binding("left", "page(-1)", "Previous mistakes", tooltip="Previous page of mistakes"),
        Binding("right", "page(1)", "Next mistakes", tooltip="Next page of mistakes"),
    ]

    def __init__(self, snapshot: Snapshot | None = None) -> None:
        super().__init__()
        self.latest = snapshot

    def compose(self) -> ComposeResult:
        with Container(id="views-panels"):
            yield _titled(ConfusionView(id="confusion"), "confusion matrix · test set")
            yield _titled(MistakesView(id="mistakes"), "mistakes · ←→ page")
            yield _titled(NeuronImages(id="neuron-images"), "first-layer weights")
            yield _titled(WeightHistograms(id="histograms"), "weight histograms")
        yield Footer()

    def on_mount(self) -> None:
        if self.latest is not None:
            self.show(self.latest)

    def show(self, snapshot: Snapshot) -> None:
        """Hand ``snapshot`` to every panel."""
        self.latest = snapshot
        try:
            panels = (self.query_one(ConfusionView), self.query_one(MistakesView),
                      self.query_one(NeuronImages), self.query_one(WeightHistograms))
        except NoMatches:
            return
        for panel in panels:
            panel.show(snapshot)

    def action_page(self, direction: int) -> None:
        self.query_one(MistakesView).page(direction)

    def action_close(self) -> None:
        self.dismiss()


def _titled(widget, title: str):  # type: ignore[no-untyped-def]
    widget.border_title = title
    widget.add_class("panel")
    return widget
