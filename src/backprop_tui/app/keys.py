"""Every key of the app, one table per screen: the help (F1), the footers and the command
palette are made from these rows.

A key is a row here and an ``action_`` method on its screen. ``id`` names the row in a
Textual keymap (unique in the app); ``typed`` lists its keys as a person types them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from textual.binding import Binding, BindingType

from backprop_tui.data.toy2d import FEATURES
from backprop_tui.engine import HIDDEN_ACTIVATIONS, OPTIMIZERS

NAMES = {"Space": "space", "Esc": "escape", "Enter": "enter", ",": "comma",
         "←": "left", "→": "right", "↑": "up", "↓": "down"}
"""Textual's names for the keys a Binding cannot take as typed (other single characters it
converts itself; ``F1`` and ``Ctrl+S`` only need lower case)."""


@dataclass(frozen=True)
class Key:
    """One row: a key binding and how the help and the palette describe it."""

    id: str
    typed: str
    """The keys, space-separated, as typed: ``+ =``, ``F1 ?``, ``Ctrl+S``, ``Space``."""
    action: str
    description: str
    """The footer's and the palette's short label."""
    tooltip: str
    """What the key does, for the help and the palette."""
    footer: bool = False
    group: Binding.Group | None = None
    shared: bool = False
    """Main-screen keys that steer the training work on the views and boundary screens too,
    where those screens leave the key free."""

    @property
    def binding(self) -> Binding:
        keys = ",".join(NAMES.get(k, k if len(k) == 1 else k.lower()) for k in self.typed.split())
        return Binding(keys, self.action, self.description, show=self.footer,
                       tooltip=self.tooltip, id=self.id, group=self.group)


def bindings(keys: Iterable[Key]) -> list[BindingType]:
    """The Textual bindings of ``keys``, in order (the footer's order)."""
    return [key.binding for key in keys]


RATE = Binding.Group("η")
SPEED = Binding.Group("speed")

MAIN = (
    Key("help", "F1 ?", "help", "Help", "Show this help", footer=True, shared=True),
    Key("quit", "q", "app.quit", "Quit", "Quit (the trainer stops with the app)", footer=True,
        shared=True),
    Key("run", "Space", "run", "Run/pause", "Train continuously, or pause", footer=True,
        shared=True),
    Key("step", "n", "step", "Step", "Train one mini-batch, then pause", footer=True,
        shared=True),
    Key("epoch", "e", "epoch", "Epoch", "Train one whole epoch, then pause", footer=True,
        shared=True),
    Key("reset", "r", "reset", "Reset", "Fresh weights from the same seed; history restarts",
        footer=True, shared=True),
    Key("pick", "d", "pick", "Data", "Choose a data set, preset or architecture", footer=True),
    Key("learning_rate_up", "+ =", "nudge('learning_rate', 1)", "η+", "Raise the learning rate",
        footer=True, group=RATE, shared=True),
    Key("learning_rate_down", "- _", "nudge('learning_rate', -1)", "η−",
        "Lower the learning rate", footer=True, group=RATE, shared=True),
    Key("batch_size_up", "b", "nudge('batch_size', 1)", "Batch+",
        "Larger mini-batch (up to the full batch)", shared=True),
    Key("batch_size_down", "B", "nudge('batch_size', -1)", "Batch−",
        "Smaller mini-batch (down to 1)", shared=True),
    Key("momentum_up", "m", "nudge('momentum', 1)", "Decay+", "Raise the optimizer's decay "
        "rate: μ (momentum, nesterov), β₁ (adam) or ρ (rmsprop); sgd has none", shared=True),
    Key("momentum_down", "M", "nudge('momentum', -1)", "Decay−", "Lower the optimizer's decay "
        "rate (μ, β₁ or ρ)", shared=True),
    Key("l2_up", "l", "nudge('l2', 1)", "L2+", "Stronger L2 penalty (weight decay)",
        shared=True),
    Key("l2_down", "L", "nudge('l2', -1)", "L2−", "Weaker L2 penalty", shared=True),
    Key("l1_up", "k", "nudge('l1', 1)", "L1+", "Stronger L1 penalty", shared=True),
    Key("l1_down", "K", "nudge('l1', -1)", "L1−", "Weaker L1 penalty", shared=True),
    Key("optimizer", "o", "cycle('optimizer')", "Optimizer",
        f"Next optimizer: {', '.join(OPTIMIZERS)} (weights kept)", footer=True, shared=True),
    Key("activation", "a", "cycle('hidden')", "Activation",
        f"Next hidden activation: {', '.join(HIDDEN_ACTIVATIONS)} (new weights)", shared=True),
    Key("add_layer", "]", "layers(1)", "Add layer", "Add a hidden layer (new weights)",
        shared=True),
    Key("remove_layer", "[", "layers(-1)", "Remove layer",
        "Remove the last hidden layer (new weights)", shared=True),
    Key("neurons_up", ". >", "resize(1)", "Neurons+",
        "More neurons in the selected hidden layer (new weights)"),
    Key("neurons_down", ", <", "resize(-1)", "Neurons−",
        "Fewer neurons in the selected hidden layer (new weights)"),
    Key("edit_neuron", "w", "edit_neuron", "Edit neuron", "Neuron lab: set the selected "
        "neuron's bias or one incoming weight, or switch it off; the test cost and metric "
        "before → after"),
    Key("toggle_neuron", "0", "toggle_neuron", "Neuron off/on", "Switch the selected hidden "
        "neuron off (output forced to 0, also while training) or back on; the test metric "
        "before → after"),
    Key("faster", "f", "nudge('speed', 1)", "Faster", "Train faster (up to flat out)",
        footer=True, group=SPEED, shared=True),
    Key("slower", "s", "nudge('speed', -1)", "Slower", "Train slower (down to 1 step per "
        "second)", footer=True, group=SPEED, shared=True),
    Key("next_samples", "p", "samples(1)", "Next sample", "Show the next test samples"),
    Key("previous_samples", "P", "samples(-1)", "Previous sample",
        "Show the previous test samples"),
    Key("log_scale", "g", "log_scale", "Log cost", "Plot log10 of the cost, or the cost"),
    Key("rewind", "z", "rewind", "Rewind", "Back to the latest earlier checkpoint (one every "
        "250 steps and at each change); training from there makes a branch, drawn beside the "
        "old one", shared=True),
    Key("breakpoints", "x", "breakpoints", "Breakpoints", "Pause by itself on non-finite "
        "values, a cost spike, dead units, a large gradient, a target metric or an epoch",
        shared=True),
    Key("gradcheck", "c", "gradcheck", "Gradient check", "Check backprop's gradient against "
        "finite differences on the next mini-batch, per layer"),
    Key("overfit", "O", "overfit", "Overfit batch", "Overfit one batch: train a throw-away "
        "copy on the next mini-batch alone and say whether its cost gets near zero (a network "
        "that cannot is broken); the run itself is untouched"),
    Key("inspect", "i", "inspect", "Inspector", "Pause and step through the next mini-batch's "
        "forward pass, backward pass, gradients and update, with the engine's numbers; Enter "
        "takes the step"),
    Key("boundary", "h", "boundary", "Boundary", "Decision boundary or one neuron's output "
        "over the plane with the data (2-input data sets; live; d discretize, [ ] unit, t test "
        "points, n N noise, r R train ratio, g new data; Escape returns)"),
    Key("views", "v", "views", "Views", "Confusion matrix, mistakes, first-layer weight "
        "pictures and weight histograms now vs at initialisation (live; Escape returns)"),
    Key("save_model", "Ctrl+S", "save('model')", "Save model", "Save the network and "
        "hyperparameters (.npz); continue later with --load FILE", shared=True),
    Key("export_svg", "Ctrl+E", "save('svg')", "Export SVG",
        "Save a picture of the screen as SVG", shared=True),
    Key("export_costs", "Ctrl+T", "save('costs')", "Export costs",
        "Write the cost history as CSV (per step and per epoch)", shared=True),
    Key("write_config", "Ctrl+W", "save('config')", "Write config", "Write the current "
        "configuration as TOML; read it back with --config FILE", shared=True),
    Key("projection", "j", "projection", "Projection", "The test set's inputs and a chosen "
        "layer projected to 2-D by PCA, coloured by class (class data sets; live; [ ] layer; "
        "Escape returns)"),
    Key("draw", "t", "draw", "Draw", "Draw and ask (image data sets): draw a digit with the "
        "mouse or the keys, see the network's top-3 and its activations live, add it to the "
        "training set (Escape returns)"),
    Key("norm", "N", "cycle('norm')", "Normalisation", "Next normalisation of the hidden "
        "layers: none → batch norm → layer norm (new weights)", shared=True),
    Key("fork", "Y", "fork", "Fork race", "Fork the run with one change (L2, dropout, "
        "optimizer, learning rate, batch size) and race the two from the current weights"),
    Key("doctor", "D", "doctor", "Doctor", "The training doctor: every current finding with "
        "its evidence, thresholds and fix (1 / 2 apply a fix)"),
    Key("doctor_fix", "F", "doctor_fix", "Doctor's fix", "Apply the fix of the doctor's top "
        "finding (recorded; the finding goes once it no longer holds)"),
    Key("health", "H", "health", "Health", "Health over time: per layer, log10 of the update "
        "ratio ‖ΔW‖/‖W‖ (guide at 1e-3), activation mean ± std, dead or saturated units and "
        "log10 of the gradient norm, against the step (live; Escape returns)"),
    Key("augment", "A", "augment", "Augment", "Image data sets: train on randomly shifted, "
        "rotated and noised copies of each mini-batch, or not (v then a shows copies)"),
)

HEALTH = (Key("health_back", "Esc H", "close", "Back", "Back to the main screen", footer=True),)

VIEWS = (
    Key("views_back", "Esc v", "close", "Back", "Back to the main screen", footer=True),
    Key("mistakes_previous", "←", "page(-1)", "Previous mistakes", "Previous page of mistakes",
        footer=True),
    Key("mistakes_next", "→", "page(1)", "Next mistakes", "Next page of mistakes", footer=True),
    Key("augment_strip", "a", "augment_strip", "Augmented copies", "Image data sets: a "
        "training image beside augmented copies of it, and switches for each transform"),
)

AUGMENT = (  # short footer words, so that every key fits 80 columns
    Key("augment_back", "Esc", "close", "back", "Back to the views", footer=True),
    Key("augment_row_previous", "←", "row(-1)", "row−", "The previous training row",
        footer=True),
    Key("augment_row_next", "→", "row(1)", "row+", "The next training row", footer=True),
    Key("augment_shift", "1", "transform('shift')", "shift", "Train with random shifts (up to "
        "1 pixel on 8×8 images, 2 on 28×28), or without", footer=True),
    Key("augment_rotate", "2", "transform('rotate')", "rotate", "Train with random rotations "
        "(up to ±12°), or without", footer=True),
    Key("augment_noise", "3", "transform('noise')", "noise", "Train with Gaussian pixel noise "
        "(σ 0.1 of a full pixel), or without", footer=True),
    Key("augment_all", "A", "transform(None)", "all/off", "Augmentation on (all three "
        "transforms) or off", footer=True),
    Key("augment_redraw", "g", "redraw", "redraw", "Draw new copies (they change by themselves "
        "every 100 steps)", footer=True),
)

BOUNDARY = (  # short footer words: all of them fit 80 columns; n N r R 1–7 are in the header
    Key("boundary_back", "Esc h", "close", "back", "Back to the main screen", footer=True),
    Key("discretize", "d", "discretize", "sign", "Discretize: sign only, or the full scale",
        footer=True),
    Key("test_points", "t", "test_points", "test", "Show or hide the test points (○)",
        footer=True),
    Key("unit_next", "]", "unit(1)", "unit+", "Next unit: the output, then each hidden neuron",
        footer=True),
    Key("unit_previous", "[", "unit(-1)", "unit−", "Previous unit", footer=True),
    Key("noise_up", "n", "regenerate('noise', 1)", "noise+", "More noise (new weights)"),
    Key("noise_down", "N", "regenerate('noise', -1)", "noise−", "Less noise (new weights)"),
    Key("train_ratio_up", "r", "regenerate('train_ratio', 1)", "train+",
        "More training data (new weights)"),
    Key("train_ratio_down", "R", "regenerate('train_ratio', -1)", "train−",
        "Less training data (new weights)"),
    Key("regenerate", "g", "regenerate('seed', 1)", "new data",
        "New data from a new seed (new weights)", footer=True),
    *(Key(f"feature_{number}", str(number), f"feature({number - 1})", f"Input {name}",
          f"Feed the network {name} or stop (reshapes the first layer)")
      for number, name in enumerate(FEATURES, start=1)),
    Key("point_cursor_left", "←", "cursor(-1, 0)", "cursor ←", "Move the point cursor left"),
    Key("point_cursor_right", "→", "cursor(1, 0)", "cursor →", "Move the point cursor right"),
    Key("point_cursor_up", "↑", "cursor(0, -1)", "cursor ↑", "Move the point cursor up"),
    Key("point_cursor_down", "↓", "cursor(0, 1)", "cursor ↓", "Move the point cursor down"),
    Key("place_point", "Enter", "place", "place", "Add a training point of the chosen class "
        "(or value) at the cursor (a left click adds one where you click)"),
    Key("remove_point", "Delete Backspace", "remove", "remove", "Remove the training point "
        "nearest the cursor (a right or Ctrl click removes the one nearest the click)"),
    Key("point_class", "p", "next_choice", "class", "Next class (or value, for regression) "
        "that placing adds"),
    Key("clear_points", "c", "clear_points", "clear", "Remove every training point (the "
        "test set stays; training pauses until you place some)"),
    Key("save_points", "w", "save_points", "save CSV", "Save the points, training (as "
        "edited) and test, as CSV; load them with --dataset csv:PATH"),
)

PROJECTION = (
    Key("projection_back", "Esc j", "close", "Back", "Back to the main screen", footer=True),
    Key("projection_next", "] →", "layer(1)", "Next layer",
        "Project the next layer: each hidden layer, then the output", footer=True),
    Key("projection_previous", "[ ←", "layer(-1)", "Previous layer",
        "Project the previous layer", footer=True),
)

INSPECTOR = (
    Key("inspector_close", "Esc", "dismiss(None)", "Close", "Back to the main screen",
        footer=True),
    Key("stage_next", "→ n", "move(1)", "Next stage", "The next stage", footer=True),
    Key("stage_previous", "← p", "move(-1)", "Previous stage", "The previous stage",
        footer=True),
    Key("inspect_apply", "Enter a", "apply", "Apply the step",
        "Take this step (exactly one training step)", footer=True),
    Key("row_next", "s", "sample(1)", "Next training row", "Inspect the next training row "
        "alone", footer=True),
    Key("row_previous", "S", "sample(-1)", "Previous training row",
        "Inspect the previous training row alone", footer=True),
    Key("inspect_batch", "b", "batch", "The mini-batch", "Inspect the whole mini-batch again",
        footer=True),
)

DRAW = (  # short footer words: they fit 80 columns; x and the labels are named on the panels
    Key("draw_back", "Esc t", "close", "back", "Back to the main screen", footer=True),
    *(Key(f"cursor_{name}", typed, f"move({move})", f"cursor {typed}",
          f"Move the drawing cursor {name}")
      for name, typed, move in (("up", "↑", "-1, 0"), ("down", "↓", "1, 0"),
                                ("left", "←", "0, -1"), ("right", "→", "0, 1"))),
    Key("paint", "Space", "ink(True)", "paint", "Paint the pixel under the cursor (and, "
        "softly, the four beside it); the left mouse button paints too", footer=True),
    Key("erase", "x", "ink(False)", "erase", "Erase the pixel under the cursor; "
        "the right mouse button erases too"),
    Key("clear", "c", "clear", "clear", "Clear the canvas", footer=True),
    Key("test_image", "i", "test_image", "image",
        "Load a random test image (its index and true label are shown) to edit", footer=True),
    Key("add_drawing", "a", "add", "add", "Add the drawing to the training set: press a, "
        "then its label 0–9 (recorded; the test set is untouched)", footer=True),
    *(Key(f"label_{digit}", str(digit), f"label({digit})", f"Label {digit}",
          f"After a: add the drawing to the training set as a {digit}") for digit in range(10)),
    Key("save_rows", "w", "save_rows", "save rows", "Write the rows added to the training "
        "set to an .npz file (o reads it back)"),
    Key("open_rows", "o", "open_rows", "open rows", "Add the rows of an .npz file written "
        "with w to the training set (recorded)"),
)

RACE = (
    Key("race_close", "Esc", "close", "Back", "Close the race (its trainers stop); back to the "
        "main screen if the race was forked from it"),
    Key("race_run", "Space", "run_all", "Run/pause", "Race every run on, or pause them all",
        footer=True),
    Key("race_step", "n", "step_all", "Step", "One step for every run, then pause",
        footer=True),
    Key("race_faster", "f", "speed(1)", "Faster", "Race faster (up to flat out)"),
    Key("race_slower", "s", "speed(-1)", "Slower", "Race slower (down to 1 step per second)"),
    Key("race_next", "↓", "select(1)", "Next run", "Select the next run"),
    Key("race_previous", "↑", "select(-1)", "Previous run", "Select the previous run"),
    Key("race_hold", "p", "hold", "Pause one", "Pause or resume the selected run alone (the "
        "others race on; it catches up when resumed)", footer=True),
    Key("race_step_one", "N", "step_one", "Step one", "One step for the selected run alone: it "
        "gets ahead, and the race holds it until the others catch up"),
    Key("race_plot", "m", "toggle_plot", "Cost/metric", "Plot every run's cost, or its test "
        "metric", footer=True),
    Key("race_help", "F1 ?", "help", "Help", "Show the help"),
    Key("race_quit", "q", "app.quit", "Quit", "Quit (every trainer stops)", footer=True),
)

DOCTOR = (
    Key("doctor_close", "Esc D", "dismiss(None)", "Close", "Back to the main screen",
        footer=True),
    Key("doctor_fix_1", "1", "apply(0)", "Fix 1", "Apply the first finding's fix", footer=True),
    Key("doctor_fix_2", "2", "apply(1)", "Fix 2", "Apply the second finding's fix",
        footer=True),
)

HELP = (Key("help_close", "Esc F1 q ?", "dismiss", "Close help", "Close this help"),)

DIALOG = (Key("dialog_cancel", "Esc", "dismiss(None)", "Cancel",
              "Close a dialog (picker, file prompt, breakpoints, neuron lab) without changes"),)


FOOTER_SHARED = ("help", "quit")
"""The shared keys a screen with its own keys still lists in its footer (the rest are in
the help and the palette), so an 80-column footer ends with a whole key."""


def with_shared(own: tuple[Key, ...]) -> tuple[Key, ...]:
    """``own`` keys, then the main screen's shared keys on the keys ``own`` leaves free."""
    taken = {typed for key in own for typed in key.typed.split()}
    shared = (replace(key, typed=" ".join(k for k in key.typed.split() if k not in taken),
                      footer=key.footer and key.id in FOOTER_SHARED)
              for key in MAIN if key.shared)
    return own + tuple(key for key in shared if key.typed)
