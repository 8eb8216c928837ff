"""Divergence: the trainer goes back to the last healthy weights and its advice works."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np

from backprop_tui.live.commands import LEARNING_RATES, Nudge, SetHyper, Step
from backprop_tui.live.config import PRESETS
from backprop_tui.live.recovery import presses_to
from backprop_tui.live.trainer import Trainer

ADVICE = re.compile(r"diverged at step (\d+): .* — weights restored to step (\d+); lower the "
                    r"learning rate to ([\d.e-]+): press - (once|(\d+) times), then space")


def digits(learning_rate: float) -> Trainer:
    """``--dataset digits --lr …``, paused."""
    config = PRESETS["digits"].config
    return Trainer(replace(config, paused=True,
                           hyper=replace(config.hyper, learning_rate=learning_rate)))


def followed(trainer: Trainer) -> tuple[int, float, int]:
    """The restored step, the suggested rate and the number of presses the notice gives."""
    found = ADVICE.fullmatch(trainer.message)
    assert found, trainer.message
    presses = 1 if found[4] == "once" else int(found[5])
    return int(found[2]), float(found[3]), presses


def cross_entropy(trainer: Trainer) -> float:
    """The mean cross-entropy on the test set, from a forward pass written here."""
    network, session = trainer.session.network, trainer.session
    a = session.x_test
    for layer, (w, b) in enumerate(zip(network.weights, network.biases, strict=True)):
        z = a @ w + b
        last = layer == len(network.weights) - 1
        a = np.exp(z - z.max(axis=1, keepdims=True)) if last else np.maximum(z, 0.0)
    p = a / a.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[session.y_test.astype(bool)])))


def test_digits_at_lr_10_diverges_is_restored_and_the_advice_trains_on():
    t = digits(10.0)
    healthy = t.session.network.flat.copy()
    start_cost = cross_entropy(t)
    t.apply(Step(50))
    snapshot = t.snapshot()
    assert snapshot.status == "diverged" and t.session.diverged
    restored_step, rate, presses = followed(t)
    # the exploded update was undone: the weights are the checkpoint's, bit for bit
    assert restored_step == t.session.step_count == 0
    np.testing.assert_array_equal(t.session.network.flat, healthy)
    assert rate < 10.0 and presses == presses_to(10.0, rate)
    for _ in range(presses):
        t.apply(Nudge("learning_rate", -1))
    assert t.session.hyper.learning_rate == rate and t.session.diverged is None
    t.apply(Step(300))
    assert t.session.step_count == 300 and t.session.diverged is None
    assert t.snapshot().status == "paused"
    cost = cross_entropy(t)
    assert math.isfinite(cost) and cost < start_cost / 4


def test_a_checkpoint_taken_after_the_breaking_update_is_skipped():
    t = digits(0.001)
    t.timeline.every = 1  # a checkpoint after every step, the broken one included
    t.apply(Step(20))
    before_break = t.session.network.flat.copy()
    t.apply(SetHyper({"learning_rate": 10.0}))
    t.apply(Step(5))  # step 21 breaks the weights, step 22 sees it
    assert t.session.step_count == 20
    np.testing.assert_array_equal(t.session.network.flat, before_break)
    restored_step, rate, _ = followed(t)
    assert restored_step == 20 and rate in LEARNING_RATES and rate < 10.0
    assert t.snapshot().branches  # the abandoned steps stay on the cost plot as a branch


def test_presses_count_the_ladder_rungs():
    assert presses_to(10.0, 10.0) == 0
    assert presses_to(10.0, 3.0) == 1
    assert presses_to(10.0, 0.03) == 5
    assert presses_to(1000.0, 3.0) == 2  # off the ladder: the first press goes to 10
