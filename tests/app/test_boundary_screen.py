"""The boundary screen (h): live heatmap, discretize, unit cycling, data regeneration;
Escape returns and switches the trainer's boundary off."""

from __future__ import annotations

import numpy as np
import pytest
from textual.geometry import Region

from backprop_tui.app.screens.boundary import BoundaryScreen
from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.widgets.boundary import BoundaryView, grid_size, heatmap, resample
from backprop_tui.live.boundary import BoundaryRequest, build_boundary
from backprop_tui.live.config import PRESETS, build_session

from .conftest import make_app, started, wait_for


def text_of(widget) -> str:
    """What ``widget`` draws on screen, as plain text."""
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, *widget.size)))


async def open_boundary(pilot) -> BoundaryScreen:
    await started(pilot)
    await pilot.press("h")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, BoundaryScreen)
                   and pilot.app.screen.query_one(BoundaryView).size.area > 0)
    return pilot.app.screen


def unit_label(app) -> str:
    return app.snapshot.boundary.label if app.snapshot.boundary else ""


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_boundary_screen_keys_and_return(size):
    app = make_app("circle")
    async with app.run_test(size=size) as pilot:
        screen = await open_boundary(pilot)
        await wait_for(pilot, lambda: app.snapshot.boundary is not None)
        view = screen.query_one(BoundaryView)
        await wait_for(pilot, lambda: app.snapshot.boundary.values.shape[::-1]
                       == grid_size(*view.size))
        text = text_of(view)
        assert "output: P(blue)" in text and "▀" in text and "●" in text
        await pilot.press("d")
        await wait_for(pilot, lambda: app.snapshot.boundary.discretize)
        assert "discretized" in text_of(view)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: unit_label(app).startswith("layer 1, neuron 0"))
        await pilot.press("t")
        assert "○" in text_of(view)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.snapshot.dataset_summary.startswith("circle, noise 0.15"))
        assert "re-initialised" in app.snapshot.message
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen)
                       and app.snapshot.boundary is None)


def features_of(app) -> tuple[str, ...]:
    return app.snapshot.boundary.features if app.snapshot.boundary else ()


async def test_feature_keys_reshape_the_first_layer():
    app = make_app("circle")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_boundary(pilot)
        await wait_for(pilot, lambda: features_of(app) == ("x1", "x2"))
        await pilot.press("5")
        await wait_for(pilot, lambda: features_of(app) == ("x1", "x2", "x1x2"))
        assert app.snapshot.sizes[0] == 3 and "first layer now 3→" in app.snapshot.message
        assert "inputs x1, x2, x1x2" in text_of(screen.query_one(BoundaryView))
        for key, left in (("1", ("x2", "x1x2")), ("2", ("x1x2",))):
            await pilot.press(key)
            await wait_for(pilot, lambda left=left: features_of(app) == left)
        await pilot.press("5")
        await wait_for(pilot, lambda: any("only input feature" in n.message
                                          for n in app._notifications))
        await pilot.press("d")  # a round trip: the trainer has seen every earlier command
        await wait_for(pilot, lambda: app.snapshot.boundary.discretize)
        assert features_of(app) == ("x1x2",) and app.snapshot.sizes[0] == 1


def test_heatmap_draws_the_payload_at_every_size():
    session, _ = build_session(PRESETS["circle"].config)
    session.run(50)
    boundary = build_boundary(session, BoundaryRequest(cols=20, rows=10))
    for cols, rows in ((20, 5), (7, 3), (76, 38)):
        lines = heatmap(boundary, cols, rows, show_test=True)
        assert len(lines) == rows and all(line.cell_len == cols for line in lines)
    np.testing.assert_array_equal(resample(boundary.values, 10, 20), boundary.values)
