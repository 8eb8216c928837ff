"""Training points placed, removed and cleared by hand, and 2-D sets saved as CSV: the
training set changes exactly as asked, the test set not at all, and recordings replay it."""

from __future__ import annotations

import gc
import math
from dataclasses import replace

import numpy as np
import pytest

from backprop_tui import data
from backprop_tui.errors import BackpropError
from backprop_tui.live.boundary import LEVELS, BoundaryRequest, build_boundary
from backprop_tui.live.commands import (
    AddRows,
    ClearRows,
    RemoveNearest,
    Run,
    SavePoints,
    Step,
)
from backprop_tui.live.config import PRESETS
from backprop_tui.live.record import read
from backprop_tui.live.trainer import Trainer
from backprop_tui.replay import replay


def trainer(name: str, **options: object) -> Trainer:
    config = PRESETS[name].config
    return Trainer(replace(config, paused=True, data_options={**config.data_options,
                                                               **options}))


def state(trainer: Trainer) -> dict[str, np.ndarray]:
    """Copies of every array the edits may or may not change."""
    session = trainer.session
    train_points, test_points = session.dataset.points
    return {"x_train": session.x_train.copy(), "y_train": session.y_train.copy(),
            "x_test": session.x_test.copy(), "y_test": session.y_test.copy(),
            "train_points": train_points.copy(), "test_points": test_points.copy()}


def assert_test_set_unchanged(before: dict[str, np.ndarray], trainer: Trainer) -> None:
    after = state(trainer)
    for name in ("x_test", "y_test", "test_points"):
        np.testing.assert_array_equal(after[name], before[name])


def test_added_points_are_appended_exactly_and_the_test_set_stays():
    run = trainer("blobs")
    run.apply(Step(7))
    before = state(run)
    placed = np.array([[0.25, -0.5], [0.1, 0.9]])
    run.apply(AddRows(tuple(map(tuple, placed)), ((0.0, 0.0, 1.0), (1.0, 0.0, 0.0))))
    after = state(run)
    np.testing.assert_array_equal(after["x_train"], np.vstack([before["x_train"], placed]))
    np.testing.assert_array_equal(after["y_train"],
                                  np.vstack([before["y_train"], [[0, 0, 1], [1, 0, 0]]]))
    np.testing.assert_array_equal(after["train_points"],
                                  np.vstack([before["train_points"], placed]))
    assert_test_set_unchanged(before, run)
    # the next epoch's order covers every row, the new ones included
    assert sorted(run.session.epoch_order) == list(range(len(placed) + len(before["x_train"])))
    assert run.message == "added 2 points: 202 training points, test set unchanged"
    run.apply(Step(3))
    assert run.session.step_count == 10


def test_added_points_go_through_the_input_features():
    run = trainer("circle", features="x1,x2,x1^2,x1x2,sin_x2")
    x, y = 0.3, -0.7
    run.apply(AddRows(((x, y),), ((1.0, 0.0),)))
    assert run.session.x_train[-1] == pytest.approx([x, y, x * x, x * y, math.sin(y)])
    np.testing.assert_array_equal(run.session.dataset.points[0][-1], [x, y])


def test_remove_nearest_removes_exactly_the_nearest_training_point():
    run = trainer("moons")
    before = state(run)
    x, y = 0.12, -0.31
    distances = [math.hypot(px - x, py - y) for px, py in before["train_points"].tolist()]
    nearest = distances.index(min(distances))
    run.apply(RemoveNearest(x, y))
    after = state(run)
    for name in ("x_train", "y_train", "train_points"):
        np.testing.assert_array_equal(after[name], np.delete(before[name], nearest, axis=0))
    assert_test_set_unchanged(before, run)
    assert run.message.startswith("removed the ") and "199 training points" in run.message


def test_clearing_pauses_training_with_a_notice_until_points_are_placed():
    run = trainer("circle")
    run.apply(Step(5))
    before = state(run)
    run.apply(ClearRows())
    assert len(run.session.x_train) == len(run.session.dataset.points[0]) == 0
    assert_test_set_unchanged(before, run)
    assert any("removed all 200 training points" in note for note in run.notes)
    run.apply(Step(3))
    assert run.session.step_count == 5 and not run.running
    assert run.message.startswith("no training points: place some with")
    run.apply(Run(True))
    run.work(0.05)
    assert not run.running and run.session.step_count == 5
    snapshot = run.snapshot()  # every panel copes with no training rows
    assert snapshot.step == 5
    with pytest.raises(BackpropError, match="no training points left"):
        run.apply(RemoveNearest(0.0, 0.0))
    run.apply(AddRows(((0.0, 0.0),), ((1.0, 0.0),)))
    run.apply(Step(2))
    assert run.session.step_count == 7 and len(run.session.x_train) == 1


