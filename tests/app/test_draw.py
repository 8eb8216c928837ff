"""The draw screen (t): a test image pasted onto the canvas is answered as a numpy forward
pass of the saved weights answers it, the mouse and the keys draw the same canvas, clear
and random test images, adding the drawing to the training set, and the canvas geometry
(8×8 digits, and 28×28 MNIST without downloading it)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from textual.app import App, ComposeResult

from backprop_tui import data
from backprop_tui.app.screens.draw import DrawScreen
from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.screens.prompt import PathPrompt
from backprop_tui.app.widgets.drawing import DrawingCanvas, pixel_scale
from backprop_tui.engine.io import load
from backprop_tui.live.commands import Save, Step
from backprop_tui.live.drawing import read_rows

from .conftest import make_app, screen_lines, started, wait_for


def numpy_probabilities(weights, biases, x: np.ndarray) -> np.ndarray:
    """The digits preset's network written out: ReLU hidden layers, softmax output."""
    a = x
    for w, b in zip(weights[:-1], biases[:-1], strict=True):
        a = np.maximum(a @ w + b, 0.0)
    z = a @ weights[-1] + biases[-1]
    e = np.exp(z - z.max())
    return e / e.sum()


async def open_draw(pilot) -> DrawScreen:
    await started(pilot)
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DrawScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.answered)
    return screen


async def test_t_applies_only_to_image_data_sets():
    app = make_app("adder")
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        assert not app.screen.active_bindings["t"].enabled
        assert "Draw" not in {c.title for c in app.get_system_commands(app.screen)}
        await pilot.press("t", "n")
        await wait_for(pilot, lambda: app.snapshot.step == 1)
        assert isinstance(app.screen, MainScreen)
    app = make_app("digits")
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        assert app.screen.active_bindings["t"].enabled
        assert "Draw" in {c.title for c in app.get_system_commands(app.screen)}
        await open_draw(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        app.send(Step(1))
        await wait_for(pilot, lambda: app.snapshot.step == 1)
        assert "draw" not in app.snapshot.extras


async def test_a_pasted_test_image_is_answered_as_a_forward_pass_of_the_saved_weights(
        tmp_path):
    digits = data.load("digits")
    app = make_app("digits")
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        app.send(Step(30))
        await wait_for(pilot, lambda: app.snapshot.step == 30)
        app.send(Save(str(tmp_path / "net.npz")))
        await wait_for(pilot, lambda: (tmp_path / "net.npz").exists())
        screen = await open_draw(pilot)
        row = 42
        screen.canvas.paste(digits.x_test[row].reshape(8, 8))  # as the mouse posts Changed
        await wait_for(pilot, lambda: screen.answered)
        network, _ = load(tmp_path / "net.npz")
        expected = numpy_probabilities(network.weights, network.biases, digits.x_test[row])
        best = np.argsort(-expected, kind="stable")[:3]
        drawing = screen.drawing
        assert drawing.step == 30
        assert [label for label, _ in drawing.top] == [str(k) for k in best]
        np.testing.assert_allclose([p for _, p in drawing.top], expected[best], rtol=1e-9)
        text = "\n".join(screen_lines(app))
        assert "network @ step 30:" in text
        assert f" {best[0]} " in text and f"{expected[best[0]] * 100:5.1f} %" in text
        hidden = np.maximum(digits.x_test[row] @ network.weights[0] + network.biases[0], 0)
        shown = list(drawing.topology.shown[1])
        np.testing.assert_allclose(drawing.topology.activations[1], hidden[shown], rtol=1e-9,
                                   atol=1e-12)


def cell_of(canvas: DrawingCanvas, row: int, col: int) -> tuple[int, int]:
    """The canvas cell (x, y) over pixel (row, col)."""
    return col * canvas.scale, row * canvas.scale // 2


async def test_mouse_and_keys_draw_the_same_canvas():
    app = make_app("digits")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_draw(pilot)
        canvas = screen.canvas
        assert canvas.scale >= 2 and canvas.ink.cursor == (4, 4)
        await pilot.mouse_down(canvas, cell_of(canvas, 2, 2))  # a stroke (2,2) → (3,4)
        for pixel in ((2, 3), (2, 4), (3, 4)):
            await pilot.hover(canvas, cell_of(canvas, *pixel))
        await pilot.mouse_up(canvas, cell_of(canvas, 3, 4))
        await pilot.click(canvas, cell_of(canvas, 2, 3), button=3)  # right button erases
        await wait_for(pilot, lambda: screen.answered)
        by_mouse = canvas.ink.values.copy()
        await pilot.press("c")
        await wait_for(pilot, lambda: not canvas.ink.values.any() and screen.answered)
        await pilot.press("up", "up", "left", "left", "space", "right", "space", "right",
                          "space", "down", "space", "up", "left", "x")
        await wait_for(pilot, lambda: screen.answered)
        np.testing.assert_array_equal(canvas.ink.values, by_mouse)
        expected = np.zeros((8, 8))  # the brush: 1 where painted, 4/16 beside, 0 erased
        for r, c in ((2, 2), (2, 3), (2, 4), (3, 4)):
            for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                expected[nr, nc] = max(expected[nr, nc], 0.25)
        for r, c in ((2, 2), (2, 3), (2, 4), (3, 4)):
            expected[r, c] = 1.0
        expected[2, 3] = 0.0
        np.testing.assert_array_equal(by_mouse, expected)


async def test_random_test_image_and_clear():
    digits = data.load("digits")
    app = make_app("digits")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_draw(pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: screen.pending is None and screen.answered)
        row = int(screen.source.split("#")[1].split(",")[0])
        label = str(int(digits.y_test[row].argmax()))
        assert screen.source == f"test image #{row}, true {label}"
        np.testing.assert_array_equal(screen.canvas.ink.values, digits.x_test[row].reshape(8, 8))
        assert f"canvas: test image #{row}, true {label}" in "\n".join(screen_lines(app))
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.source.endswith(", edited"))
        await pilot.press("c")
        await wait_for(pilot, lambda: screen.answered)
        assert not screen.canvas.ink.values.any() and screen.source == "your drawing"


