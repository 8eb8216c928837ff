"""Rewind and branch: checkpoints restore the exact state; branches and markers are kept."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.errors import BackpropError
from backprop_tui.live.commands import AddLayer, Cycle, Nudge, Reset, Rewind, Step
from backprop_tui.live.config import PRESETS
from backprop_tui.live.timeline import CHECKPOINT_EVERY
from backprop_tui.live.trainer import Trainer


def trainer(**changes) -> Trainer:
    return Trainer(replace(PRESETS["adder"].config, paused=True, **changes))


def test_rewind_restores_the_exact_state_of_the_checkpoint():
    reference = trainer()
    reference.apply(Step(CHECKPOINT_EVERY))
    expected = reference.session.network.flat.copy()
    then = reference.session.evaluate("test")

    t = trainer()
    t.apply(Step(CHECKPOINT_EVERY + 40))
    t.apply(Rewind())
    assert t.session.step_count == CHECKPOINT_EVERY
    np.testing.assert_array_equal(t.session.network.flat, expected)
    assert t.session.evaluate("test") == then
    # training on from the checkpoint repeats exactly what the reference does next
    reference.apply(Step(40))
    t.apply(Step(40))
    np.testing.assert_array_equal(t.session.network.flat, reference.session.network.flat)


def test_a_rewound_run_keeps_the_abandoned_branch_and_can_go_further_back():
    t = trainer()
    t.apply(Step(CHECKPOINT_EVERY + 100))
    t.apply(Rewind())
    snapshot = t.snapshot()
    assert len(snapshot.branches) == 1
    branch = snapshot.branches[0]
    assert branch.start == CHECKPOINT_EVERY and branch.steps[-1] == CHECKPOINT_EVERY + 100
    assert "rewound to step 250" in snapshot.message
    t.apply(Rewind())  # again: the checkpoint before
    assert t.session.step_count == 0
    with pytest.raises(BackpropError, match="no earlier checkpoint"):
        t.apply(Rewind())


def test_changes_are_marked_and_checkpointed():
    t = trainer()
    t.apply(Step(30))
    t.apply(Nudge("learning_rate", 1))
    t.apply(Cycle("optimizer"))
    t.apply(Step(20))
    snapshot = t.snapshot()
    assert snapshot.markers == ((30, "η 0.03"), (30, "opt rmsprop"))
    t.apply(Rewind())  # back to the change at step 30, with its settings
    assert t.session.step_count == 30 and t.session.hyper.optimizer == "rmsprop"
    t.apply(Rewind())
    assert t.session.step_count == 0 and t.snapshot().markers == ()


def test_reset_and_new_networks_start_a_new_timeline():
    t = trainer()
    t.apply(Step(CHECKPOINT_EVERY + 10))
    t.apply(Rewind())
    t.apply(Reset())
    assert t.snapshot().branches == ()
    t.apply(Step(5))
    t.apply(AddLayer())
    with pytest.raises(BackpropError):
        t.apply(Rewind())  # the new network has no earlier checkpoint


def test_copies_share_data_but_not_state():
    t = trainer()
    t.apply(Step(10))
    copy = t.session.copy()
    assert copy.x_train is t.session.x_train
    copy.step()
    assert copy.step_count == 11 and t.session.step_count == 10
    assert not np.array_equal(copy.network.flat, t.session.network.flat)
    assert copy.network.weights[0].base is copy.network.flat  # views follow the copy
