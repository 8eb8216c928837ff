"""The race driver: every run ends with the weights it has alone, rounds keep equal steps,
a run stepped alone gets ahead and is caught up, a held run waits, a diverging one stops."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from backprop_tui.engine import Hyperparameters
from backprop_tui.engine.io import load
from backprop_tui.live.backend import ThreadBackend
from backprop_tui.live.commands import Save
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.race import FORKS, Race, RaceRun, fork_label, fork_runs, summary

ADDER, POST = PRESETS["adder"].config, PRESETS["adder-post"].config


def racing(*configs) -> Race:
    race = Race([RaceRun(f"run {i}", c) for i, c in enumerate(configs)], ThreadBackend)
    race.start()
    race.collect()
    return race


def test_each_run_ends_with_the_weights_it_has_alone(tmp_path):
    configs = (POST, ADDER, replace(ADDER, seed=7))
    race = racing(*configs)
    try:
        race.run_to(250, chunk=40)  # 40 does not divide 250: the last round is shorter
        for index in range(len(configs)):
            race.send(index, Save(str(tmp_path / f"{index}.npz")))
        race.collect()
    finally:
        race.close()
    for index, config in enumerate(configs):
        alone, _ = build_session(config)
        alone.run(250)
        raced, _ = load(tmp_path / f"{index}.npz")
        assert race.lanes[index].evaluation.step == 250
        np.testing.assert_array_equal(raced.flat, alone.network.flat)
        assert race.lanes[index].evaluation.test == alone.evaluate("test")


def test_rounds_bring_a_run_stepped_alone_back_to_equal_steps():
    race = racing(ADDER, POST)
    try:
        race.step_each([0], 5)
        assert not race.ready
        race.collect()
        assert [lane.step for lane in race.lanes] == [5, 0]
        assert race.ahead() == [("run 0", 5)]
        assert race.round(10)
        race.collect()
        assert [lane.step for lane in race.lanes] == [10, 10] and race.ahead() == []
        race.lanes[1].held = True  # paused alone: the rounds go on without it
        race.round(10)
        race.collect()
        assert [lane.step for lane in race.lanes] == [20, 10]
        race.lanes[1].held = False
        race.round(3)  # the slowest run's step + 3: the run ahead waits
        race.collect()
        assert [lane.step for lane in race.lanes] == [20, 13]
        assert not race.round(5, limit=13) or race.lanes[0].step == 20
    finally:
        race.close()


def test_a_diverging_run_stops_and_the_others_race_on():
    wild = replace(ADDER, hyper=replace(ADDER.hyper, optimizer="sgd", learning_rate=100.0))
    race = racing(wild, ADDER)
    try:
        race.run_to(60, chunk=20)
    finally:
        race.close()
    broken, fine = race.lanes
    assert broken.stopped and broken.diverged and broken.step < 60
    assert fine.step == 60 and not fine.stopped
    result = summary(broken)
    assert result["diverged"] is True and result["stopped"]
    assert summary(fine)["steps"] == 60 and summary(fine)["stopped"] is None


def test_a_trainer_that_cannot_start_stops_its_run():
    race = racing(replace(ADDER, dataset="csv:/no/such/file.csv"), ADDER)
    try:
        assert "no/such/file" in race.lanes[0].stopped
        assert race.round(5)
        race.collect()
        assert race.lanes[1].step == 5
    finally:
        race.close()


def test_forks_change_one_thing_and_start_from_the_saved_weights():
    hyper = Hyperparameters(learning_rate=0.1, batch_size=1, optimizer="sgd")
    assert fork_label(hyper, "l2") == "L2 0 → 0.001"
    assert fork_label(hyper, "optimizer", before=False) == "opt adam"
    assert fork_label(replace(hyper, l2=1e-3), "l2") == "L2 0.001 → 0.01"
    for name in FORKS:
        same, forked = fork_runs(replace(POST, hyper=hyper), "w.npz", name)
        assert same.config.weights == forked.config.weights == "w.npz"
        assert same.config.hyper == hyper
        changed = {k for k in vars(hyper) if getattr(forked.config.hyper, k) != getattr(hyper, k)}
        assert len(changed) == 1, (name, changed)
