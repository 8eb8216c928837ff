"""The Textual app: keys become trainer commands, snapshots become panels."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from backprop_tui.app.screens.boundary import BoundaryScreen
from backprop_tui.app.screens.breakpoints import BreakpointsScreen
from backprop_tui.app.screens.gradcheck import GradientCheckScreen
from backprop_tui.app.screens.inspector import InspectorScreen
from backprop_tui.app.screens.lab import NeuronForm
from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.screens.picker import PickerScreen
from backprop_tui.app.screens.prompt import PathPrompt
from backprop_tui.app.screens.views import ViewsScreen
from backprop_tui.app.widgets.cost_plot import CostPlot
from backprop_tui.app.widgets.predictions import PredictionsView
from backprop_tui.app.widgets.topology import TopologyView
from backprop_tui.errors import BackpropError
from backprop_tui.live import runfile
from backprop_tui.live.backend import Backend, Failure
from backprop_tui.live.backend import Message as TrainerMessage
from backprop_tui.live.breakpoints import TARGET_METRICS, Breakpoints
from backprop_tui.live.commands import (
    AddLayer,
    Command,
    Configure,
    Cycle,
    Epoch,
    GradCheck,
    Inspect,
    InspectApply,
    LabToggle,
    Nudge,
    RemoveLayer,
    Reset,
    Resize,
    Rewind,
    Run,
    Samples,
    Save,
    Select,
    SetBreakpoints,
    Step,
    Want,
)
from backprop_tui.live.config import RunConfig
from backprop_tui.live.gradcheck import GradientReport
from backprop_tui.live.inspector import Inspection
from backprop_tui.live.snapshot import Snapshot


def _b(key: str, action: str, description: str, tooltip: str, show: bool = False,
       group: Binding.Group | None = None) -> Binding:
    return Binding(key, action, description, show=show, tooltip=tooltip,
                   id=action.split("(")[0], group=group)


RATE = Binding.Group("η")
SPEED = Binding.Group("speed")


BINDINGS = [
    _b("f1,question_mark", "help", "Help", "Show this help", show=True),
    _b("q", "quit", "Quit", "Quit (the trainer stops with the app)", show=True),
    _b("space", "run", "Run/pause", "Train continuously, or pause", show=True),
    _b("n", "step", "Step", "Train one mini-batch, then pause", show=True),
    _b("e", "epoch", "Epoch", "Train one whole epoch, then pause", show=True),
    _b("r", "reset", "Reset", "Fresh weights from the same seed; history restarts", show=True),
    _b("d", "pick", "Data", "Choose a data set, preset or architecture", show=True),
    _b("plus,equals_sign", "nudge('learning_rate', 1)", "η+", "Raise the learning rate", True,
       RATE),
    _b("minus,underscore", "nudge('learning_rate', -1)", "η−", "Lower the learning rate", True,
       RATE),
    _b("b", "nudge('batch_size', 1)", "Batch+", "Larger mini-batch (up to the full batch)"),
    _b("B", "nudge('batch_size', -1)", "Batch−", "Smaller mini-batch (down to 1)"),
    _b("m", "nudge('momentum', 1)", "Momentum+", "More momentum (momentum and nesterov)"),
    _b("M", "nudge('momentum', -1)", "Momentum−", "Less momentum"),
    _b("l", "nudge('l2', 1)", "L2+", "Stronger L2 penalty (weight decay)"),
    _b("L", "nudge('l2', -1)", "L2−", "Weaker L2 penalty"),
    _b("k", "nudge('l1', 1)", "L1+", "Stronger L1 penalty"),
    _b("K", "nudge('l1', -1)", "L1−", "Weaker L1 penalty"),
    _b("o", "cycle('optimizer')", "Optimizer", "Next optimizer: sgd, momentum, nesterov, "
       "adam, rmsprop (weights kept)", show=True),
    _b("a", "cycle('hidden')", "Activation", "Next hidden activation (new weights)"),
    _b("right_square_bracket", "layers(1)", "Add layer", "Add a hidden layer (new weights)"),
    _b("left_square_bracket", "layers(-1)", "Remove layer",
       "Remove the last hidden layer (new weights)"),
    _b("full_stop,greater_than_sign", "resize(1)", "Neurons+",
       "More neurons in the selected hidden layer (new weights)"),
    _b("comma,less_than_sign", "resize(-1)", "Neurons−",
       "Fewer neurons in the selected hidden layer (new weights)"),
    _b("w", "edit_neuron", "Edit neuron", "Neuron lab: set the selected neuron's bias or one "
       "incoming weight, or switch it off; the test cost and metric before → after"),
    _b("0", "toggle_neuron", "Neuron off/on", "Switch the selected hidden neuron off (output "
       "forced to 0, also while training) or back on; the test metric before → after"),
    _b("f", "nudge('speed', 1)", "Faster", "Train faster (up to flat out)", True, SPEED),
    _b("s", "nudge('speed', -1)", "Slower", "Train slower (down to 1 step per second)", True,
       SPEED),
    _b("p", "samples(1)", "Next sample", "Show the next test samples"),
    _b("P", "samples(-1)", "Previous sample", "Show the previous test samples"),
    _b("g", "log_scale", "Log cost", "Plot log10 of the cost, or the cost"),
    _b("z", "rewind", "Rewind", "Back to the latest earlier checkpoint (one every 250 steps "
       "and at each change); training from there makes a branch, drawn beside the old one"),
    _b("x", "breakpoints", "Breakpoints", "Pause by itself on non-finite values, a cost spike, "
       "dead units, a large gradient, a target metric or an epoch"),
    _b("c", "gradcheck", "Gradient check", "Check backprop's gradient against finite "
       "differences on the next mini-batch, per layer"),
    _b("i", "inspect", "Inspector", "Pause and step through the next mini-batch's forward "
       "pass, backward pass, gradients and update, with the engine's numbers; Enter takes "
       "the step"),
    _b("h", "boundary", "Boundary", "Decision boundary or one neuron's output over the plane "
       "with the data (2-input data sets; live; d discretize, [ ] unit, t test points, n N "
       "noise, r R train ratio, g new data; Escape returns)"),
    _b("v", "views", "Views", "Confusion matrix, mistakes, first-layer weight pictures and "
       "weight histograms now vs at initialisation (live; Escape returns)"),
    _b("ctrl+s", "save_model", "Save model", "Save the network and hyperparameters (.npz); "
       "continue later with --load FILE"),
    _b("ctrl+e", "export_svg", "Export SVG", "Save a picture of the screen as SVG"),
    _b("ctrl+t", "export_costs", "Export costs", "Write the cost history as CSV (per step "
       "and per epoch)"),
    _b("ctrl+w", "write_config", "Write config", "Write the current configuration as TOML; "
       "read it back with --config FILE"),
]


@dataclass
class SnapshotArrived(Message):
    """A new snapshot from the trainer; a newer one replaces an unprocessed older one."""

    snapshot: Snapshot

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SnapshotArrived)


@dataclass
class TrainerFailed(Message):
    """The trainer refused a command (or could not start)."""

    failure: Failure


@dataclass
class GradientChecked(Message):
    """The trainer's answer to a gradient check."""

    report: GradientReport


