"""The boundary screen as a whole view: every hidden neuron's small heatmap equals its
activation over the plane, the header's figures are the session's on the test set at that
step, and at 80 × 24 no line is cut."""

from __future__ import annotations

import io

import numpy as np
from rich.console import Console

from backprop_tui.app.screens.boundary import BoundaryScreen
from backprop_tui.app.widgets.boundary import header, thumbnails
from backprop_tui.app.widgets.colours import diverging_colour
from backprop_tui.live.boundary import THUMB, BoundaryRequest, build_boundary
from backprop_tui.live.commands import Step
from backprop_tui.live.config import PRESETS, build_session

from .conftest import make_app, started, wait_for


def trained(name: str = "circle", steps: int = 300):
    session, _ = build_session(PRESETS[name].config)
    session.run(steps)
    return session


def layer_activations(session, points: np.ndarray) -> list[np.ndarray]:
    """Each layer's activations at ``points``, by a forward pass written here (tanh hidden
    layers, softmax output)."""
    net, a, out = session.network, points, []
    for w, b in zip(net.weights, net.biases, strict=True):
        z = a @ w + b
        out.append(a := np.tanh(z))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out[-1] = e / e.sum(axis=1, keepdims=True)
    return out


def grid(n: int) -> np.ndarray:
    """The n × n pixel centres over [-1, 1]², rows from the top."""
    centres = -1 + (np.arange(n) + 0.5) * 2 / n
    return np.array([(x, y) for y in centres[::-1] for x in centres])


def test_thumbnails_are_each_hidden_neurons_activation_over_the_plane():
    session = trained()
    boundary = build_boundary(session, BoundaryRequest())
    hidden = layer_activations(session, grid(THUMB))[:-1]
    assert len(boundary.thumbnails) == len(hidden) == 2
    for drawn, expected in zip(boundary.thumbnails, hidden, strict=True):
        assert drawn.shape == (8, THUMB, THUMB)
        np.testing.assert_allclose(drawn, expected.T.reshape(8, THUMB, THUMB), atol=1e-12)
        assert (drawn > 0).any() and (drawn < 0).any()  # both signs occur: a real check


def test_thumbnails_draw_the_sign_and_size_of_each_activation():
    session = trained()
    boundary = build_boundary(session, BoundaryRequest())
    lines = thumbnails(boundary, session.network.sizes, "tanh", 8 * 13, 40)
    first_layer = layer_activations(session, grid(THUMB))[0]
    scale = np.abs(first_layer).max()
    for neuron in range(8):
        values = first_layer[:, neuron].reshape(THUMB, THUMB)
        for row in range(THUMB // 2):
            line = lines[2 + row]  # the title, then the first layer's label
            for col in range(THUMB):
                span = line[neuron * (THUMB + 1) + 1 + col].spans[0]
                assert span.style.color.name == diverging_colour(values[2 * row, col], scale)
                assert span.style.bgcolor.name == diverging_colour(values[2 * row + 1, col],
                                                                   scale)


def test_header_figures_are_the_test_set_figures_at_that_step():
    session = trained(steps=321)
    boundary = build_boundary(session, BoundaryRequest())
    probabilities = layer_activations(session, session.x_test)[-1]
    accuracy = np.mean(probabilities.argmax(axis=1) == session.y_test.argmax(axis=1))
    cost = -np.mean(np.sum(session.y_test * np.log(probabilities), axis=1))
    first = header(boundary, show_test=False, width=78)[0].plain
    assert first == f"test accuracy {100 * accuracy:.1f} % · cost {cost:.3g} (test) · step 321"


def screen_lines(app) -> list[str]:
    """The whole screen as text lines, as the terminal shows it."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(),
                      record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, simplify=True))
    return console.export_text().splitlines()


async def test_at_80_by_24_no_line_is_cut_and_all_inputs_and_keys_show():
    app = make_app("circle")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        app.send(Step(200))
        await wait_for(pilot, lambda: app.snapshot.step == 200)
        await pilot.press("h")
        await wait_for(pilot, lambda: app.snapshot.boundary is not None)
        for key in "34567":  # every input feature on: the longest header
            count = len(app.snapshot.boundary.features)
            await pilot.press(key)
            await wait_for(pilot, lambda count=count: app.snapshot.boundary is not None
                           and len(app.snapshot.boundary.features) == count + 1)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.snapshot.boundary.unit == 1)
        await pilot.pause(0.2)
        assert isinstance(app.screen, BoundaryScreen)
        lines = screen_lines(app)
        assert len(lines) == 24
        assert not any(line.rstrip().endswith("…") for line in lines), "\n".join(lines)
        text = "\n".join(lines)
        assert "inputs x1, x2, x1^2, x2^2, x1x2, sin_x1, sin_x2 (1–7)" in text
        assert lines[0].strip().startswith("test accuracy ") and "· step " in lines[0]
        assert "unit 2/17" in lines[1] and "hidden neurons" in text and "▶" in text
        for words in ("esc back", "d sign", "t test", "] unit+", "[ unit−", "g new data"):
            assert words in lines[-1], lines[-1]
        assert lines[-1].rstrip().endswith("g new data")  # no app key cut off after them
