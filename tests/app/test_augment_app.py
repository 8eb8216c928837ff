"""Augmentation in the app: ``A`` switches it (the status bar says so), a data set without
images says why not, and the augmentation screen (v, then a) shows the strip live and
switches each transform."""

from __future__ import annotations

import numpy as np
import pytest
from textual.geometry import Region

from backprop_tui.app.screens.augment import AugmentScreen
from backprop_tui.app.screens.views import ViewsScreen
from backprop_tui.app.widgets.augment_strip import AugmentStripView, strip_lines
from backprop_tui.app.widgets.status import StatusBar
from backprop_tui.live.augment import COPIES, AugmentStrip

from .conftest import make_app, started, wait_for

ALL = "shift,rotate,noise"


def text_of(widget) -> str:
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, *widget.size)))


async def test_a_switches_augmentation_on_and_off_and_the_status_bar_says_so():
    app = make_app("digits")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("A")
        await wait_for(pilot, lambda: app.snapshot.hyper.augment == ALL)
        status = app.screen.query_one(StatusBar)
        await wait_for(pilot, lambda: f"aug {ALL}" in text_of(status))
        assert any("augmentation: shift, rotate, noise" in n.message
                   for n in app._notifications)
        await pilot.press("A")
        await wait_for(pilot, lambda: app.snapshot.hyper.augment == "off")
        await wait_for(pilot, lambda: "aug " not in text_of(status))


async def test_a_data_set_without_images_says_why():
    app = make_app("adder")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("A")
        await wait_for(pilot, lambda: any("needs an image data set" in n.message
                                          for n in app._notifications))
        assert app.snapshot.hyper.augment == "off"


async def test_the_augmentation_screen_shows_the_strip_and_switches_transforms():
    app = make_app("digits")
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, ViewsScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AugmentScreen)
                       and "augment" in app.snapshot.extras)
        view = app.screen.query_one(AugmentStripView)
        label = app.snapshot.extras["augment"].label
        await wait_for(pilot, lambda: f"training row 0 (a {label})" in text_of(view))
        text = text_of(view)
        assert "training: off" in text and "original" in text and "copy 5" in text
        await pilot.press("1")
        await wait_for(pilot, lambda: app.snapshot.hyper.augment == "shift")
        await wait_for(pilot, lambda: "training: on · copies: shift ≤1 px" in text_of(view))
        await pilot.press("3", "right")
        await wait_for(pilot, lambda: app.snapshot.hyper.augment == "shift,noise"
                       and app.snapshot.extras["augment"].row == 1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ViewsScreen)
                       and "augment" not in app.snapshot.extras)


def strip_of(shape: tuple[int, int]) -> AugmentStrip:
    images = tuple(np.random.default_rng(k).random(shape) for k in range(1 + COPIES))
    return AugmentStrip(row=12, label="7", step=250, drawn=200, transforms=("shift", "noise"),
                        training=True, images=images, guesses=(("7", 0.93),) * (1 + COPIES))


@pytest.mark.parametrize("shape", [(8, 8), (28, 28)])
@pytest.mark.parametrize("room", [(76, 19), (96, 27), (116, 35)])
def test_the_strip_fits_its_panel_with_whole_rows_of_pictures(shape, room):
    """The panel's content at 80×24, 100×32 and 120×40: no line too long or too many, and
    every copy shown but for MNIST's at 80×24 (a row of four there)."""
    width, height = room
    lines = [line.plain for line in strip_lines(strip_of(shape), width, height)]
    assert len(lines) <= height and max(len(line) for line in lines) <= width
    text = "\n".join(lines)
    assert "training row 12 (a 7)" in text and "shift ≤" in text and "noise σ 0.1" in text
    shown = text.count("→ 7 93 %")
    assert shown == (4 if shape == (28, 28) and width < 80 else 1 + COPIES)
