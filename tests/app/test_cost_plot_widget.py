"""CostPlot: draws real and degenerate snapshots, throttles, toggles log scale."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from backprop_tui.app.widgets import cost_plot
from backprop_tui.app.widgets.cost_plot import (
    BUSY_SHARE,
    METRIC,
    REDRAW_INTERVAL,
    TEST,
    TRAIN,
    CostPlot,
    branch_key,
    compact,
    headline_metric,
    step_ticks,
)
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.snapshot import Branch, Snapshot, TrainerState, take_snapshot

from .conftest import wait_for


@cache
def snapshot(preset: str, steps: int = 300) -> Snapshot:
    session, _ = build_session(PRESETS[preset].config)
    session.run(steps)
    return take_snapshot(session)


class PlotApp(App):
    def __init__(self, css: str = "") -> None:
        self.CSS = css
        super().__init__()

    def compose(self) -> ComposeResult:
        yield CostPlot()


async def draw(snap: Snapshot, size: tuple[int, int] = (120, 40), css: str = "") -> CostPlot:
    """Show ``snap`` in a running app, let it paint, and return the (detached) widget."""
    app = PlotApp(css)
    async with app.run_test(size=size) as pilot:
        plot = app.query_one(CostPlot)
        plot.show(snap)
        await pilot.pause()
        plot.plot.plt.build()  # what render() does, so a crash would surface here too
    return plot


@pytest.mark.parametrize("preset", ["adder", "digits", "celsius", "circle"])
@pytest.mark.parametrize("size", [(120, 40), (80, 24), (20, 6)])
async def test_real_snapshots_draw(preset, size):
    plot = await draw(snapshot(preset), size)
    assert plot.last_series[TRAIN][0]
    assert plot.last_series[TEST][0]
    assert plot.last_series[METRIC][0]


async def test_legend_names_the_headline_metric():
    for preset, name in (("adder", "test word accuracy"), ("digits", "test accuracy"),
                         ("celsius", "test R²")):
        app = PlotApp()
        async with app.run_test() as pilot:
            app.query_one(CostPlot).show(snapshot(preset))
            await pilot.pause()
            legend = str(app.query_one("#cost-legend", Static).render())
            assert "train cost" in legend and "test cost" in legend and name in legend


async def test_fresh_session_draws_empty_axes():
    session, _ = build_session(PRESETS["adder"].config)
    plot = await draw(take_snapshot(session, TrainerState(status="running")))
    assert all(not xs for xs, _ in plot.last_series.values())


@pytest.mark.parametrize("cost", [[1.0, np.inf, np.nan], [np.nan], [2.5], [1e300, 1.0]])
async def test_degenerate_costs_do_not_crash(cost):
    steps = np.arange(1.0, len(cost) + 1)
    snap = replace(snapshot("adder"), cost=np.array(cost), cost_steps=steps)
    plot = await draw(snap, (60, 12))
    xs, ys = plot.last_series[TRAIN]
    assert all(math.isfinite(y) for y in ys)
    assert len(xs) == sum(math.isfinite(c) for c in cost)


async def test_ten_cells_wide():
    plot = await draw(snapshot("digits"), css="CostPlot { width: 10; height: 5; }")
    assert len(plot.last_series[TRAIN][0]) <= 20


async def test_points_stay_within_twice_the_width():
    steps = np.arange(1.0, 401.0)
    snap = replace(snapshot("adder"), cost_steps=steps, cost=1 / steps,
                   epoch_steps=steps, epoch_series={
                       "test_cost": 2 / steps, "test_word_accuracy": steps / 400})
    plot = await draw(snap, (80, 24))
    assert all(len(xs) <= 160 for xs, _ in plot.last_series.values())
    assert max(len(xs) for xs in plot.plot.plt.monitor.x) <= 160


async def test_log_toggle_plots_log10_and_relabels():
    snap = snapshot("celsius")
    app = PlotApp()
    async with app.run_test() as pilot:
        plot = app.query_one(CostPlot)
        plot.show(snap)
        await pilot.pause()
        linear = plot.last_series[TRAIN][1]
        assert plot.y_label == "cost"
        plot.toggle_log()
        await pilot.pause()
        assert plot.log_scale and plot.y_label == "log10 cost"
        np.testing.assert_allclose(plot.last_series[TRAIN][1], np.log10(linear))
        assert plot.plot.plt.monitor.ylabel[0] == "log10 cost"
        plot.toggle_log()
        assert plot.last_series[TRAIN][1] == linear


async def test_log_scale_clips_zero_cost():
    snap = replace(snapshot("adder"), cost=np.array([0.0, 1.0]), cost_steps=np.array([1.0, 2.0]))
    app = PlotApp()
    async with app.run_test() as pilot:
        plot = app.query_one(CostPlot)
        plot.log_scale = True
        plot.show(snap)
        await pilot.pause()
        assert plot.last_series[TRAIN][1] == [-12.0, 0.0]


class Clock:
    """Stands in for the plot's ``monotonic``: time moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(cost_plot, "monotonic", fake)
    return fake


