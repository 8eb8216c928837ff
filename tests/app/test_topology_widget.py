"""TopologyView: the network diagram, its size fitting, cursor and incoming-weight line."""

from __future__ import annotations

import dataclasses
import itertools
import re

import numpy as np
import pytest
from textual.app import App, ComposeResult

from backprop_tui.app.widgets.colours import compact, diverging_colour
from backprop_tui.app.widgets.topology import NODE, TopologyView, draw, incoming_lines
from backprop_tui.live.snapshot import Snapshot

from .conftest import WIDGET_PRESETS as PRESET_NAMES
from .conftest import preset_snapshot

SIZES = ((120, 40), (80, 24), (20, 6), (10, 3))


@pytest.fixture(scope="module")
def snapshots() -> dict[str, Snapshot]:
    return {name: preset_snapshot(name, selected=(1, 5 if name == "digits" else 0))
            for name in PRESET_NAMES}


class TopologyApp(App[None]):
    CSS = "TopologyView { height: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.selections: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield TopologyView()

    def on_topology_view_selected(self, message: TopologyView.Selected) -> None:
        self.selections.append((message.layer, message.neuron))


def rendered(view: TopologyView) -> str:
    return str(view.render())


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("preset", PRESET_NAMES)
async def test_renders_within_its_size(snapshots, preset, size):
    app = TopologyApp()
    async with app.run_test(size=size) as pilot:
        view = app.query_one(TopologyView)
        view.show(snapshots[preset])
        await pilot.pause()
        lines = rendered(view).split("\n")
        header = [int(size) for size in re.findall(r"\d+", lines[0])]
        assert header and header == list(snapshots[preset].sizes[:len(header)])  # as fit
        assert len(lines) <= view.size.height
        assert all(len(line) <= view.size.width for line in lines)


async def test_headers_markers_and_incoming_line(snapshots):
    app = TopologyApp()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(TopologyView)
        view.show(snapshots["adder"])
        await pilot.pause()
        text = rendered(view)
        for header in ("in 8", "32 tanh", "4 sigmoid"):
            assert header in text
        incoming = snapshots["adder"].topology.incoming
        assert "layer 1 neuron 0: 8 incoming weights" in text
        assert f"min {compact(float(incoming[:-1].min()))}" in text
        assert f"bias {compact(float(incoming[-1]))}" in text
        assert compact(float(incoming[3])) in text  # ≤ 16 weights: each is listed

        view.show(snapshots["digits"])
        await pilot.pause()
        text = rendered(view)
        for label in ("in 64", "128 relu", "10 softmax", "…+52", "…+116"):
            assert label in text
        weights = snapshots["digits"].topology.incoming[:-1]
        biggest = int(np.argmax(np.abs(weights)))
        assert "largest:" in text and f"{biggest}:{compact(float(weights[biggest]))}" in text


async def test_narrow_panel_keeps_headers_and_summaries(snapshots):
    lines = draw(snapshots["digits"], (1, 0), 38, 14)
    text = "\n".join(str(line) for line in lines)
    assert len(lines) == 14 and "…+52" in text and "…+116" in text and "in 64" in text
    tiny = draw(snapshots["regression-post"], (1, 0), 20, 6)
    assert "140" in str(tiny[0]) and "…+128" in str(tiny[-1])


def test_draw_fits_every_small_size(snapshots):
    for snapshot in snapshots.values():
        last = len(snapshot.topology.shown) - 1
        for width, height in itertools.product((1, 2, 5, 10, 20, 38), (1, 2, 3, 6, 14)):
            for cursor in ((0, 0), (last, 0), (1, 3)):
                lines = draw(snapshot, cursor, width, height)
                assert len(lines) <= height
                assert all(line.cell_len <= width for line in lines)


