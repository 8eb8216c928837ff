"""The neuron lab commands: edit a weight or bias, switch hidden neurons off and on."""

from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.errors import BackpropError
from backprop_tui.live.commands import LabBias, LabToggle, LabWeight, Reset, Select, Step
from backprop_tui.live.config import PRESETS
from backprop_tui.live.trainer import Trainer


@pytest.fixture
def trainer() -> Trainer:
    trainer = Trainer(replace(PRESETS["circle"].config, paused=True, speed=None))
    trainer.apply(Step(200))
    return trainer


def test_setting_a_weight_changes_exactly_that_entry(trainer):
    before = trainer.session.network.flat.copy()
    trainer.apply(LabWeight(2, 1, 3, 2.5))
    net = trainer.session.network
    changed = np.flatnonzero(net.flat != before)
    assert net.weights[1][3, 1] == 2.5 and len(changed) == 1
    assert trainer.lab is not None and "weight from 3 = 2.5" in trainer.message


def test_setting_a_bias_and_refusing_bad_neurons(trainer):
    trainer.apply(LabBias(1, 0, -0.75))
    assert trainer.session.network.biases[0][0] == -0.75
    with pytest.raises(BackpropError):
        trainer.apply(LabBias(0, 0, 1.0))  # an input
    with pytest.raises(BackpropError):
        trainer.apply(LabWeight(1, 0, 99, 1.0))
    last = len(trainer.session.network.sizes) - 1
    with pytest.raises(BackpropError):
        trainer.apply(LabToggle(last, 0))  # outputs cannot be switched off


def test_toggling_off_changes_the_metrics_and_on_restores_them(trainer):
    weights = trainer.session.network.flat.copy()
    start = trainer.session.evaluate("test")
    trainer.apply(Select(1, 2))
    trainer.apply(LabToggle())
    off = trainer.session.evaluate("test")
    assert off["cost"] != start["cost"] and "L1 n2 off: test accuracy" in trainer.message
    assert trainer.lab.after == (off["cost"], off["accuracy"])
    snapshot = trainer.snapshot()
    assert snapshot.off_units == ((1, 2),) and snapshot.lab is trainer.lab
    trainer.apply(LabToggle())
    assert trainer.session.evaluate("test") == start
    np.testing.assert_array_equal(trainer.session.network.flat, weights)
    assert trainer.snapshot().off_units == ()


def test_training_keeps_an_off_unit_at_zero_and_reset_clears_it(trainer):
    trainer.apply(LabToggle(1, 0, False))
    trainer.apply(Step(50))
    net = trainer.session.network
    assert not net.forward(trainer.session.x_test).a[1][:, 0].any()
    trainer.apply(Reset())
    assert trainer.session.network.off_units == ()
