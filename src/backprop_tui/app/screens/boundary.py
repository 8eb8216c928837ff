"""The boundary screen (h): the test figures, the decision boundary or one neuron's output
over the plane and every hidden neuron's small heatmap, live; keys change what is shown,
regenerate the data set and pick its input features; clicks and keys place and remove
training points."""

from __future__ import annotations

from dataclasses import replace

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer

from backprop_tui.app.files import FileKind, ask_path
from backprop_tui.app.keys import BOUNDARY, bindings, with_shared
from backprop_tui.app.link import TrainerLink
from backprop_tui.app.screens.live import LiveScreen
from backprop_tui.app.widgets.boundary import BoundaryView, PlotClicked, cell_centre, grid_size
from backprop_tui.data.toy2d import FEATURES
from backprop_tui.live.boundary import Boundary, BoundaryRequest, toggle_feature
from backprop_tui.live.commands import (
    AddRows,
    ClearRows,
    Regenerate,
    RemoveNearest,
    SavePoints,
    Want,
)
from backprop_tui.live.snapshot import Snapshot

POINTS_FILE = FileKind("Save the points as CSV to", "csv",
                       lambda path, snapshot, screen, link: link.send(SavePoints(path)))


class BoundaryScreen(LiveScreen):
    """The heatmap from ``snapshot.boundary``; Escape or ``h`` goes back."""

    KEYS = with_shared(BOUNDARY)
    BINDINGS = bindings(KEYS)
    OWN_FOOTER = True


    def __init__(self, link: TrainerLink) -> None:
        super().__init__(link)
        self.request = BoundaryRequest()

    def compose(self) -> ComposeResult:
        yield BoundaryView(id="boundary-view")
        yield Footer()

    def on_mount(self) -> None:
        self.ask(self.request)
        if self.link.latest is not None:
            self.show(self.link.latest)

    def show(self, snapshot: Snapshot) -> None:
        """Hand ``snapshot`` to the heatmap."""
        if self.is_mounted:
            self.query_one(BoundaryView).show(snapshot)

    def ask(self, request: BoundaryRequest) -> None:
        """Ask the trainer for the boundary as ``request`` says, in every snapshot from now."""
        self.request = request
        self.link.send(Want("boundary", request))

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Ask for a grid matching the heatmap's size."""
        cols, rows = grid_size(*self.query_one(BoundaryView).size)
        if (cols, rows) != (self.request.cols, self.request.rows):
            self.ask(replace(self.request, cols=cols, rows=rows))

    def action_discretize(self) -> None:
        self.ask(replace(self.request, discretize=not self.request.discretize))

    def action_test_points(self) -> None:
        self.query_one(BoundaryView).toggle_test()

    def action_unit(self, direction: int) -> None:
        sizes = self.link.latest.sizes if self.link.latest is not None else (2, 1)
        units = 1 + sum(sizes[1:-1])
        self.ask(replace(self.request, unit=(self.request.unit + direction) % units))

    def action_regenerate(self, option: str, direction: int) -> None:
        self.link.send(Regenerate(option, direction))

    def action_feature(self, index: int) -> None:
        """Toggle input feature ``index`` (of FEATURES): the data set reloads with it."""
        boundary = self.link.latest.boundary if self.link.latest is not None else None
        if boundary is None or not boundary.features:
            self.notify("input features need one of the 2-D data sets", severity="warning")
            return
        try:
            features = toggle_feature(boundary.features, FEATURES[index])
        except ValueError as error:
            self.notify(str(error), severity="warning")
            return
        self.link.send(Regenerate("features", ",".join(features)))

    # -- placing and removing training points ---------------------------------------------
    def _boundary(self) -> Boundary | None:
        return self.link.latest.boundary if self.link.latest is not None else None

    def plane_point(self, column: int, row: int) -> tuple[float, float] | None:
        """The point on the plane that plot cell (column, row) shows (None before the
        boundary came)."""
        boundary = self._boundary()
        if boundary is None:
            return None
        return cell_centre(column, row, *self.query_one(BoundaryView).plot, boundary.extent)

    def place_at(self, column: int, row: int) -> None:
        """Add a training point of the chosen kind at plot cell (column, row)."""
        boundary, point = self._boundary(), self.plane_point(column, row)
        if boundary is None or point is None:
            return
        if not boundary.choices:
            self.notify("this data set's targets cannot be placed as points", severity="warning")
            return
        choice = boundary.choices[self.query_one(BoundaryView).choice % len(boundary.choices)]
        self.link.send(AddRows((point,), (choice.target,)))

    def remove_at(self, column: int, row: int) -> None:
        """Remove the training point nearest plot cell (column, row)."""
        if (point := self.plane_point(column, row)) is not None:
            self.link.send(RemoveNearest(*point))

    def on_plot_clicked(self, event: PlotClicked) -> None:
        (self.remove_at if event.remove else self.place_at)(event.column, event.row)

    def action_cursor(self, dx: int, dy: int) -> None:
        self.query_one(BoundaryView).move_cursor(dx, dy)

    def action_place(self) -> None:
        self.place_at(*self.query_one(BoundaryView).move_cursor(0, 0))

    def action_remove(self) -> None:
        self.remove_at(*self.query_one(BoundaryView).move_cursor(0, 0))

    def action_next_choice(self) -> None:
        view = self.query_one(BoundaryView)
        view.set_choice(view.choice + 1)

    def action_clear_points(self) -> None:
        self.link.send(ClearRows())

    def action_save_points(self) -> None:
        ask_path(self, self.link, POINTS_FILE)

    def action_close(self) -> None:
        self.link.send(Want("boundary", None))
        self.dismiss()
