"""The health screen (H): a plot per measure with a line per weight layer, live as training
runs; Escape returns and stops the trainer sending the history."""

from __future__ import annotations

import math

import numpy as np

from backprop_tui.app.screens.health import HealthScreen
from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.widgets.colours import layer_colour
from backprop_tui.app.widgets.health_plots import HealthPlot, lines, title
from backprop_tui.live import health
from backprop_tui.live.commands import Step
from backprop_tui.live.health import METRICS, HealthSeries

from .conftest import make_app, screen_lines, started, wait_for


def drawn_at(app, step: int) -> bool:
    return isinstance(app.screen, HealthScreen) and app.screen.drawn is not None \
        and app.screen.drawn.step == step


async def test_health_screen_draws_a_line_per_layer_updates_and_returns(monkeypatch):
    monkeypatch.setattr(health, "BUDGET", math.inf)  # every step recorded: a known count
    app = make_app("adder")  # 8-32-32-4: three weight layers, two hidden
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        app.send(Step(40))
        await wait_for(pilot, lambda: app.snapshot.step == 40)
        await pilot.press("H")
        await wait_for(pilot, lambda: drawn_at(app, 40))
        plots = {plot.measure: plot for plot in app.screen.query(HealthPlot)}
        layers = {"update": [0, 1, 2], "gradient": [0, 1, 2], "activation": [0, 1],
                  "inactive": [0, 1]}
        for measure, expected in layers.items():
            plot = plots[measure]
            assert sorted(plot.last_lines) == expected, measure
            assert all(lines[-1][0][-1] == 40 for lines in plot.last_lines.values()), measure
            assert "step 40" in str(plot.border_title)
        assert "saturated units %" in str(plots["inactive"].border_title)  # tanh
        screen = "\n".join(screen_lines(app))
        assert "━ 1: 8→32 tanh" in screen and "━ 3: 32→4 sigmoid" in screen
        legend = app.screen.query_one("#health-legend").render()
        assert [span.style.rich_style.color.get_truecolor().hex for span in legend.spans[:3]] \
            == [layer_colour(0), layer_colour(1), layer_colour(2)]

        app.send(Step(25))
        await wait_for(pilot, lambda: drawn_at(app, 65))
        update = plots["update"].last_lines[2][0]
        assert update[0][-1] == 65 and len(update[0]) == 65  # one row per step so far
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen)
                       and "health" not in app.snapshot.extras)


def series(*activations: str) -> HealthSeries:
    rows, layers = 3, len(activations)
    values = {metric: np.full((rows, layers), 0.5) for metric in METRICS}
    values["update_ratio"][:, 0] = [1e-3, 0.0, 1e-2]  # 0 has no log: left out of the line
    return HealthSeries(np.array([10, 20, 30]), values, activations, 1234)


def test_titles_say_what_is_inactive_and_when():
    assert title("inactive", series("relu", "softmax")) == "dead units % · step 1.23k"
    assert title("inactive", series("tanh", "sigmoid")) == "saturated units % · step 1.23k"
    assert title("inactive", series("linear", "linear")) == "inactive units: none · step 1.23k"
    assert title("update", series("relu", "softmax")).startswith("log10 ‖ΔW‖/‖W‖")


def test_lines_per_layer_in_log10_and_percent():
    relu = series("relu", "relu", "softmax")
    update = lines("update", relu)
    assert [layer for layer, _, _ in update] == [0, 1, 2]
    np.testing.assert_allclose(update[0][2], [-3, np.nan, -2])
    assert [layer for layer, _, _ in lines("inactive", relu)] == [0, 1]
    assert lines("inactive", relu)[0][2].tolist() == [50, 50, 50]
    band_high, band_low, _ = lines("activation", relu)[:3]
    assert band_high[2].tolist() == [1, 1, 1] and band_low[2].tolist() == [0, 0, 0]
    assert lines("activation", series("linear")) == []  # no hidden layer
