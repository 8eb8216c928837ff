"""The views screen (v): live confusion matrix, paged mistakes, weight pictures and
histograms; Escape returns and switches the trainer's views off."""

from __future__ import annotations

import pytest
from textual.geometry import Region

from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.screens.views import ViewsScreen
from backprop_tui.app.widgets.confusion import ConfusionView
from backprop_tui.app.widgets.mistakes import MistakesView
from backprop_tui.app.widgets.weight_images import NeuronImages, WeightHistograms
from backprop_tui.live.config import PRESETS, build_session

from .conftest import make_app, started, wait_for


def text_of(widget) -> str:
    """What ``widget`` draws on screen, as plain text."""
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, *widget.size)))


async def open_views(pilot) -> ViewsScreen:
    await started(pilot)
    await pilot.press("v")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ViewsScreen)
                   and pilot.app.snapshot.views is not None
                   and pilot.app.screen.query_one(MistakesView).size.area > 0)
    return pilot.app.screen


def wrong_test_digits_at_the_start() -> tuple[int, int]:
    """Counted here with numpy: test digits the seeded, untrained network gets wrong."""
    session, _ = build_session(PRESETS["digits"].config)
    predicted = session.network.predict(session.x_test).argmax(axis=1)
    return int((predicted != session.y_test.argmax(axis=1)).sum()), len(session.x_test)


async def test_views_screen_shows_matrix_pages_mistakes_and_returns():
    app = make_app("digits")
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_views(pilot)
        wrong, rows = wrong_test_digits_at_the_start()
        matrix = text_of(screen.query_one(ConfusionView))
        assert "columns: predicted" in matrix and all(label in matrix for label in "0123456789")
        assert f"{rows - wrong} of {rows} test rows right" in matrix
        assert wrong >= 12  # an untrained network: more mistakes than the 12 shown
        summary = f"of 12 shown ({wrong} of {rows} test rows wrong)"
        mistakes = screen.query_one(MistakesView)
        assert f"mistakes 1–4 {summary}" in text_of(mistakes)
        await pilot.press("right")
        assert f"mistakes 5–8 {summary}" in text_of(mistakes)
        await pilot.press("left", "left")
        assert f"mistakes 9–12 {summary}" in text_of(mistakes)
        assert "neurons' incoming weights" in text_of(screen.query_one(NeuronImages))
        assert "at initialisation" in text_of(screen.query_one(WeightHistograms))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen)
                       and app.snapshot.views is None)


async def test_views_stay_live_while_training():
    app = make_app("digits")
    async with app.run_test(size=(160, 50)) as pilot:
        first = (await open_views(pilot)).latest.views
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen.latest.step == 1)
        assert app.screen.latest.views is not None and app.screen.latest.views is not first
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen)
                       and app.snapshot.views is None)


@pytest.mark.parametrize(("preset", "expected"), [("adder", "per-bit accuracy"),
                                                  ("celsius", "applies to classes")])
async def test_other_tasks_do_not_crash(preset, expected):
    app = make_app(preset)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_views(pilot)
        assert expected in text_of(screen.query_one(ConfusionView))
        assert "image data sets" in text_of(screen.query_one(NeuronImages))
        text_of(screen.query_one(MistakesView))
        await pilot.press("right", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
