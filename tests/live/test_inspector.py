"""The inspect commands: the engine's own δ, gradients and update, and exactly one real step."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from backprop_tui.live.commands import Command, Inspect, InspectApply, Step
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.inspector import TOP, Inspection, Numbers, numbers
from backprop_tui.live.trainer import Trainer


def trainer(preset: str = "adder", steps: int = 5, **hyper: object) -> Trainer:
    config = PRESETS[preset].config
    made = Trainer(replace(config, paused=True, hyper=replace(config.hyper, **hyper)))
    made.apply(Step(steps))
    return made


def inspect(made: Trainer, command: Command | None = None) -> Inspection:
    made.apply(command or Inspect())
    inspection, made.reply = made.reply, None
    assert isinstance(inspection, Inspection)
    return inspection


def stage(inspection: Inspection, kind: str, layer: int) -> tuple[Numbers, ...]:
    [found] = [s for s in inspection.stages if s.kind == kind and s.layer == layer]
    return found.numbers


def assert_shows(shown: Numbers, values: np.ndarray) -> None:
    """``shown`` describes exactly ``values`` (as the inspector's own summary would)."""
    expected = numbers(shown.name, values)
    assert shown.shape == values.shape
    if shown.full is not None:
        np.testing.assert_array_equal(shown.full, values)
        assert not shown.full.flags.writeable
    else:
        assert shown.summary == expected.summary and shown.top == expected.top


def test_delta_and_gradients_are_the_engines_backward_output():
    made = trainer(l2=1e-3, l1=1e-4)
    session = made.session
    rows = session.next_rows()
    before = session.network.flat.copy()
    inspection = inspect(made)
    m = len(rows)
    hyper = session.hyper
    trace = session.network.gradients(session.x_train[rows], session.y_train[rows],
                                      hyper.l2, hyper.l1)
    assert inspection.step == 5 and inspection.rows == m and inspection.sample is None
    assert len(inspection.stages) == 4 * 3
    for layer in (1, 2, 3):
        [delta] = stage(inspection, "backward", layer)
        assert "per sample" in delta.name
        assert_shows(delta, trace.delta[layer - 1] * m)
        dW, db = stage(inspection, "gradient", layer)
        assert_shows(dW, trace.dW[layer - 1])
        assert_shows(db, trace.db[layer - 1])
        z, a = stage(inspection, "forward", layer)[-2:]
        assert_shows(z, trace.z[layer - 1])
        assert_shows(a, trace.a[layer])
    np.testing.assert_array_equal(session.network.flat, before)
    assert session.step_count == 5 and not made.running


def test_shown_update_is_what_one_real_step_changes():
    for optimizer in ("sgd", "adam", "nesterov"):
        made = trainer(optimizer=optimizer, clip=0.5)
        reference = trainer(optimizer=optimizer, clip=0.5).session  # the same seeded run
        inspection = inspect(made)
        before = reference.network.flat.copy()
        reference.step()
        change = reference.network.flat - before
        dW, db = reference.network.layer_views(change)
        for layer in (1, 2, 3):
            shown_w, shown_b = stage(inspection, "update", layer)
            assert_shows(shown_w, dW[layer - 1])
            assert_shows(shown_b, db[layer - 1])


def test_apply_takes_exactly_one_training_step():
    made = trainer()
    reference = trainer().session
    inspect(made)
    after = inspect(made, InspectApply())
    reference.step()
    assert made.session.step_count == reference.step_count == 6 and after.step == 6
    np.testing.assert_array_equal(made.session.network.flat, reference.network.flat)


def test_equations_and_notes_name_the_matched_pair_and_per_sample_delta():
    inspection = inspect(trainer())
    output = inspection.stages[3]
    assert (output.kind, output.layer) == ("backward", 3)
    assert "δ₃ = a₃ − y" in output.equation and "cancels" in output.equation
    hidden = inspection.stages[4]
    assert hidden.shapes.startswith("δ₂ (") and "W₃ᵀ (4×32)" in hidden.shapes
    assert any("per sample" in note for note in inspection.notes)
    assert not any("dropout" in note for note in inspection.notes)
    with_dropout = inspect(trainer(dropout=0.2))
    assert any("dropout is off" in note for note in with_dropout.notes)


def test_big_layers_are_summarised_with_their_top_entries():
    inspection = inspect(trainer("digits", steps=2))
    assert inspection.sizes == (64, 128, 10)
    dW, db = stage(inspection, "gradient", 1)
    assert dW.shape == (64, 128) and dW.full is None and len(dW.top) == TOP
    magnitudes = [abs(value) for _, value in dW.top]
    assert magnitudes == sorted(magnitudes, reverse=True)
    assert all(len(index) == 2 for index, _ in dW.top)
    mean, std, low, high = dW.summary
    assert low <= mean <= high and std >= 0


def test_a_single_training_row():
    made = trainer()
    inspection = inspect(made, Inspect(7))
    assert inspection.sample == 7 and inspection.rows == 1
    trace = made.session.network.gradients(made.session.x_train[[7]],
                                           made.session.y_train[[7]])
    [delta] = stage(inspection, "backward", 3)
    assert_shows(delta, trace.delta[2])


def test_small_arrays_are_shown_in_full():
    session, _ = build_session(PRESETS["adder"].config)
    shown = numbers("b", np.arange(4.0))
    assert shown.full is not None and shown.top == ()
    np.testing.assert_array_equal(shown.full, np.arange(4.0))
    assert numbers("W", session.network.weights[0]).full is None  # 8×32
