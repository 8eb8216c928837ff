"""The projection view's data: each layer's test-set activations projected by PCA, checked
against scikit-learn's PCA of activations computed here by a plain numpy forward pass."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.metrics import calinski_harabasz_score

from backprop_tui.live.commands import Step, Want
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.projection import (
    InputProjection,
    build_projection,
    orient,
    project,
    separation,
)
from backprop_tui.live.trainer import Trainer

DEEP = replace(PRESETS["digits"].config, hidden_sizes=(32, 16), paused=True)
"""Digits through two ReLU hidden layers (64-32-16-10, softmax)."""


def numpy_activations(session) -> list[np.ndarray]:
    """Every layer's activations on the test set: ReLU hidden layers, softmax output."""
    a = [session.x_test]
    weights, biases = session.network.weights, session.network.biases
    for index, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = a[-1] @ w + b
        if index < len(weights) - 1:
            a.append(np.maximum(z, 0.0))
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a.append(e / e.sum(axis=1, keepdims=True))
    return a


def reference(activations: np.ndarray, solver: str = "covariance_eigh") -> tuple[np.ndarray, float]:
    """scikit-learn's PCA (by default eigen-decomposing the covariance), each component
    turned so its largest |loading| is > 0."""
    pca = PCA(n_components=2, svd_solver=solver, random_state=0).fit(activations)
    components = pca.components_
    signs = np.sign(components[[0, 1], np.abs(components).argmax(axis=1)])
    return pca.transform(activations) * signs, float(pca.explained_variance_ratio_.sum())


def trace_ratio(points: np.ndarray, classes: np.ndarray) -> float:
    """tr(S_B) / tr(S_W) from scikit-learn's Calinski–Harabasz index, which divides them by
    (k − 1) and (n − k)."""
    n, k = len(points), len(np.unique(classes))
    return calinski_harabasz_score(points, classes) * (k - 1) / (n - k)


@pytest.fixture(scope="module")
def trained():
    session, _ = build_session(DEEP)
    session.run(150)
    return session


@pytest.mark.parametrize("layer", [1, 2, 3])
def test_each_layer_equals_sklearn_pca_of_a_numpy_forward_pass(trained, layer):
    projections = build_projection(trained, layer)
    activations = numpy_activations(trained)
    classes = trained.y_test.argmax(axis=1)
    assert projections.rows == len(trained.x_test) == 539 and projections.layers == 3
    np.testing.assert_array_equal(projections.classes, classes)
    for shown, index in ((projections.inputs, 0), (projections.chosen, layer)):
        expected, explained = reference(activations[index])
        assert shown.layer == index
        np.testing.assert_allclose(shown.points, expected, atol=1e-10)
        np.testing.assert_allclose(shown.points, reference(activations[index], "full")[0],
                                   atol=1e-6)  # the exact SVD, to rounding
        assert shown.explained == pytest.approx(explained, rel=1e-9)
        assert shown.separation == pytest.approx(trace_ratio(expected, classes), rel=1e-9)
    names = {1: "layer 1 (32 relu units)", 2: "layer 2 (16 relu units)",
             3: "output layer (10 softmax units)"}
    assert projections.chosen.name == names[layer]
    assert projections.inputs.name == "input layer (64 inputs)"


def test_the_payload_is_oriented_by_the_largest_loading(trained):
    """The loadings, recovered from the points by least squares on the centred activations,
    have their largest-magnitude entry positive in both components."""
    projections = build_projection(trained, 2)
    activations = numpy_activations(trained)
    for shown, index in ((projections.inputs, 0), (projections.chosen, 2)):
        centred = activations[index] - activations[index].mean(axis=0)
        loadings = np.linalg.lstsq(centred, shown.points, rcond=None)[0].T
        largest = loadings[[0, 1], np.abs(loadings).argmax(axis=1)]
        assert (largest > 0).all()
        assert np.allclose(np.linalg.norm(loadings, axis=1), 1.0)


def test_orient_turns_each_component_by_its_largest_loading():
    components = np.array([[0.6, -0.8], [-0.8, -0.6]])
    points = np.array([[1.0, 2.0], [-3.0, 4.0]])
    turned_points, turned = orient(points, components)
    np.testing.assert_array_equal(turned, [[-0.6, 0.8], [0.8, 0.6]])
    np.testing.assert_array_equal(turned_points, [[-1.0, -2.0], [3.0, -4.0]])


def test_the_picture_does_not_mirror_between_close_frames():
    """A few more steps move the points a little; none of the axes flips."""
    session, _ = build_session(DEEP)
    session.run(200)
    before = build_projection(session, 2).chosen.points
    session.run(2)
    after = build_projection(session, 2).chosen.points
    for column in range(2):
        assert np.corrcoef(before[:, column], after[:, column])[0, 1] > 0.9


def test_separation_is_the_trace_ratio():
    rng = np.random.default_rng(0)
    classes = np.repeat(np.arange(3), 20)
    points = rng.normal(size=(60, 2)) + classes[:, None] * [2.0, 0.5]
    assert separation(points, classes) == pytest.approx(trace_ratio(points, classes))
    assert separation(np.zeros((4, 2)), np.array([0, 0, 1, 1])) != separation(
        np.zeros((4, 2)), np.array([0, 0, 1, 1]))  # nan: no spread at all


def test_degenerate_layers_project_to_zeros_or_one_axis():
    classes = np.array([0, 1, 0, 1])
    points, explained, spread = project(np.ones((4, 3)), classes)
    assert not points.any() and explained == 0.0 and np.isnan(spread)
    points, _, _ = project(np.full((4, 3), np.nan), classes)
    assert not points.any()
    one_unit = np.array([[1.0], [2.0], [4.0], [8.0]])
    points, explained, _ = project(one_unit, classes)
    np.testing.assert_allclose(np.abs(points[:, 0]), np.abs(one_unit[:, 0] - 3.75))
    assert not points[:, 1].any() and explained == pytest.approx(1.0)


def test_the_inputs_projection_is_kept_until_the_inputs_change(trained):
    kept = InputProjection()
    x, classes = trained.x_test, trained.y_test.argmax(axis=1)
    first = kept(x, classes)
    assert kept(x.copy(), classes) is first
    np.testing.assert_array_equal(build_projection(trained, 1, kept).inputs.points, first[0])
    assert kept(x[:100], classes[:100]) is not first


@pytest.mark.parametrize("preset", ["adder", "celsius"])
def test_data_without_classes_has_no_projection(preset):
    session, _ = build_session(PRESETS[preset].config)
    assert build_projection(session, 1) is None


def test_the_trainer_adds_the_wanted_layer_to_snapshots():
    trainer = Trainer(DEEP)
    trainer.apply(Want("projection", 9))  # clamped to the output
    trainer.apply(Step(2))
    projections = trainer.snapshot().extras["projection"]
    assert projections.step == 2 and projections.chosen.layer == 3
    trainer.apply(Want("projection", None))
    assert "projection" not in trainer.snapshot().extras