async def test_adding_the_drawing_is_recorded_with_its_label_and_saved(tmp_path):
    record = tmp_path / "run.jsonl"
    app = make_app("digits", record=str(record))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_draw(pilot)
        test_rows = app.snapshot.test_rows
        assert not screen.active_bindings["3"].enabled  # the labels wait for a
        await pilot.press("space", "a")
        assert screen.active_bindings["3"].enabled
        await pilot.press("3")
        await wait_for(pilot, lambda: screen.drawing.added == 1)
        assert app.snapshot.test_rows == test_rows
        pixels = screen.canvas.ink.values.ravel().tolist()
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PathPrompt))
        app.screen.query_one("Input").value = str(tmp_path / "rows.npz")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (tmp_path / "rows.npz").exists())
        features, targets = read_rows(str(tmp_path / "rows.npz"), 64, 10)
        assert features.tolist() == [pixels] and targets.tolist() == [list(np.eye(10)[3])]
        await pilot.press("o")  # and read back: the same row once more
        await wait_for(pilot, lambda: isinstance(app.screen, PathPrompt))
        app.screen.query_one("Input").value = str(tmp_path / "rows.npz")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.drawing.added == 2)
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    added = [line["args"] for line in lines if line.get("command") == "AddRows"]
    assert added == [{"features": [pixels], "targets": [list(np.eye(10)[3])]}] * 2


@pytest.mark.parametrize(("size", "cells"), [((80, 24), (28, 14)), ((100, 32), (28, 14)),
                                            ((120, 40), (56, 28))])
async def test_a_28_by_28_canvas_fits_each_size(size, cells):
    """MNIST's canvas (on digits' trainer: the answer waits, the geometry is the point)."""
    app = make_app("digits")
    async with app.run_test(size=size) as pilot:
        await started(pilot)
        await app.push_screen(DrawScreen(app.link, (28, 28)))
        await pilot.pause()
        canvas = app.screen.canvas
        assert canvas.size == cells and canvas.ink.shape == (28, 28)
        assert canvas.region.right <= size[0] and canvas.region.bottom <= size[1] - 1
        assert pixel_scale((28, 28), *cells) == cells[0] // 28


class CanvasApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DrawingCanvas((28, 28))


async def test_an_mnist_canvas_is_28_cells_wide_and_a_cell_holds_two_pixel_rows():
    app = CanvasApp()
    async with app.run_test(size=(80, 24)) as pilot:
        canvas = app.query_one(DrawingCanvas)
        assert canvas.scale == 1 and canvas.size == (28, 14)
        assert canvas.ink.soft == 0.5
        assert canvas.pixels_at(5, 3) == [(6, 5), (7, 5)]
        await pilot.click(canvas, (5, 3))
        assert canvas.ink.values[6, 5] == canvas.ink.values[7, 5] == 1.0
        canvas.fit(60, 30)
        await pilot.pause()
        assert canvas.scale == 2 and canvas.size == (56, 28)
        assert canvas.pixels_at(5, 3) == [(3, 2)]
