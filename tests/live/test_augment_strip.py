"""The augmentation strip (a training image, augmented copies and the network's guesses),
the switches the keys send, and a recorded switch replaying to the same weights."""

from __future__ import annotations

import gc
from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.live.augment import COPIES, REDRAW_EVERY, StripRequest, build_strip, switched
from backprop_tui.live.commands import SetHyper, Step, Want
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.inspector import inspect
from backprop_tui.live.overfit import overfit_batch
from backprop_tui.live.record import read
from backprop_tui.live.trainer import Trainer
from backprop_tui.replay import replay

ALL = "shift,rotate,noise"


@pytest.mark.parametrize(("augment", "transform", "expected"), [
    ("off", None, ALL), (ALL, None, "off"), ("rotate", None, "off"),
    ("off", "noise", "noise"), ("noise", "shift", "shift,noise"), ("rotate", "rotate", "off"),
    (ALL, "rotate", "shift,noise"),
])
def test_switches(augment, transform, expected):
    assert switched(augment, transform) == expected


def guesses_by_hand(session, rows: np.ndarray) -> np.ndarray:
    """The digits preset's 64-128-10 ReLU network's most likely class, written out."""
    (w1, w2), (b1, b2) = session.network.weights, session.network.biases
    return (np.maximum(rows @ w1 + b1, 0) @ w2 + b2).argmax(axis=1)


def test_the_strip_shows_a_training_row_and_copies_of_it():
    session, _ = build_session(PRESETS["digits"].config)
    session.run(150)
    rows = len(session.x_train)
    strip = build_strip(session, StripRequest(row=rows + 7))
    assert strip is not None and strip.row == 7
    assert strip.label == str(session.dataset.y_train[7].argmax())
    assert len(strip.images) == 1 + COPIES and strip.images[0].shape == (8, 8)
    np.testing.assert_array_equal(strip.images[0], session.dataset.x_train[7].reshape(8, 8))
    assert all(not np.array_equal(copy, strip.images[0]) for copy in strip.images[1:])
    assert (strip.step, strip.drawn) == (150, 100)
    assert strip.transforms == ("shift", "rotate", "noise") and not strip.training
    shown = np.array([image.ravel() for image in strip.images])
    assert [label for label, _ in strip.guesses] == [str(k) for k in guesses_by_hand(session,
                                                                                     shown)]
    assert all(0 < p <= 1 for _, p in strip.guesses)
    session.set_hyperparameters(augment="rotate")
    rotated = build_strip(session, StripRequest(row=7))
    assert rotated is not None and rotated.transforms == ("rotate",) and rotated.training


def test_copies_stay_until_redrawn_and_change_with_the_draw_counter():
    session, _ = build_session(PRESETS["digits"].config)
    first = build_strip(session, StripRequest(row=3))
    session.run(REDRAW_EVERY - 1)
    same = build_strip(session, StripRequest(row=3))
    other = build_strip(session, StripRequest(row=3, draw=1))
    assert first is not None and same is not None and other is not None
    assert all(np.array_equal(a, b) for a, b in zip(first.images, same.images, strict=True))
    assert not np.array_equal(first.images[1], other.images[1])


def test_a_row_added_by_hand_is_shown_like_any_other():
    session, _ = build_session(PRESETS["digits"].config)
    drawn = np.zeros((1, 64))
    drawn[0, 27:29] = 1.0
    session.add_rows(drawn, np.eye(10)[[3]])
    strip = build_strip(session, StripRequest(row=len(session.x_train) - 1))
    assert strip is not None and strip.label == "3"
    np.testing.assert_array_equal(strip.images[0], drawn.reshape(8, 8))


def test_no_strip_without_images():
    session, _ = build_session(PRESETS["adder"].config)
    assert build_strip(session, StripRequest()) is None


def test_looking_at_the_strip_changes_nothing_in_the_run():
    config = replace(PRESETS["digits"].config, paused=True,
                     hyper=replace(PRESETS["digits"].config.hyper, augment=ALL))
    watched, alone = Trainer(config), Trainer(config)
    watched.apply(Want("augment", StripRequest(row=5)))
    for _ in range(6):
        watched.apply(Step(20))
        assert watched.snapshot().extras["augment"] is not None
        alone.apply(Step(20))
    np.testing.assert_array_equal(watched.session.network.flat, alone.session.network.flat)


def test_a_recorded_switch_replays_to_the_same_weights(tmp_path):
    path = tmp_path / "run.jsonl"
    trainer = Trainer(replace(PRESETS["digits"].config, paused=True, record=str(path)))
    trainer.apply(Step(30))
    trainer.apply(SetHyper({"augment": switched("off", None)}))
    trainer.apply(Step(40))
    trainer.apply(SetHyper({"augment": switched(ALL, "noise")}))
    trainer.apply(Step(25))
    weights = trainer.session.network.flat.copy()
    assert trainer.session.hyper.augment == "shift,rotate"
    trainer.recorder.finish()
    del trainer
    gc.collect()
    replayed = replay(read(path)).session
    np.testing.assert_array_equal(replayed.network.flat, weights)
    assert replayed.hyper.augment == "shift,rotate"


def test_the_inspector_and_the_overfit_check_say_they_leave_augmentation_out():
    session, _ = build_session(replace(PRESETS["digits"].config,
                                       hyper=replace(PRESETS["digits"].config.hyper,
                                                     augment="noise")))
    assert any("augmented copies" in note for note in inspect(session).notes)
    assert any("augmentation is on" in note for note in overfit_batch(session).notes)