def test_a_regression_set_places_values():
    run = trainer("gaussians")
    boundary = build_boundary(run.session, BoundaryRequest(cols=8, rows=8))
    assert [choice.target for choice in boundary.choices] == [(v,) for v in LEVELS]
    assert boundary.choices[1].name == "value +0.5" and boundary.train_points == 200
    run.apply(AddRows(((0.5, 0.5),), ((-0.5,),)))
    assert run.session.y_train[-1, 0] == -0.5 and len(run.session.y_train) == 201


def test_bad_rows_are_refused_without_a_change():
    run = trainer("circle")
    before = state(run)
    for command in (AddRows(((0.0, 0.0, 0.0),), ((1.0, 0.0),)),
                    AddRows(((0.0, 0.0),), ((1.0, 0.0, 0.0),)),
                    AddRows((), ())):
        with pytest.raises(BackpropError):
            run.apply(command)
    with pytest.raises(TypeError):
        AddRows((("a", 1.0),), ((1.0, 0.0),))
    np.testing.assert_array_equal(state(run)["x_train"], before["x_train"])


def test_point_edits_record_and_replay(tmp_path):
    path = tmp_path / "points.jsonl"
    run = Trainer(replace(PRESETS["circle"].config, paused=True, record=str(path)))
    for command in (Step(4), AddRows(((0.2, 0.2), (-0.4, 0.1)), ((0.0, 1.0), (1.0, 0.0))),
                    Step(3), RemoveNearest(0.5, -0.5), Step(2), ClearRows(),
                    AddRows(((0.6, -0.6),), ((1.0, 0.0),)), Step(2)):
        run.apply(command)
    weights, rows = run.session.network.flat.copy(), run.session.x_train.copy()
    del run
    gc.collect()  # the end line is written when the trainer goes
    lines = path.read_text().splitlines()
    assert '"command": "AddRows"' in lines[2] and '"command": "RemoveNearest"' in lines[4]
    replayed = replay(read(path)).session
    np.testing.assert_array_equal(replayed.x_train, rows)
    np.testing.assert_array_equal(replayed.network.flat, weights)


@pytest.mark.parametrize(("name", "options"), [("blobs", {"classes": 5}), ("circle", {}),
                                               ("gaussians", {})])
def test_saved_points_load_back_as_the_same_set(name, options, tmp_path):
    run = trainer(name, **options)
    target = (0.0,) * (run.session.y_train.shape[1] - 1) + (1.0,) \
        if name != "gaussians" else (0.5,)
    run.apply(AddRows(((0.3, 0.4),), (target,)))
    run.apply(RemoveNearest(-0.5, -0.5))
    path = tmp_path / "points.csv"
    run.apply(SavePoints(str(path)))
    assert any(f"to {path}" in note for note in run.notes)
    saved, loaded = run.session, data.load(f"csv:{path}")
    assert loaded.task == saved.dataset.task and loaded.labels == saved.dataset.labels
    for mine, theirs in zip(saved.dataset.points, loaded.points, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(loaded.y_train, saved.y_train)
    np.testing.assert_array_equal(loaded.y_test, saved.y_test)
    np.testing.assert_array_equal(loaded.x_train, saved.x_train)
    header = path.read_text().splitlines()[0]
    assert header == ("x1,x2,value,split" if name == "gaussians" else "x1,x2,class,split")


def test_a_split_column_decides_the_split_of_any_csv(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("a,b,split,kind\n1,2,train,cat\n2,3,test,dog\n3,1,train,dog\n"
                    "4,4,test,cat\n5,0,train,cat\n")
    loaded = data.load(f"csv:{path}")
    assert loaded.labels == ("cat", "dog") and len(loaded.x_train) == 3
    np.testing.assert_array_equal(loaded.y_train.argmax(1), [0, 1, 0])
    np.testing.assert_array_equal(loaded.y_test.argmax(1), [1, 0])
    raw = np.array([[1, 2], [3, 1], [5, 0]], dtype=float)
    np.testing.assert_allclose(loaded.x_train, (raw - raw.mean(0)) / raw.std(0))
    path.write_text("a,b,split,kind\n1,2,train,cat\n2,3,validate,dog\n")
    with pytest.raises(BackpropError, match="row 3, column 'split': 'validate' is neither"):
        data.load(f"csv:{path}")


def test_saving_is_not_recorded_and_edits_are():
    assert not SavePoints.RECORDED and AddRows.RECORDED and RemoveNearest.RECORDED
    assert ClearRows.RECORDED


def test_only_2d_sets_save_points(tmp_path):
    run = Trainer(replace(PRESETS["adder"].config, paused=True))
    with pytest.raises(BackpropError, match="only the 2-D data sets"):
        run.apply(SavePoints(str(tmp_path / "adder.csv")))