async def test_redraws_are_throttled_but_the_latest_arrives(clock):
    first, second = snapshot("adder"), snapshot("adder", 30)
    app = PlotApp()
    async with app.run_test() as pilot:
        plot = app.query_one(CostPlot)
        await pilot.pause()  # mounted and sized: the resize redraw (of nothing) is done
        clock.now += REDRAW_INTERVAL
        plot.show(first)  # the first is drawn at once
        assert plot.last_series[TRAIN][0][-1] == 300
        clock.now += REDRAW_INTERVAL / 2
        plot.show(second)  # too soon: waits for the timer
        assert plot.last_series[TRAIN][0][-1] == 300
        await wait_for(pilot, lambda: plot.last_series[TRAIN][0][-1] == 30)
        plot.redraw_now()
        plot.show(first)
        assert plot.last_series[TRAIN][0][-1] == 30
        plot.redraw_now()
        assert plot.last_series[TRAIN][0][-1] == 300


async def test_slow_renders_space_redraws_out(clock):
    app = PlotApp()
    async with app.run_test() as pilot:
        plot = app.query_one(CostPlot)
        await pilot.pause()
        clock.now += REDRAW_INTERVAL
        plot.show(snapshot("adder"))
        assert plot.last_series[TRAIN][0][-1] == 300
        plot.plot.render_seconds = 1.0  # as if a huge plot took a second to render
        clock.now += 1.0 / BUSY_SHARE - 0.1  # long past REDRAW_INTERVAL, not past 4 s
        plot.show(snapshot("adder", 30))
        assert plot.last_series[TRAIN][0][-1] == 300
        clock.now += 0.1
        plot.show(snapshot("adder", 30))  # 4 s on: drawn at once
        assert plot.last_series[TRAIN][0][-1] == 30


async def test_snapshot_shown_before_mounting_is_drawn_on_mount():
    plot = CostPlot()
    plot.show(snapshot("adder"))
    app = PlotApp()
    async with app.run_test() as pilot:
        await app.mount(plot)
        await wait_for(pilot, lambda: TRAIN in plot.last_series)
        assert plot.last_series[TRAIN][0][-1] == 300


async def test_show_after_shutdown_is_ignored():
    plot = await draw(snapshot("adder"))
    drawn = plot.last_series
    plot.show(snapshot("adder", 30))  # the app has gone: nothing is drawn, nothing fails
    plot.redraw_now()
    plot.toggle_log()
    assert plot.last_series is drawn and drawn[TRAIN][0][-1] == 300
    assert plot.y_label == "cost"


