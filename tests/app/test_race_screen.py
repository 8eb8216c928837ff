"""The race screen: one plot line per run, the differing settings highlighted, keys acting
on every run or the selected one, every trainer stopped on quit; Y forks the run."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.app.race import RaceApp
from backprop_tui.app.screens.fork import ForkDialog
from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.screens.race import RaceScreen
from backprop_tui.app.widgets.race_plot import METRIC, RacePlot
from backprop_tui.app.widgets.race_table import DIFFERS, RaceTable
from backprop_tui.engine.io import load
from backprop_tui.live.backend import ThreadBackend
from backprop_tui.live.commands import Step
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.race import Race, RaceRun

from .conftest import make_app, screen_lines, started, wait_for
from .test_layout import SIZES, cut_words


def race_app(limit: int | None = 40) -> RaceApp:
    race = Race([RaceRun(name, PRESETS[name].config) for name in ("adder-post", "adder")],
                ThreadBackend)
    race.start()
    return RaceApp(race, limit)


def steps(app) -> list[int]:
    return [lane.step for lane in app.screen.race.lanes]


def settled(app) -> bool:
    """Every run has answered everything sent (no round under way)."""
    return app.screen.race.ready


async def test_the_race_runs_to_its_end_with_a_line_per_run_and_differences_highlighted():
    app = race_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: steps(app) == [40, 40] and not app.screen.racing)
        plot, table = app.screen.query_one(RacePlot), app.screen.query_one(RaceTable)
        plot.redraw_now()
        assert list(plot.last_series) == ["adder-post", "adder"]
        assert all(xs and xs[-1] == 40 for xs, _ in plot.last_series.values())
        rows = {label: (values, differs) for label, values, differs in table.rows_shown}
        assert rows["optimizer"] == (["sgd", "adam"], True)
        assert rows["batch"] == (["1", "16"], True)
        assert rows["seed"] == (["0", "0"], False)
        assert rows["step"] == (["40", "40"], False)
        assert rows["test word acc"][0][1].endswith("@40")
        assert table.get_cell("optimizer", "1").style == DIFFERS
        assert table.get_cell("seed", "1").style != DIFFERS
        post, adder = rows["doctor"][0]  # the doctor's view of each run, as the main screen's
        assert post.startswith("all-positive weights (") and "at step 40" in post
        assert adder == "none"
        assert "finished: every run reached step 40" in app.screen.status()
        palette = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Pause one", "Step one", "Cost/metric", "Faster"} <= set(palette)
        await pilot.press("m")
        assert plot.what == METRIC and list(plot.last_series) == ["adder-post", "adder"]


async def test_keys_act_on_every_run_or_the_selected_one():
    app = race_app(limit=None)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: min(steps(app)) > 0)
        await pilot.press("space")  # pause every run
        await wait_for(pilot, lambda: settled(app))
        start = steps(app)
        assert start[0] == start[1] and not screen.racing
        await pilot.press("n")  # one step each
        await wait_for(pilot, lambda: steps(app) == [start[0] + 1] * 2)
        await pilot.press("down", "N", "N")  # the second run alone, twice
        await wait_for(pilot, lambda: steps(app) == [start[0] + 1, start[0] + 3])
        assert "adder is 2 steps ahead (stepped alone)" in screen.status()
        assert "▶ adder" in [str(c.label) for c in app.screen.query_one(RaceTable).columns
                             .values()]
        await pilot.press("p")  # hold the second run; the first races on alone
        await pilot.press("space")
        await wait_for(pilot, lambda: steps(app)[0] > start[0] + 10)
        assert steps(app)[1] == start[0] + 3 and "adder paused alone" in screen.status()
        await pilot.press("p", "space")  # released, and every run paused
        await wait_for(pilot, lambda: settled(app))
        ahead = steps(app)[0]
        await pilot.press("f", "space")  # faster; the rounds bring the held run level
        assert screen.speed == 1000
        await wait_for(pilot, lambda: min(steps(app)) > ahead)
        await pilot.press("space")
        await wait_for(pilot, lambda: settled(app))
        assert steps(app)[0] == steps(app)[1]


async def test_quit_stops_every_trainer():
    app = race_app(limit=None)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for(pilot, lambda: min(steps(app)) > 0)
        lanes = app.screen.race.lanes
        await pilot.press("q")
    assert all(lane.backend.closed and not lane.backend.alive() for lane in lanes)


async def test_y_forks_the_run_from_its_current_weights():
    app = make_app("adder")
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        app.send(Step(30))
        await wait_for(pilot, lambda: app.snapshot.step == 30)
        await pilot.press("Y")
        await wait_for(pilot, lambda: isinstance(app.screen, ForkDialog))
        await pilot.press("enter")  # the first change: L2 ×10 (the adder has L2 on)
        await wait_for(pilot, lambda: isinstance(app.screen, RaceScreen))
        race = app.screen.race
        await pilot.press("space")  # pause, to look at step 0
        await wait_for(pilot, lambda: race.ready)
        same, forked = (lane.run for lane in race.lanes)
        assert forked.config.hyper == replace(same.config.hyper, l2=0.01)
        weights = Path(same.config.weights)
        assert weights.is_file() and app.snapshot.status == "paused"
        alone, _ = build_session(PRESETS["adder"].config)  # the run, retraced
        alone.run(30)
        np.testing.assert_array_equal(load(weights)[0].flat, alone.network.flat)
        first = race.lanes[0]
        from_fork, _ = build_session(same.config)  # the fork's start, trained as far
        from_fork.run(first.evaluation.step)
        assert first.evaluation.test == from_fork.evaluate("test")
        await pilot.press("n")
        await wait_for(pilot, lambda: race.ready and [lane.step for lane in race.lanes][0] > 0)
        assert len({lane.step for lane in race.lanes}) == 1
        palette = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Pause one", "Step one", "Cost/metric"} <= set(palette)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert all(lane.backend.closed for lane in race.lanes)
        assert not weights.parent.exists() and app.snapshot.step == 30


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_four_runs_fit_without_a_cut_word(size):
    race = Race([RaceRun(name, PRESETS[name].config) for name in ("adder-post", "adder")]
                + [RaceRun(f"adder seed {seed}", replace(PRESETS["adder"].config, seed=seed))
                   for seed in (1, 2)], ThreadBackend)
    race.start()
    app = RaceApp(race, 30)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: steps(app) == [30] * 4 and not app.screen.racing)
        app.screen.query_one(RacePlot).redraw_now()
        await pilot.pause()
        lines = screen_lines(app)
        assert not cut_words(lines), "\n".join(["", *lines, *cut_words(lines)])
        assert any("finished: every run reached step 30" in line for line in lines)


async def test_q_on_a_forked_race_stops_its_trainers_and_the_run():
    app = make_app("adder")
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        await pilot.press("Y", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RaceScreen))
        lanes = app.screen.race.lanes
        await wait_for(pilot, lambda: all(lane.evaluation for lane in lanes))
        await pilot.press("q")
    assert all(lane.backend.closed and not lane.backend.alive() for lane in lanes)
    assert app.link.backend.closed
