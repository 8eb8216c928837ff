"""The projection screen (j): the test set's inputs beside one chosen layer, each projected
to 2-D by PCA and coloured by class, live; ``[`` ``]`` choose the layer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from backprop_tui.app.keys import PROJECTION, bindings, with_shared
from backprop_tui.app.link import TrainerLink
from backprop_tui.app.screens.live import LiveScreen
from backprop_tui.app.widgets.projection import ProjectionView
from backprop_tui.live.commands import Want
from backprop_tui.live.snapshot import Snapshot


def default_layer(sizes: tuple[int, ...]) -> int:
    """The last hidden layer, or the output when there is none."""
    return max(1, len(sizes) - 2)


class ProjectionScreen(LiveScreen):
    """The scatters from ``snapshot.extras["projection"]``; Escape or ``j`` goes back."""

    KEYS = with_shared(PROJECTION)
    BINDINGS = bindings(KEYS)
    OWN_FOOTER = True


    def __init__(self, link: TrainerLink) -> None:
        super().__init__(link)
        self.chosen = default_layer(link.latest.sizes) if link.latest is not None else 1

    def compose(self) -> ComposeResult:
        yield ProjectionView(id="projection-view")
        yield Footer()

    def on_mount(self) -> None:
        self.link.send(Want("projection", self.chosen))
        if self.link.latest is not None:
            self.show(self.link.latest)

    def show(self, snapshot: Snapshot) -> None:
        """Hand ``snapshot`` to the scatters."""
        if self.is_mounted:
            self.query_one(ProjectionView).show(snapshot)

    def action_layer(self, direction: int) -> None:
        """The next (1) or previous (−1) layer: each hidden layer, then the output."""
        layers = len(self.link.latest.sizes) - 1 if self.link.latest is not None else 1
        self.chosen = (min(self.chosen, layers) - 1 + direction) % layers + 1
        self.link.send(Want("projection", self.chosen))

    def action_close(self) -> None:
        self.link.send(Want("projection", None))
        self.dismiss()
