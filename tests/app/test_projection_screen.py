"""The projection screen (j): the inputs beside a chosen layer, projected by PCA and drawn
live; [ ] change the layer and the header, Escape returns and stops the trainer's
projection; the key dims for data without classes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from textual.geometry import Region

from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.screens.projection import ProjectionScreen
from backprop_tui.app.widgets.projection import (
    NO_CLASSES,
    ProjectionView,
    header,
    legend,
    pixel_classes,
)
from backprop_tui.live.commands import Step
from backprop_tui.live.projection import Projection, Projections

from .conftest import make_app, started, wait_for


def text_of(widget) -> str:
    """What ``widget`` draws on screen, as plain text."""
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, *widget.size)))


def chosen(app) -> str:
    projections = app.snapshot.extras.get("projection")
    return projections.chosen.name if projections is not None else ""


async def test_j_opens_the_projection_and_the_layer_keys_move_through_the_layers():
    app = make_app("digits", hidden_sizes=(32, 16))
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        app.send(Step(40))
        await wait_for(pilot, lambda: app.snapshot.step == 40)
        await pilot.press("j")
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectionScreen)
                       and chosen(app) == "layer 2 (16 relu units)")
        view = app.screen.query_one(ProjectionView)
        await wait_for(pilot, lambda: "layer 2 (16 relu units)" in text_of(view))
        text = text_of(view)
        assert "test set, 539 rows · step 40" in text
        assert "input layer (64 inputs)" in text and "→ PC1" in text and "▀" in text
        projections = app.snapshot.extras["projection"]
        share = round(100 * projections.chosen.explained)
        assert f"PCA: {share} % of variance in 2 components" in text
        for key, name in (("right_square_bracket", "output layer (10 softmax units)"),
                          ("right_square_bracket", "layer 1 (32 relu units)"),
                          ("left", "output layer (10 softmax units)")):
            await pilot.press(key)
            await wait_for(pilot, lambda name=name: chosen(app) == name
                           and name in text_of(view))
        app.send(Step(5))
        await wait_for(pilot, lambda: "step 45" in text_of(view))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen)
                       and "projection" not in app.snapshot.extras)


async def test_j_dims_without_classes():
    app = make_app("adder")
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        assert app.screen.check_action("projection", ()) is None
        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_the_screen_says_so_when_the_data_set_loses_its_classes():
    app = make_app("digits")
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        await pilot.press("j")
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectionScreen))
        view = app.screen.query_one(ProjectionView)
        view.show(replace(app.snapshot, task="bits", extras={}))
        await pilot.pause()
        assert "this data set has no classes" in text_of(view).replace("\n", " ")
        assert NO_CLASSES.startswith("the projection colours the test set by class")


def test_each_pixel_takes_its_commonest_class_on_one_scale_for_both_axes():
    points = np.array([[0.0, 0.0], [0.0, 0.0], [0.1, 0.1], [4.0, 1.0]])
    classes = np.array([2, 2, 1, 0])
    pixels = pixel_classes(points, classes, cols=4, rows=2)  # 4 × 4 pixels, 1 unit each
    assert pixels.shape == (4, 4)
    assert pixels[2, 0] == 2  # two of class 2 outvote one of class 1
    assert pixels[1, 3] == 0  # (4, 1): the right edge, one pixel row above (0, 0)
    assert (pixels >= 0).sum() == 2


def test_the_header_says_which_rows_and_the_legend_never_cuts_a_label():
    plane = Projection(0, "input layer (784 inputs)", np.zeros((2, 2)), 0.2, 1.0)
    labels = tuple(f"class {k}" for k in range(10))
    mnist = Projections(1200, 2000, 10000, np.array([0, 1]), labels, plane, plane, 2)
    assert header(mnist, 80)[0].plain == ("test set, first 2,000 of 10,000 rows · step 1,200 · "
                                          "colour: true class")
    assert legend(labels, 40).plain == "■ class 0  ■ class 1  ■ class 2  …+7"
    assert legend(labels[:3], 40).plain == "■ class 0  ■ class 1  ■ class 2  "
