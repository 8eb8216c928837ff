"""WeightStats: a row per weight layer, fitted to the panel's width, robust to inf/nan."""

from __future__ import annotations

import dataclasses
import math

import pytest
from rich.console import Console
from textual.app import App, ComposeResult

from backprop_tui.app.widgets.colours import NEGATIVE, POSITIVE, compact
from backprop_tui.app.widgets.weight_stats import (
    WeightStats,
    inactive,
    sparkline,
    stats_table,
    update_ratio,
)
from backprop_tui.live.snapshot import LayerStats, Snapshot

from .conftest import WIDGET_PRESETS as PRESET_NAMES
from .conftest import preset_snapshot


@pytest.fixture(scope="module")
def snapshots() -> dict[str, Snapshot]:
    return {name: preset_snapshot(name) for name in PRESET_NAMES}


class StatsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield WeightStats()


def text_of(table: object, width: int) -> list[str]:
    console = Console(width=width, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(table, crop=True)
    return capture.get().rstrip("\n").split("\n")


def rows_of(view: WeightStats) -> list[str]:
    return text_of(view.render(), view.size.width)


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (20, 6)])
@pytest.mark.parametrize("preset", PRESET_NAMES)
async def test_renders_at_any_size(snapshots, preset, size):
    app = StatsApp()
    async with app.run_test(size=size) as pilot:
        view = app.query_one(WeightStats)
        view.show(snapshots[preset])
        await pilot.pause()
        sizes = snapshots[preset].sizes
        assert view.size.height == len(sizes)  # height: auto, a header and a row per layer
        _, *rows = rows_of(view)
        for layer, (row, fan_in, fan_out) in enumerate(zip(rows, sizes, sizes[1:],
                                                           strict=False), start=1):
            assert row.startswith(f"{layer}: {fan_in}→{fan_out}")
        assert all(len(row) <= size[0] for row in rows_of(view))


async def test_rows_show_the_layer_statistics(snapshots):
    app = StatsApp()
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.query_one(WeightStats)
        view.show(snapshots["adder"])
        await pilot.pause()
        header, *rows = rows_of(view)
        for name in ("layer", "mean", "std", "min", "max", "bias", "update", "inactive"):
            assert name in header
        assert len(rows) == 3
        for row, stats in zip(rows, snapshots["adder"].layers, strict=True):
            assert row.startswith(f"{stats.index + 1}: {stats.fan_in}→{stats.fan_out}")
            for value in (stats.weight_mean, stats.weight_std, stats.weight_min,
                          stats.weight_max, stats.bias_mean, stats.grad_norm):
                assert compact(value) in row
            assert f"{stats.update_ratio:.1e}" in row
            assert "sat" in row
        assert rows[0].startswith("1: 8→32 tanh") and "3: 32→4 sigmoid" in rows[2]

        view.show(snapshots["digits"])
        await pilot.pause()
        _, relu, softmax = rows_of(view)
        percent = round(snapshots["digits"].layers[0].inactive * 100)
        assert f"dead {percent} %" in relu and "softmax" in softmax and "–" in softmax


def test_narrow_table_drops_min_and_max_first(snapshots):
    layers = snapshots["regression-post"].layers
    header, *rows = text_of(stats_table(layers, 78), 78)
    assert len(rows) == 5 and all(len(row) <= 78 for row in rows)
    assert "min" not in header.split() and "max" not in header.split()
    assert "mean" in header and "update" in header and "inactive" in header
    assert all(f"{s.update_ratio:.1e}" in row for s, row in zip(layers, rows, strict=True))


def test_non_finite_values_are_spelled_out(snapshots):
    good = snapshots["adder"].layers[0]
    bad = dataclasses.replace(
        good, weight_mean=math.nan, weight_std=math.inf, weight_min=-math.inf,
        weight_max=math.nan, bias_mean=math.nan, grad_norm=math.inf, update_ratio=math.nan,
        inactive=math.nan, histogram=(0,) * 16)
    header, row, _ = text_of(stats_table((bad, good), 120), 120)
    assert "nan" in row and "inf" in row and "-inf" in row and "sat nan" in row