def with_history(snap: Snapshot, cost: np.ndarray | None = None,
                 markers: tuple[tuple[int, str], ...] = ((150, "η 0.03"),)) -> Snapshot:
    cost = np.linspace(1, 0.5, 200) if cost is None else cost
    return replace(snap, branches=(Branch(100, np.arange(100, 300.0), cost),), markers=markers)


def legend_text(plot: CostPlot) -> str:
    return str(plot._legend_view.render())  # works after the app has closed too


async def test_branches_and_markers_are_drawn():
    app = PlotApp()
    async with app.run_test(size=(60, 12)) as pilot:
        plot = app.query_one(CostPlot)
        plot.show(with_history(snapshot("adder")))
        await pilot.pause()
        plot.plot.plt.build()
        xs, ys = plot.last_series[branch_key(0)]
        assert 2 <= len(xs) <= 2 * 60 and xs[0] >= 100 and xs[-1] == 299
        assert list(plot.last_series)[0] == "branch 1"  # drawn first, behind the rest
        assert plot.last_markers == [150]
        assert plot.plot.plt.monitor.vcoord[0] == [150]
        legend = legend_text(plot)
        assert "earlier" in legend and "η 0.03 @150" in legend


async def test_empty_history_draws_as_before():
    snap = snapshot("digits")
    before = await draw(snap, (80, 24))
    after = await draw(replace(snap, branches=(), markers=()), (80, 24))
    assert after.last_series == before.last_series
    assert set(after.last_series) == {TRAIN, TEST, METRIC}
    assert after.last_markers == [] and not after.plot.plt.monitor.vcoord[0]


async def test_log_toggle_applies_to_branches():
    app = PlotApp()
    async with app.run_test() as pilot:
        plot = app.query_one(CostPlot)
        plot.show(with_history(snapshot("adder")))
        await pilot.pause()
        linear = plot.last_series[branch_key(0)][1]
        plot.toggle_log()
        await pilot.pause()
        np.testing.assert_allclose(plot.last_series[branch_key(0)][1], np.log10(linear))


@pytest.mark.parametrize("size", [(60, 12), (20, 6)])
async def test_nan_in_a_branch_does_not_crash(size):
    cost = np.linspace(1, 0.5, 200)
    cost[[3, 50]] = np.nan
    cost[7] = np.inf
    plot = await draw(with_history(snapshot("adder"), cost), size)
    xs, ys = plot.last_series[branch_key(0)]
    assert xs and all(math.isfinite(y) for y in ys)


async def test_branch_alone_is_drawn_and_markers_are_capped():
    markers = tuple((s, f"η {s}") for s in range(110, 300, 10))
    snap = replace(snapshot("adder"), cost=np.array([]), cost_steps=np.array([]))
    plot = await draw(with_history(snap, markers=markers), (60, 12))
    assert plot.last_series[branch_key(0)][0]
    assert plot.last_markers == [s for s, _ in markers[-8:]]


async def test_narrow_legend_still_names_the_latest_change():
    markers = ((150, "η 0.03"), (200, "opt adam"))
    app = PlotApp()
    async with app.run_test(size=(60, 12)) as pilot:
        plot = app.query_one(CostPlot)
        plot.show(with_history(snapshot("adder"), markers=markers))
        await pilot.pause()
        legend = legend_text(plot)
        assert "opt adam @200" in legend and len(legend.rstrip()) <= 60
    plot = await draw(with_history(snapshot("adder"), markers=markers), (160, 24))
    legend = legend_text(plot)
    assert "η 0.03 @150, opt adam @200" in legend and "earlier branches" in legend


def test_helpers():
    assert headline_metric(("bit_accuracy", "word_accuracy")) == "word_accuracy"
    assert headline_metric(("r2", "mae")) == "r2"
    assert headline_metric(()) is None
    assert [compact(v) for v in (950, 1500, 2_000_000)] == ["950", "1.5k", "2M"]
    assert step_ticks(3, 3000, 4) == [1000.0, 2000.0, 3000.0]
    assert step_ticks(5, 5, 4) == [5]