def test_show_before_mounting(snapshots):
    view = TopologyView()
    assert view.selected == (1, 0)
    view.show(snapshots["digits"])
    view.move_cursor(0, 2)
    assert view.selected == (1, snapshots["digits"].topology.shown[1][2])


async def test_cursor_moves_and_posts_selected(snapshots):
    snapshot = snapshots["adder"]
    shown = snapshot.topology.shown
    app = TopologyApp()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(TopologyView)
        view.show(snapshot)
        view.focus()
        await pilot.pause()
        assert view.selected == (1, shown[1][0])
        await pilot.press("down")
        assert view.selected == (1, shown[1][1])
        await pilot.press("right")
        assert view.selected[0] == 2
        await pilot.press("left", "left", "left", "left")
        assert view.selected[0] == 0
        await pilot.press("up", "up", "up", "up", "up", "up")
        assert view.selected == (0, 0)
        await pilot.pause()
        assert app.selections[0] == (1, shown[1][0])
        assert app.selections[1] == (1, shown[1][1])
        assert app.selections[-1] == (0, 0)
        assert all(a != b for a, b in zip(app.selections, app.selections[1:], strict=False))
        before = len(app.selections)
        await pilot.press("up", "left")  # already at the top-left: nothing to announce
        await pilot.pause()
        assert len(app.selections) == before
        assert f"[{NODE}]" in rendered(view)


async def test_move_cursor_keeps_the_row_across_layers(snapshots):
    app = TopologyApp()
    async with app.run_test(size=(120, 40)):
        view = app.query_one(TopologyView)
        view.show(snapshots["adder"])  # 8-12-12-4 drawn: rows centred on 12
        view.move_cursor(0, 6)
        view.move_cursor(1, 0)
        view.move_cursor(1, 0)
        assert view.selected == (3, 2)
        view.move_cursor(-9, 0)
        assert view.selected == (0, 4)


async def test_cursor_is_clamped_when_the_network_shrinks(snapshots):
    app = TopologyApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TopologyView)
        view.show(snapshots["regression-post"])
        view.move_cursor(5, 20)
        view.show(snapshots["celsius"])
        await pilot.pause()
        assert view.selected == (2, 0)


async def test_non_finite_values_do_not_crash(snapshots):
    snapshot = snapshots["adder"]
    topology = snapshot.topology
    broken = dataclasses.replace(
        topology,
        activations=tuple(np.full(a.shape, np.nan) for a in topology.activations),
        weights=tuple(np.where(w > 0, np.inf, np.nan) for w in topology.weights),
        incoming=np.full(topology.incoming.shape, np.nan),
    )
    app = TopologyApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(TopologyView)
        view.show(dataclasses.replace(snapshot, topology=broken))
        await pilot.pause()
        assert "min nan max nan" in rendered(view)


async def test_auto_height_fits_the_whole_diagram(snapshots):
    class AutoApp(TopologyApp):
        CSS = "TopologyView { height: auto; }"

    app = AutoApp()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(TopologyView)
        view.show(snapshots["adder"])
        await pilot.pause()
        assert view.size.height == 1 + 12 + 1 + 2  # header, body, summary, incoming


def test_diverging_colour_scale():
    assert diverging_colour(1.0, 1.0) == "#0877bd"
    assert diverging_colour(-5.0, 1.0) == "#f59322"
    assert diverging_colour(0.0, 1.0, "#000000") == "#000000"
    assert diverging_colour(0.0, 0.0) == diverging_colour(0.0, 1.0)
    assert diverging_colour(float("nan"), 1.0) not in ("#0877bd", "#f59322")


@pytest.mark.parametrize("width", range(20, 61, 4))
def test_a_weights_label_stays_with_its_values(width):
    topo = preset_snapshot("adder", selected=(1, 3)).topology
    lines = [line.plain for line in incoming_lines(topo, width)]
    assert lines and not any(line.rstrip().endswith(("weights:", "largest:")) for line in lines)
    assert any("weights: " in line for line in lines)