@dataclass
class Inspected(Message):
    """The trainer's inspection of the next step."""

    inspection: Inspection


class BackpropApp(App[None]):
    """Watch a neural network learn, and steer it."""

    TITLE = "backprop-tui"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = BINDINGS
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, config: RunConfig, backend: Backend,
                 first: TrainerMessage | None = None) -> None:
        super().__init__()
        self.config = config
        self.backend = backend
        self.first = first
        self.snapshot: Snapshot | None = None
        self.fatal = ""
        """Why the trainer could not start (the app then exits with status 2)."""

    def get_default_screen(self) -> Screen[None]:
        return MainScreen()

    def on_mount(self) -> None:
        if self.first is not None:
            self._dispatch(self.first)
        self.read_trainer()

    def on_unmount(self) -> None:
        self.backend.close()

    # -- trainer → UI ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="trainer", exit_on_error=False)
    def read_trainer(self) -> None:
        """Forward every trainer message to the UI thread (post_message never blocks)."""
        worker = get_current_worker()
        while not worker.is_cancelled and not self.backend.closed:
            message = self.backend.receive(timeout=0.2)
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: TrainerMessage) -> None:
        if isinstance(message, Failure):
            self.post_message(TrainerFailed(message))
        elif isinstance(message, GradientReport):
            self.post_message(GradientChecked(message))
        elif isinstance(message, Inspection):
            self.post_message(Inspected(message))
        else:
            self.post_message(SnapshotArrived(message))

    @on(SnapshotArrived)
    def show_snapshot(self, event: SnapshotArrived) -> None:
        if not self.is_running:
            return
        previous, snapshot = self.snapshot, event.snapshot
        self.snapshot = snapshot
        for note in snapshot.notes:
            self.notify(note)
        if snapshot.status == "diverged" and (previous is None or previous.status != "diverged"):
            self.notify(snapshot.message, title="Training diverged", severity="error",
                        timeout=8)
        screen = self.screen_stack[0]
        if isinstance(screen, MainScreen):
            screen.show(snapshot)
        if self.screen is not screen and hasattr(self.screen, "show"):
            self.screen.show(snapshot)

    @on(TrainerFailed)
    def show_failure(self, event: TrainerFailed) -> None:
        if event.failure.fatal:
            self.fatal = event.failure.message
            self.exit(return_code=2)
        elif self.is_running:
            self.notify(event.failure.message, severity="error", timeout=6)

    @on(GradientChecked)
    def show_gradient_check(self, event: GradientChecked) -> None:
        if self.is_running:
            if isinstance(self.screen, GradientCheckScreen):
                self.pop_screen()
            self.push_screen(GradientCheckScreen(event.report))

    @on(Inspected)
    def show_inspection(self, event: Inspected) -> None:
        if not self.is_running:
            return
        if isinstance(self.screen, InspectorScreen):
            self.screen.update_inspection(event.inspection)
        else:
            self.push_screen(InspectorScreen(
                event.inspection, lambda row: self.send(InspectApply(row)),
                lambda row: self.send(Inspect(row))))

    # -- UI → trainer ------------------------------------------------------------------------
    def send(self, command: Command) -> None:
        self.backend.send(command)

    def action_run(self) -> None:
        self.send(Run())

    def action_step(self) -> None:
        self.send(Step(1))

    def action_rewind(self) -> None:
        self.send(Rewind())

    def action_gradcheck(self) -> None:
        self.notify("gradient check: comparing with finite differences…", timeout=2)
        self.send(GradCheck())

    def action_inspect(self) -> None:
        self.send(Inspect(None))

    def action_epoch(self) -> None:
        self.send(Epoch())

    def action_reset(self) -> None:
        self.send(Reset())

    def action_nudge(self, name: str, direction: int) -> None:
        self.send(Nudge(name, direction))

    def action_cycle(self, what: str) -> None:
        self.send(Cycle(what))

    def action_layers(self, direction: int) -> None:
        self.send(AddLayer() if direction > 0 else RemoveLayer())

    def action_resize(self, direction: int) -> None:
        layer, _ = self.screen_stack[0].query_one(TopologyView).selected
        self.send(Resize(layer, direction))

    def action_toggle_neuron(self) -> None:
        layer, neuron = self.screen_stack[0].query_one(TopologyView).selected
        self.send(LabToggle(layer, neuron))

    def action_edit_neuron(self) -> None:
        layer, neuron = self.screen_stack[0].query_one(TopologyView).selected
        if self.snapshot is None or layer == 0:
            self.notify("select a neuron (not an input) in the network panel", severity="warning")
            return

        def chosen(edits: list[Command] | None) -> None:
            for edit in edits or ():
                self.send(edit)

        self.push_screen(NeuronForm(self.snapshot, layer, neuron), chosen)

    def action_samples(self, direction: int) -> None:
        """Page the predictions by as many samples as the panel shows."""
        self.send(Samples(direction * self.screen_stack[0].query_one(PredictionsView).shown))

    def action_log_scale(self) -> None:
        self.screen_stack[0].query_one(CostPlot).toggle_log()

    def action_help(self) -> None:
        from backprop_tui.app.screens.help import HelpScreen  # Markdown: load it when asked

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(BINDINGS))

    def action_pick(self) -> None:
        def chosen(config: RunConfig | None) -> None:
            if config is not None:
                self.config = config
                self.send(Configure(config))

        self.push_screen(PickerScreen(self.config), chosen)

    def action_breakpoints(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            self.notify("the trainer has not started yet", severity="warning")
            return

        def chosen(breakpoints: Breakpoints | None) -> None:
            if breakpoints is not None:
                self.send(SetBreakpoints(breakpoints))

        metric = TARGET_METRICS[snapshot.task].replace("_", " ")
        self.push_screen(BreakpointsScreen(snapshot.breakpoints, metric), chosen)

    def action_views(self) -> None:
        """Open the views screen; the trainer adds views to snapshots while it is open."""
        if not isinstance(self.screen, ViewsScreen):
            self.send(Want("views", True))
            self.push_screen(ViewsScreen(self.snapshot),
                             lambda _: self.send(Want("views", None)))

    def action_boundary(self) -> None:
        """Open the boundary screen; the trainer adds the boundary while it is open."""
        if not isinstance(self.screen, BoundaryScreen):
            self.push_screen(BoundaryScreen(self.snapshot),
                             lambda _: self.send(Want("boundary", None)))

    def action_save_model(self) -> None:
        self.ask_path("Save the model to", "npz", lambda path, _: self.send(Save(path)))

    def action_export_svg(self) -> None:
        self.ask_path("Save the screen as SVG to", "svg",
                      lambda path, _: runfile.write_text(path, self.export_screenshot()))

    def action_export_costs(self) -> None:
        self.ask_path("Write the cost history as CSV to", "csv", lambda path, snapshot:
                      runfile.write_csv(path, *runfile.cost_table(snapshot)))

    def action_write_config(self) -> None:
        self.ask_path("Write the configuration as TOML to", "toml", lambda path, snapshot:
                      runfile.write(path, runfile.config_values(
                          runfile.current_config(self.config, snapshot))))

    def ask_path(self, title: str, suffix: str, then: Callable[[str, Snapshot], object]
                 ) -> None:
        """Prompt for a file path, then ``then(path, latest snapshot)``: a Path returned is
        a file written here (announced), None a command sent (the trainer reports back)."""
        first = self.snapshot
        if first is None:
            self.notify("the trainer has not started yet", severity="warning")
            return

        def chosen(path: str | None) -> None:
            if path is None:
                return
            try:
                written = then(path, self.snapshot or first)
            except BackpropError as error:
                self.notify(str(error), severity="error", timeout=6)
                return
            if written is not None:
                self.notify(f"wrote {written}")

        self.push_screen(PathPrompt(title, runfile.default_name(first.dataset, suffix)), chosen)

    @on(TopologyView.Selected)
    def neuron_selected(self, event: TopologyView.Selected) -> None:
        self.send(Select(event.layer, event.neuron))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        """Every key binding is also a command palette entry."""
        yield from super().get_system_commands(screen)
        for binding in BINDINGS:
            if binding.action in ("quit",):
                continue
            yield SystemCommand(binding.description, binding.tooltip,
                                partial(self.run_action, binding.action))
