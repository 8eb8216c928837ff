"""The decision-boundary payload, the trainer's boundary switch and data regeneration."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.errors import BackpropError
from backprop_tui.live.boundary import (
    MAX_COLS,
    MAX_ROWS,
    BoundaryRequest,
    build_boundary,
    changed_options,
    hidden_unit,
    pixel_centres,
)
from backprop_tui.live.commands import AddLayer, Nudge, Regenerate, Want
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.trainer import Trainer


@pytest.fixture(scope="module")
def circle():
    session, _ = build_session(PRESETS["circle"].config)
    session.run(1500)
    accuracy = (session.network.predict(session.x_test).argmax(1)
                == session.y_test.argmax(1)).mean()
    assert accuracy >= 0.95
    return session


def test_plotted_sign_is_the_networks_prediction(circle):
    boundary = build_boundary(circle, BoundaryRequest(cols=60, rows=40))
    assert boundary.values.shape == (40, 60) and not boundary.values.flags.writeable
    predicted = circle.network.predict(pixel_centres(60, 40)).argmax(axis=1).reshape(40, 60)
    np.testing.assert_array_equal(boundary.values > 0, predicted == 0)
    assert boundary.label.startswith("output") and boundary.unit == 0
    discrete = build_boundary(circle, BoundaryRequest(cols=60, rows=40, discretize=True))
    assert set(np.unique(discrete.values)) <= {-1.0, 1.0} and discrete.discretize
    np.testing.assert_array_equal(discrete.values > 0, predicted == 0)


def test_pixel_centres_cover_the_square_from_the_top_left():
    centres = pixel_centres(4, 2, 1.0)
    np.testing.assert_allclose(centres[0], [-0.75, 0.5])
    np.testing.assert_allclose(centres[-1], [0.75, -0.5])


def test_hidden_unit_values_are_that_neurons_activations(circle):
    sizes = circle.network.sizes
    assert hidden_unit(sizes, sizes[1] + 2) == (2, 1)
    boundary = build_boundary(circle, BoundaryRequest(cols=30, rows=20, unit=sizes[1] + 2))
    trace = circle.network.forward(pixel_centres(30, 20))
    np.testing.assert_allclose(boundary.values.ravel(), trace.a[2][:, 1])
    assert boundary.label.startswith("layer 2, neuron 1")
    assert boundary.units == 1 + sum(sizes[1:-1])
    wrapped = build_boundary(circle, BoundaryRequest(cols=3, rows=3, unit=boundary.units))
    assert wrapped.unit == 0


def test_grid_is_bounded_and_points_carry_class_and_split(circle):
    boundary = build_boundary(circle, BoundaryRequest(cols=500, rows=500))
    assert boundary.values.shape == (MAX_ROWS, MAX_COLS)
    points = boundary.points
    train = len(circle.x_train)
    np.testing.assert_array_equal(points[:train, :2], circle.x_train)
    np.testing.assert_array_equal(points[:train, 2], circle.y_train.argmax(1))
    assert set(points[:train, 3]) == {0.0} and set(points[train:, 3]) == {1.0}


def test_changed_options_are_bounded():
    options = {"noise": 0.5, "train_ratio": 0.1, "seed": 3}
    assert changed_options(options, "noise", 1)["noise"] == 0.5
    assert changed_options(options, "noise", -1)["noise"] == 0.45
    assert changed_options(options, "train_ratio", -1)["train_ratio"] == 0.1
    assert changed_options(options, "train_ratio", 1)["train_ratio"] == 0.2
    assert changed_options(options, "seed", 1)["seed"] == 4
    with pytest.raises(ValueError):
        changed_options({}, "noise", 1)


def test_boundary_only_while_switched_on_and_reused_on_light_snapshots():
    trainer = Trainer(replace(PRESETS["circle"].config, paused=True))
    assert trainer.snapshot().boundary is None
    trainer.apply(Want("boundary", BoundaryRequest(cols=10, rows=8)))
    full = trainer.snapshot()
    assert full.boundary is not None and full.boundary.values.shape == (8, 10)
    snapshots = [full] + [trainer.snapshot(light=True) for _ in range(3)]
    assert any(b.boundary is a.boundary for a, b in zip(snapshots, snapshots[1:], strict=False))
    trainer.apply(Want("boundary", None))
    assert trainer.snapshot().boundary is None


def test_regenerate_keeps_architecture_and_hyperparameters():
    trainer = Trainer(replace(PRESETS["circle"].config, paused=True))
    trainer.apply(AddLayer())
    trainer.apply(Nudge("learning_rate", 1))
    sizes, hyper = trainer.session.network.sizes, trainer.session.hyper
    trainer.apply(Regenerate("noise", 1))
    assert trainer.session.dataset.options["noise"] == pytest.approx(0.15)
    assert "noise 0.15" in trainer.snapshot().dataset_summary
    assert "re-initialised" in trainer.message and not trainer.running
    assert trainer.session.network.sizes == sizes and trainer.session.hyper == hyper
    trainer.apply(Regenerate("train_ratio", 1))
    assert len(trainer.session.x_train) == 240
    trainer.apply(Regenerate("seed", 1))
    assert trainer.session.dataset.options["seed"] == 1


def test_boundary_and_regenerate_need_a_2d_data_set():
    trainer = Trainer(replace(PRESETS["adder"].config, paused=True))
    trainer.apply(Want("boundary", BoundaryRequest()))
    assert trainer.snapshot().boundary is None
    with pytest.raises(BackpropError, match="no noise option"):
        trainer.apply(Regenerate("noise", 1))
