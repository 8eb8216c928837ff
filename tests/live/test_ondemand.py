"""On-demand data: ``Want(view, params)`` adds a registered builder's payload to snapshots."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backprop_tui.errors import BackpropError
from backprop_tui.live import ondemand
from backprop_tui.live.boundary import BoundaryRequest
from backprop_tui.live.commands import Step, Want
from backprop_tui.live.config import PRESETS
from backprop_tui.live.trainer import Trainer


@pytest.fixture
def trainer() -> Trainer:
    return Trainer(replace(PRESETS["celsius"].config, paused=True))


def test_a_new_view_is_one_builder_registered(trainer, monkeypatch):
    def scaled_steps(session, memo, factor):
        return session.step_count * factor

    monkeypatch.setitem(ondemand.BUILDERS, "scaled", scaled_steps)
    assert "scaled" not in trainer.snapshot().extras
    trainer.apply(Want("scaled", 10))
    trainer.apply(Step(3))
    assert trainer.snapshot().extras["scaled"] == 30
    trainer.apply(Want("scaled", None))
    assert "scaled" not in trainer.snapshot().extras


def test_an_unknown_view_is_refused_by_name(trainer):
    with pytest.raises(BackpropError, match="unknown view 'nope'"):
        trainer.apply(Want("nope", True))
    assert trainer.wanted == {}


def test_a_builder_with_nothing_to_show_adds_nothing(trainer):
    trainer.apply(Want("boundary", BoundaryRequest()))  # celsius: 1 input, no plane
    assert "boundary" not in trainer.snapshot().extras
