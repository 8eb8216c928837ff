"""The health screen's plots: one small plot per measure, a line per weight layer in that
layer's colour (as the network panel labels it), against the step."""

from __future__ import annotations

import numpy as np
from rich.cells import cell_len
from rich.color import Color
from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual_plotext import PlotextPlot

from backprop_tui.app.widgets.colours import layer_colour
from backprop_tui.app.widgets.cost_plot import compact, step_axis
from backprop_tui.app.widgets.weight_stats import layer_label
from backprop_tui.engine import ACTIVATIONS
from backprop_tui.live.health import HealthSeries

GUIDE = -3.0
"""log10 of the update ratio a healthy layer takes, about 1e-3 (drawn as a grey line)."""
GUIDE_COLOUR = (130, 130, 140)
MEASURES = ("update", "activation", "inactive", "gradient")
GUIDE_ITEM = "┄ 1e-3 guide"
"""The legend's name for the guide line (on the update-ratio plot)."""
TITLES = {"update": "log10 ‖ΔW‖/‖W‖", "activation": "activation mean ± std",
          "gradient": "log10 ‖∇W‖"}
INACTIVE = {"dead": "dead units %", "sat": "saturated units %"}

BAND = "·"
"""The marker of the mean ± std lines (every other point: a dotted line)."""

Line = tuple[int, str, np.ndarray]
"""(weight layer, plotext marker, a value per row of the series)."""


def _log10(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.where(values > 0, values, np.nan))


def lines(measure: str, health: HealthSeries) -> list[Line]:
    """The lines the plot of ``measure`` draws: every layer's update ratio and gradient norm
    (log10), each hidden layer's activation mean (mean ± std as dotted lines) and inactive %."""
    values, layers = health.values, range(len(health.activations))
    if measure in ("update", "gradient"):
        key = "update_ratio" if measure == "update" else "grad_norm"
        return [(layer, "braille", _log10(values[key][:, layer])) for layer in layers]
    hidden = layers[:-1]
    if measure == "inactive":
        return [(layer, "braille", 100 * values["inactive"][:, layer]) for layer in hidden]
    mean, std = values["activation_mean"], values["activation_std"]
    return [line for layer in hidden for line in (
        (layer, BAND, mean[:, layer] + std[:, layer]),
        (layer, BAND, mean[:, layer] - std[:, layer]),
        (layer, "braille", mean[:, layer]))]


def title(measure: str, health: HealthSeries) -> str:
    """What the plot shows and at which step (``dead units % · step 1.2k``)."""
    if measure == "inactive":
        kind = ACTIVATIONS[health.activations[0]].inactive if len(health.activations) > 1 else ""
        what = INACTIVE.get(kind, "inactive units: none")
    else:
        what = TITLES[measure]
    return f"{what} · step {compact(health.step)}"


def legend(sizes: tuple[int, ...], activations: tuple[str, ...], width: int) -> Text:
    """``━ 1: 8→32 tanh  ━ 2: 32→4 sigmoid  ┄ 1e-3 guide`` in the layers' colours (the
    guide's grey), shortened to ``━ 1 tanh`` or ``━ 1`` when that does not fit ``width``."""
    def labels(short: int) -> list[str]:
        return [layer_label(i, sizes[i], sizes[i + 1], name) if short == 0 else
                f"{i + 1} {ACTIVATIONS[name].short}" if short == 1 else str(i + 1)
                for i, name in enumerate(activations)]

    for short in range(3):
        items = [*(f"━ {label}" for label in labels(short)), GUIDE_ITEM]
        if sum(cell_len(item) + 2 for item in items) - 2 <= width:
            break
    text = Text(no_wrap=True, overflow="crop")
    guide = Color.from_rgb(*GUIDE_COLOUR).name
    for index, item in enumerate(items):
        colour = guide if item == GUIDE_ITEM else layer_colour(index)
        text.append(("  " if index else "") + item[:1], style=colour)
        text.append(item[1:])
    return text


class HealthPlot(Widget):
    """One measure of :data:`MEASURES` over the run; ``draw`` takes each new series."""

    DEFAULT_CSS = """
    HealthPlot { height: 1fr; }
    HealthPlot > PlotextPlot { height: 1fr; }
    """

    def __init__(self, measure: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.measure = measure
        self._plot = PlotextPlot()
        self.last_lines: dict[int, list[tuple[list[float], list[float]]]] = {}
        """What the last draw plotted per layer (finite points only), lines in draw order."""

    def compose(self) -> ComposeResult:
        yield self._plot

    def draw(self, health: HealthSeries) -> None:
        """Plot ``health`` now, titled with its step."""
        self.border_title = title(self.measure, health)
        plt = self._plot.plt
        plt.clear_figure()
        self.last_lines = {}
        for layer, marker, ys in lines(self.measure, health):
            finite = np.isfinite(ys)
            xs, ys = health.steps[finite].tolist(), ys[finite].tolist()
            if marker == BAND:
                xs, ys = xs[::2], ys[::2]
            self.last_lines.setdefault(layer, []).append((xs, ys))
            if xs:
                red, green, blue = Color.parse(layer_colour(layer)).get_truecolor()
                plt.plot(xs, ys, marker=marker, color=(red, green, blue))
        if len(health.steps) > 1:
            low, high = float(health.steps[0]), float(health.steps[-1])
            step_axis(plt, low, high, max(2, min(8, self.size.width // 6)))
        if self.measure == "update" and len(health.steps):
            shown = [y for drawn in self.last_lines.values() for _, ys in drawn for y in ys]
            plt.ylim(min([GUIDE - 0.5, *shown]), max([GUIDE + 0.5, *shown]))  # guide in sight
            plt.hline(GUIDE, color=GUIDE_COLOUR)
        if self.measure == "inactive":
            plt.ylim(0, 100)
        if not len(health.steps):
            plt.xlabel("no step recorded yet")
        elif not self.last_lines:
            plt.xlabel("no hidden layer")
        self._plot.refresh()
