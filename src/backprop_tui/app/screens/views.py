"""The classification views: confusion matrix, mistakes, first-layer weight pictures and
weight histograms now against initialisation, live while the screen is open."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Container
from textual.css.query import NoMatches
from textual.widgets import Footer

from backprop_tui.app.keys import VIEWS, bindings, with_shared
from backprop_tui.app.link import TrainerLink
from backprop_tui.app.screens.live import LiveScreen, titled
from backprop_tui.app.widgets.confusion import ConfusionView
from backprop_tui.app.widgets.mistakes import MistakesView
from backprop_tui.app.widgets.weight_images import NeuronImages, WeightHistograms
from backprop_tui.live.commands import Want
from backprop_tui.live.snapshot import Snapshot


class ViewsScreen(LiveScreen):
    """Four panels drawn from ``snapshot.views``; Escape or ``v`` goes back."""

    KEYS = with_shared(VIEWS)
    BINDINGS = bindings(KEYS)

    def __init__(self, link: TrainerLink) -> None:
        super().__init__(link)
        self.latest = link.latest

    def compose(self) -> ComposeResult:
        with Container(id="views-panels"):
            yield titled(ConfusionView(id="confusion"), "confusion matrix · test set")
            yield titled(MistakesView(id="mistakes"), "mistakes · ←→ page")
            yield titled(NeuronImages(id="neuron-images"), "first-layer weights")
            yield titled(WeightHistograms(id="histograms"), "weight histograms")
        yield Footer()

    def on_mount(self) -> None:
        """Ask the trainer to add the views to its snapshots while the screen is open."""
        self.link.send(Want("views", True))
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

    def action_augment_strip(self) -> None:
        from backprop_tui.app.screens.augment import AugmentScreen

        self.app.push_screen(AugmentScreen(self.link))

    def action_close(self) -> None:
        self.link.send(Want("views", None))
        self.dismiss()
