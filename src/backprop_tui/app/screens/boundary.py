"""The boundary screen (h): the test figures, the decision boundary or one neuron's output
over the plane and every hidden neuron's small heatmap, live; keys change what is shown,
regenerate the data set and pick its input features."""

from __future__ import annotations

from dataclasses import replace

from textual import events
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen
from textual.widgets import Footer

from backprop_tui.app.widgets.boundary import BoundaryView, grid_size
from backprop_tui.data.toy2d import FEATURES
from backprop_tui.live.boundary import BoundaryRequest, toggle_feature
from backprop_tui.live.commands import Regenerate, Want
from backprop_tui.live.snapshot import Snapshot


class BoundaryScreen(Screen[None]):
    """The heatmap from ``snapshot.boundary``; Escape or ``h`` goes back."""

    BINDINGS = [  # short footer words: all of them fit 80 columns; n N r R 1–7 are in the header
        Binding("escape,h", "close", "back", tooltip="Back to the main screen"),
        Binding("d", "discretize", "sign", tooltip="Discretize: sign only, or the full scale"),
        Binding("t", "test_points", "test", tooltip="Show or hide the test points (○)"),
        Binding("right_square_bracket", "unit(1)", "unit+",
                tooltip="Next unit: the output, then each hidden neuron"),
        Binding("left_square_bracket", "unit(-1)", "unit−", tooltip="Previous unit"),
        Binding("n", "regenerate('noise', 1)", "noise+", show=False,
                tooltip="More noise (new weights)"),
        Binding("N", "regenerate('noise', -1)", "noise−", show=False,
                tooltip="Less noise (new weights)"),
        Binding("r", "regenerate('train_ratio', 1)", "train+", show=False,
                tooltip="More training data (new weights)"),
        Binding("R", "regenerate('train_ratio', -1)", "train−", show=False,
                tooltip="Less training data (new weights)"),
        Binding("g", "regenerate('seed', 1)", "new data",
                tooltip="New data from a new seed (new weights)"),
        *(Binding(str(key), f"feature({key - 1})", f"Input {name}", show=False,
                  tooltip=f"Feed the network {name} or stop (reshapes the first layer)")
          for key, name in enumerate(FEATURES, start=1)),
    ]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """This screen's keys only: the footer has no room for the app's at 80 columns (they
        still work, and F1 lists them)."""
        return {key: active for key, active in super().active_bindings.items()
                if active.node is self}

    def __init__(self, snapshot: Snapshot | None = None) -> None:
        super().__init__()
        self.latest = snapshot
        self.request = BoundaryRequest()

    def compose(self) -> ComposeResult:
        yield BoundaryView(id="boundary-view")
        yield Footer()

    def on_mount(self) -> None:
        self.ask()
        if self.latest is not None:
            self.show(self.latest)

    def show(self, snapshot: Snapshot) -> None:
        """Hand ``snapshot`` to the heatmap."""
        self.latest = snapshot
        if self.is_mounted:
            self.query_one(BoundaryView).show(snapshot)

    def ask(self, **changes: object) -> None:
        """Send the trainer the request with ``changes``."""
        self.request = replace(self.request, **changes)  # type: ignore[arg-type]
        self.app.send(Want("boundary", self.request))  # type: ignore[attr-defined]

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Ask for a grid matching the heatmap's size."""
        cols, rows = grid_size(*self.query_one(BoundaryView).size)
        if (cols, rows) != (self.request.cols, self.request.rows):
            self.ask(cols=cols, rows=rows)

    def action_discretize(self) -> None:
        self.ask(discretize=not self.request.discretize)

    def action_test_points(self) -> None:
        self.query_one(BoundaryView).toggle_test()

    def action_unit(self, direction: int) -> None:
        sizes = self.latest.sizes if self.latest is not None else (2, 1)
        self.ask(unit=(self.request.unit + direction) % (1 + sum(sizes[1:-1])))

    def action_regenerate(self, option: str, direction: int) -> None:
        self.app.send(Regenerate(option, direction))  # type: ignore[attr-defined]

    def action_feature(self, index: int) -> None:
        """Toggle input feature ``index`` (of FEATURES): the data set reloads with it."""
        boundary = self.latest.boundary if self.latest is not None else None
        if boundary is None or not boundary.features:
            self.notify("input features need one of the 2-D data sets", severity="warning")
            return
        try:
            features = toggle_feature(boundary.features, FEATURES[index])
        except ValueError as error:
            self.notify(str(error), severity="warning")
            return
        self.app.send(Regenerate("features", ",".join(features)))  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss()