async def test_widget_survives_non_finite_snapshot(snapshots):
    snapshot = snapshots["celsius"]
    layers = tuple(dataclasses.replace(s, weight_mean=math.inf, update_ratio=math.inf)
                   for s in snapshot.layers)
    app = StatsApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(WeightStats)
        view.show(dataclasses.replace(snapshot, layers=layers))
        await pilot.pause()
        _, *rows = rows_of(view)
        assert len(rows) == len(layers) and all("inf" in row for row in rows)


def test_update_ratio_colours():
    assert update_ratio(1e-3).style == "green"
    assert str(update_ratio(1.234e-3)) == "1.2e-03"
    assert update_ratio(1e-6).style == "yellow"
    assert update_ratio(0.05).style == "yellow"
    assert "red" in str(update_ratio(0.5).style)
    assert "red" in str(update_ratio(math.nan).style) and str(update_ratio(math.inf)) == "inf"


def stats(**changes: object) -> LayerStats:
    base = LayerStats(0, 2, 3, "relu", 0.0, 1.0, -1.0, 1.0, 0.0, 1.0, 1e-3, 0.0, (0,) * 16)
    return dataclasses.replace(base, **changes)


def test_inactive_labels():
    assert str(inactive(stats(activation="relu", inactive=0.12))) == "dead 12 %"
    assert str(inactive(stats(activation="leaky_relu", inactive=0.0))) == "dead 0 %"
    assert str(inactive(stats(activation="sigmoid", inactive=0.03))) == "sat 3 %"
    assert str(inactive(stats(activation="softmax"))) == "–"
    assert "red" in str(inactive(stats(activation="tanh", inactive=0.6)).style)
    assert "red" not in str(inactive(stats(activation="tanh", inactive=0.4)).style)


def test_sparkline():
    counts = (0, 1, 2, 4, 8, 4, 2, 1) * 2
    line = sparkline(stats(histogram=counts), 16)
    assert str(line) == " ▁▂▄█▄▂▁ ▁▂▄█▄▂▁"
    assert [(span.end - span.start, span.style) for span in line.spans] == [
        (8, NEGATIVE), (8, POSITIVE)]  # bins below zero orange, above blue
    assert len(sparkline(stats(histogram=counts), 8)) == 8
    assert str(sparkline(stats(histogram=(0,) * 16), 16)) == "–"
    assert str(sparkline(stats(weight_min=math.nan, histogram=counts), 16)) == "–"


def test_output_saturation_is_a_warning_only_when_wrong():
    confident = stats(activation="sigmoid", inactive=0.9, output=True, wrong_saturated=0.0)
    assert str(inactive(confident)) == "sat 90 %" and "red" not in str(inactive(confident).style)
    wrong = stats(activation="sigmoid", inactive=0.9, output=True, wrong_saturated=0.05)
    assert "red" in str(inactive(wrong).style)


def test_columns_keep_their_place_whatever_the_values(snapshots):
    layers = snapshots["adder"].layers
    for width in range(40, 130, 7):
        headers = {text_of(stats_table(tuple(dataclasses.replace(s, grad_norm=g, weight_mean=m)
                                                for s in layers), width), width)[0]
                   for g, m in [(0.1, 0.2), (1.234e-05, -1.234e-05), (123.0, -0.000123)]}
        assert len(headers) == 1, (width, headers)


def test_a_network_without_biases_says_so():
    from backprop_tui.live.config import PRESETS, build_session
    from backprop_tui.live.snapshot import take_snapshot

    session, _ = build_session(PRESETS["regression-post"].config)
    assert not session.network.bias  # the post's network has no biases
    header, *rows = text_of(stats_table(take_snapshot(session).layers, 120), 120)
    column = header.index("bias")
    assert rows and all(row[column:column + 4] == "none" for row in rows)
