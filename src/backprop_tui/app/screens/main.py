"""The main screen: four live panels, the status bar, and the main keys (keys.MAIN)."""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Container
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Static

from backprop_tui.app.keys import MAIN, bindings
from backprop_tui.app.screens.live import LiveScreen, titled
from backprop_tui.app.widgets.boundary import on_plane
from backprop_tui.app.widgets.cost_plot import CostPlot
from backprop_tui.app.widgets.doctor import DoctorLine
from backprop_tui.app.widgets.drawing import image_shape
from backprop_tui.app.widgets.predictions import PredictionsView
from backprop_tui.app.widgets.status import StatusBar
from backprop_tui.app.widgets.topology import TopologyView
from backprop_tui.app.widgets.weight_stats import WeightStats
from backprop_tui.live.commands import (
    Command,
    Configure,
    GradCheck,
    Inspect,
    LabToggle,
    OverfitBatch,
    Resize,
    Samples,
    Select,
)
from backprop_tui.live.config import RunConfig
from backprop_tui.live.snapshot import Snapshot

MIN_SIZE = (80, 24)


class MainScreen(LiveScreen):
    """Topology, cost plot, weight statistics and predictions, updated from snapshots."""

    KEYS = MAIN
    BINDINGS = bindings(MAIN)
    STARTED = LiveScreen.STARTED | {"resize", "edit_neuron", "toggle_neuron", "boundary",
                                    "views", "draw", "fork", "health",
                                    "augment"}
    _shape: tuple[str, tuple[int, ...]] | None = None
    """The data set and layer sizes the key states were last worked out for."""

    def compose(self) -> ComposeResult:
        with Container(id="panels"):
            yield titled(TopologyView(id="topology"), "network · ←→↑↓ select a neuron")
            yield titled(CostPlot(id="cost-plot"), "cost")
            yield titled(WeightStats(id="weights"), "weights per layer")
            yield titled(PredictionsView(id="predictions"), "predictions · p/P cycle")
        yield StatusBar("starting the trainer…", id="status")
        yield DoctorLine(id="doctor")
        yield Static(
            f"The terminal is too small: make it at least {MIN_SIZE[0]}×{MIN_SIZE[1]}.",
            id="too-small",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TopologyView).focus()
        self.screen_layout_refresh_signal.subscribe(self, self.lift_toasts)
        self.app.screen_change_signal.subscribe(self, self.lift_toasts)
        if self.link.latest is not None:
            self.show(self.link.latest)

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        self.set_class(width < MIN_SIZE[0] or height < MIN_SIZE[1], "too-small")

    def lift_toasts(self, screen: Screen[Any]) -> None:
        """Keep the notifications clear of the status bar and footer on ``screen`` (this one,
        or a dialog just opened over it): Textual docks them at the bottom."""
        if screen is not self and not screen.is_modal:
            return
        status, footer = self.query_one(StatusBar), self.query_one(Footer)
        lift = footer.outer_size.height + (status.outer_size.height if status.display else 0)
        lift += self.query_one(DoctorLine).outer_size.height

        def apply() -> None:
            for rack in screen.query("#textual-toastrack"):  # none when notifications are off
                if rack.styles.margin.bottom != lift:
                    rack.styles.margin = (0, 0, lift, 0)

        screen.call_after_refresh(apply)

    def show(self, snapshot: Snapshot) -> None:
        """Hand the snapshot to every panel (on_mount shows the latest if they are not there
        yet); work out again which keys apply when the data set or the layers change."""
        try:
            panels = (self.query_one(TopologyView), self.query_one(CostPlot),
                      self.query_one(WeightStats), self.query_one(PredictionsView),
                      self.query_one(StatusBar), self.query_one(DoctorLine))
        except NoMatches:
            return
        for widget in panels:
            widget.show(snapshot)
        shape = (snapshot.dataset, snapshot.sizes)
        if shape != self._shape:
            self._shape = shape
            self.refresh_bindings()

    @property
    def selected(self) -> tuple[int, int]:
        """(layer, neuron) selected in the network panel (layer 0: the inputs)."""
        return self.query_one(TopologyView).selected

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Dim (None) the keys that do not apply now: before the first snapshot, the boundary
        without 2 inputs, the projection without classes, drawing without images, the neuron
        keys without a hidden neuron selected (``w``: a hidden or output neuron)."""
        snapshot = self.link.latest
        if snapshot is None:
            return None if action in self.STARTED else True
        layer = self.selected[0]
        if action == "boundary":
            return on_plane(snapshot) or None
        if action == "draw":
            return image_shape(snapshot) is not None or None
        if action in ("resize", "toggle_neuron"):
            return 0 < layer < len(snapshot.sizes) - 1 or None
        if action == "projection":
            return snapshot.task == "classes" or None
        if action == "edit_neuron":
            return layer > 0 or None
        return True

    @on(TopologyView.Selected)
    def neuron_selected(self, event: TopologyView.Selected) -> None:
        self.link.send(Select(event.layer, event.neuron))
        self.refresh_bindings()

    def point_at(self, layer: int) -> None:
        """Move the network panel's cursor to ``layer`` (the inspector's layer computed)."""
        self.query_one(TopologyView).move_to_layer(layer)

    # -- the main screen's own keys ----------------------------------------------------------
    # The screens these keys open are imported when opened: the first frame needs none of them.
    def action_pick(self) -> None:
        from backprop_tui.app.screens.picker import PickerScreen

        def chosen(config: RunConfig | None) -> None:
            if config is not None:
                self.link.send(Configure(config))

        self.app.push_screen(PickerScreen(self.link.config, self.link.latest), chosen)

    def action_resize(self, direction: int) -> None:
        self.link.send(Resize(self.selected[0], direction))

    def action_toggle_neuron(self) -> None:
        self.link.send(LabToggle(*self.selected))

    def action_edit_neuron(self) -> None:
        from backprop_tui.app.screens.lab import NeuronForm

        snapshot = self.link.latest
        if snapshot is None:
            return

        def chosen(edits: list[Command] | None) -> None:
            for edit in edits or ():
                self.link.send(edit)

        self.app.push_screen(NeuronForm(snapshot, *self.selected), chosen)

    def action_samples(self, direction: int) -> None:
        """Page the predictions by as many samples as the panel shows."""
        self.link.send(Samples(direction * self.query_one(PredictionsView).shown))

    def action_log_scale(self) -> None:
        self.query_one(CostPlot).toggle_log()

    def action_gradcheck(self) -> None:
        self.notify("gradient check: comparing with finite differences…", timeout=2)
        self.link.send(GradCheck())

    def action_overfit(self) -> None:
        self.notify("overfit one batch: training a copy on the next mini-batch…", timeout=2)
        self.link.send(OverfitBatch())

    def action_inspect(self) -> None:
        self.link.send(Inspect(None))

    def action_views(self) -> None:
        from backprop_tui.app.screens.views import ViewsScreen

        self.app.push_screen(ViewsScreen(self.link))

    def action_boundary(self) -> None:
        from backprop_tui.app.screens.boundary import BoundaryScreen

        self.app.push_screen(BoundaryScreen(self.link))

    def action_projection(self) -> None:
        from backprop_tui.app.screens.projection import ProjectionScreen

        self.app.push_screen(ProjectionScreen(self.link))

    def action_draw(self) -> None:
        from backprop_tui.app.screens.draw import DrawScreen

        if (shape := image_shape(self.link.latest)) is not None:
            self.app.push_screen(DrawScreen(self.link, shape))

    def action_fork(self) -> None:
        from backprop_tui.app.screens.fork import ask_fork

        ask_fork(self.app, self.link)

    def action_doctor(self) -> None:
        from backprop_tui.app.screens.doctor import DoctorScreen

        self.app.push_screen(DoctorScreen(self.link))

    def action_doctor_fix(self) -> None:
        from backprop_tui.app.screens.doctor import apply_fix

        self.notify(apply_fix(self.link, 0), timeout=4)

    def action_health(self) -> None:
        from backprop_tui.app.screens.health import HealthScreen

        self.app.push_screen(HealthScreen(self.link))

    def action_augment(self) -> None:
        from backprop_tui.app.screens.augment import switch_augmentation

        switch_augmentation(self, self.link, None)
