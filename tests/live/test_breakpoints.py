"""Each breakpoint fires on a constructed case, and none fires on a healthy run."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.errors import BackpropError
from backprop_tui.live.breakpoints import Breakpoints
from backprop_tui.live.commands import Reset, Run, SetBreakpoints, SetHyper, Step
from backprop_tui.live.config import PRESETS
from backprop_tui.live.trainer import Trainer


def trainer(breakpoints: Breakpoints | None = None, **changes: object) -> Trainer:
    made = Trainer(replace(PRESETS["adder"].config, paused=True, **changes))
    if breakpoints is not None:
        made.apply(SetBreakpoints(breakpoints))
    return made


def steps(made: Trainer, count: int) -> Trainer:
    made.apply(Step(count))  # stops early at a breakpoint
    return made


def test_healthy_runs_never_break():
    watched = Breakpoints(cost_spike=3, dead_fraction=0.5, grad_norm=100)
    for hidden in ("tanh", "relu"):
        made = steps(trainer(watched, hidden=hidden), 2000)
        assert made.session.step_count == 2000 and made.breakpoint == ""
        assert made.snapshot().breakpoints == watched


def test_non_finite_values_are_reported_as_a_breakpoint():
    made = trainer()
    made.session.network.weights[0][0, 0] = np.nan
    snapshot = steps(made, 5).snapshot()
    assert snapshot.status == "diverged" and snapshot.step == 0
    assert snapshot.breakpoint.startswith("breakpoint: non-finite values — diverged at step 1")
    off = trainer(Breakpoints(non_finite=False))
    off.session.network.weights[0][0, 0] = np.nan
    assert steps(off, 1).breakpoint == "" and off.session.diverged


def test_cost_spike_when_the_learning_rate_jumps():
    made = steps(trainer(Breakpoints(cost_spike=5)), 300)
    assert made.breakpoint == ""
    made.apply(SetHyper({"learning_rate": 1.0}))
    steps(made, 20)
    assert made.session.step_count < 320 and not made.running
    assert made.breakpoint.startswith("breakpoint: cost spike ")
    assert f"average of the last 50 steps at step {made.session.step_count}" in made.breakpoint


def test_dead_units_after_a_huge_negative_bias():
    made = trainer(Breakpoints(dead_fraction=0.5), hidden="relu")
    made.session.network.biases[0][:] = -100.0
    snapshot = steps(made, 10).snapshot()
    assert snapshot.step == 1 and snapshot.status == "paused"
    assert snapshot.breakpoint == "breakpoint: 100 % of the units of layer 1 are dead (> 50 %) " \
        "at step 1"
    assert snapshot.message == snapshot.breakpoint
    assert steps(made, 10).session.step_count == 11  # fires once, until it recovers


def test_gradient_norm_above_a_tiny_threshold():
    made = steps(trainer(Breakpoints(grad_norm=1e-9)), 10)
    assert made.session.step_count == 1
    assert made.breakpoint.startswith("breakpoint: gradient norm ")
    assert made.breakpoint.endswith("> 1e-09 at step 1")


def test_target_word_accuracy():
    made = steps(trainer(Breakpoints(target=0.9)), 4000)
    reached = made.session.epoch_history.last()["test_word_accuracy"]
    assert reached >= 0.9 and made.session.step_count < 4000
    assert made.breakpoint.startswith("breakpoint: test word accuracy ")
    assert made.breakpoint.endswith(f"≥ 0.9 at epoch {made.session.epoch}")


def test_epoch_completed_and_resuming():
    made = trainer(Breakpoints(epoch=3), speed=None)  # adder: 3 steps an epoch, flat out
    made.apply(Run(True))
    made.work(5.0)
    assert (made.session.epoch, made.session.step_count, made.running) == (3, 9, False)
    assert made.snapshot().breakpoint == "breakpoint: epoch 3 completed at step 9"
    made.apply(Run(True))
    assert made.snapshot().breakpoint == ""
    assert steps(made, 30).session.step_count == 39


def test_a_reset_restarts_the_watch():
    made = steps(trainer(Breakpoints(epoch=1)), 10)
    assert made.session.step_count == 3
    made.apply(Reset())
    assert steps(made, 10).session.step_count == 3


@pytest.mark.parametrize("texts, error", [
    ({"cost_spike": "abc"}, "cost spike: 'abc' is not a number"),
    ({"epoch": "2.5"}, "epoch: '2.5' is not a whole number"),
    ({"cost_spike": "0.5"}, "cost spike must be a number in (1, inf]"),
    ({"dead_fraction": "2"}, "dead fraction must be a number in (0, 1]"),
    ({"epoch": "0"}, "epoch must be a whole number"),
])
def test_bad_form_values_are_refused(texts, error):
    with pytest.raises(BackpropError, match=error.replace("(", r"\(").replace("]", r"\]")):
        Breakpoints.from_texts(True, texts)


def test_form_values_and_summary():
    made = Breakpoints.from_texts(False, {"cost_spike": " 5 ", "target": "0.95", "epoch": "10",
                                          "grad_norm": ""})
    assert made == Breakpoints(False, cost_spike=5, target=0.95, epoch=10)
    assert made.summary("acc") == "spike×5 acc≥0.95 ep 10 non-finite off"
    assert Breakpoints().summary() == "" and not Breakpoints().thresholds
