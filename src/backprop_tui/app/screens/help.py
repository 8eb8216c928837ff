"""F1: every key, what it does, and how to read the panels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from backprop_tui.app.keys import (
    AUGMENT,
    BOUNDARY,
    DIALOG,
    DOCTOR,
    DRAW,
    HEALTH,
    HELP,
    INSPECTOR,
    MAIN,
    PROJECTION,
    RACE,
    VIEWS,
    Key,
    bindings,
)

ABOUT = """\
# backprop-tui

A network learns by **backpropagation**: each step takes a mini-batch, runs it forward
(`z = a·W + b`, `a = f(z)`), measures the cost, sends the error back layer by layer
(`δ_l = (δ_{l+1}·W_{l+1}ᵀ) ⊙ f'(z_l)`) and moves every weight a little against its gradient
(`W ← W − η·∂C/∂W`).

## The panels
- **network**: every layer as a column; a neuron's colour is its activation for the first
  sample in *predictions* (blue positive, orange negative); the blocks between columns are the
  weights (blue positive, orange negative, brighter = larger). Wide layers show a few
  evenly spaced neurons and say how many are hidden. Arrow keys select a neuron: its
  incoming weights are listed below.
- **cost**: training cost per step (smoothed) and test cost per epoch, with the test
  accuracy (or R²). `g` switches to log10 of the cost. A narrow legend abbreviates: `train`
  and `test` costs, `acc` accuracy, `(R)` read on the right axis, `┄ earlier` branches, and
  drops what does not fit (branches first, then the latest change).
- **weights per layer**: weight statistics, gradient norm ‖∇W‖, the update ratio
  ‖ΔW‖/‖W‖ (the step the optimizer actually took, whatever the optimizer, over the weights
  after it; near 1e-3 is healthy), dead ReLUs or saturated sigmoid/tanh units and a
  histogram of the weights.
- **predictions**: test samples in the data set's own words, mistakes first.

## Keys
"""

COLOURS = """
## What the colours mean
- **update** (weights table): green 1e-4 … 1e-2, a healthy step; yellow smaller (barely
  learning) or up to 0.1 (large); red above 0.1 or not a number (the step rivals the weights).
- **inactive** (weights table): red in a hidden layer when more than half its units are dead
  (ReLU) or saturated (sigmoid/tanh): they pass on almost no gradient. In the output layer
  saturated outputs are confident answers, so it is red only when more than 1 % of the
  outputs are saturated *and wrong* (more than 0.5 from the target).
- Any figure in red that reads `nan` or `inf` has left the numbers: the training diverged.

## The status bar
`η` learning rate · `bs` batch size · `opt` optimizer · `β₁ β₂` Adam's decay rates · `ρ`
RMSprop's decay rate · `μ` momentum (momentum, Nesterov) · `L2 L1` weight penalties ·
`aug` the transforms augmenting the training batches (image data sets) ·
`norm batch` / `norm layer` the hidden layers' normalisation (`+BN` / `+LN` on the network
panel; `N` cycles it) · `test acc @1,200`: measured on the test set with the weights at step
1,200 (the same weights the predictions panel counts). Narrow terminals drop the least needed
fields first.
"""


SECTIONS = (
    ("On the views screen (v)", VIEWS),
    ("On the boundary screen (h)", BOUNDARY),
    ("In the inspector (i)", INSPECTOR),
    ("On the draw screen (t)", DRAW),
    ("On the projection screen (j)", PROJECTION),
    ("On the race screen (backprop-tui race, or Y)", RACE),
    ("In the doctor's view (D)", DOCTOR),
    ("On the health screen (H)", HEALTH),
    ("On the augmentation screen (v, then a)", AUGMENT),
    ("In this help and the dialogs", HELP + DIALOG),
)
"""The other screens' keys, each table under its heading."""


def keys_table(keys: tuple[Key, ...]) -> str:
    """A Markdown table of ``keys``: the keys as typed, and what each does."""
    rows = ["| key | action |", "|---|---|"]
    for key in keys:
        typed = " ".join(f"`{k}`" for k in key.typed.split())
        rows.append(f"| {typed} | {key.tooltip} |")
    return "\n".join(rows)


def help_text() -> str:
    """The whole help page: the panels, the main keys, then the other screens' keys."""
    shared = " ".join(f"`{key.typed.split()[0]}`" for key in MAIN if key.shared)
    parts = [ABOUT + keys_table(MAIN),
             f"These keys work on the views, boundary, draw, projection, health and augmentation "
             f"screens too, where a screen does "
             f"not use the key itself: {shared}."]
    parts += [f"## {title}\n\n{keys_table(keys)}" for title, keys in SECTIONS]
    return "\n\n".join([*parts, "Ctrl+P opens the command palette.", COLOURS])


class HelpScreen(ModalScreen[None]):
    """A scrollable help page; Escape, F1, ? or q closes it."""

    BINDINGS = bindings(HELP)

    def __init__(self) -> None:
        super().__init__()
        self.text = help_text()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog"):
            yield Markdown(self.text)
