"""Metrics and the confusion matrix against scikit-learn on the same predictions, and the MAE
in the data's own units (after undoing the target scaling)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    hamming_loss,
    mean_absolute_error,
    r2_score,
)

from backprop_tui import data
from backprop_tui.engine import Hyperparameters, Network, TrainingSession, correct, evaluate
from backprop_tui.live.views import build_views

from .conftest import make_dataset

ROWS = 50


def outputs_and_targets(task: str, width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if task == "classes":
        return rng.random((ROWS, width)), np.eye(width)[rng.integers(0, width, ROWS)]
    if task == "bits":
        return rng.random((ROWS, width)), rng.integers(0, 2, (ROWS, width)).astype(float)
    y = rng.standard_normal((ROWS, width)) * [3.0, 0.5, 1.0][:width]
    return y + 0.7 * rng.standard_normal((ROWS, width)), y


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("width", [2, 5])
def test_accuracy_is_sklearns(width, seed):
    output, y = outputs_and_targets("classes", width, seed)
    labels, predicted = y.argmax(axis=1), output.argmax(axis=1)
    metrics = evaluate("classes", y, output)
    assert metrics == {"accuracy": pytest.approx(accuracy_score(labels, predicted), abs=1e-15)}
    np.testing.assert_array_equal(correct("classes", y, output), labels == predicted)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("width", [1, 4])
def test_bit_and_word_accuracy_are_one_minus_hamming_loss_and_subset_accuracy(width, seed):
    output, y = outputs_and_targets("bits", width, seed)
    bits = (output > 0.5).astype(int)
    metrics = evaluate("bits", y, output)
    assert metrics["bit_accuracy"] == pytest.approx(1 - hamming_loss(y.astype(int), bits),
                                                    abs=1e-15)
    assert metrics["word_accuracy"] == pytest.approx(accuracy_score(y.astype(int), bits),
                                                     abs=1e-15)
    expected_rows = [accuracy_score(row_y, row_bits) == 1.0
                     for row_y, row_bits in zip(y.astype(int), bits, strict=True)]
    np.testing.assert_array_equal(correct("bits", y, output), expected_rows)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("width", [1, 3])
def test_r2_and_mae_are_sklearns(width, seed):
    """Several outputs pool their sums of squares: scikit-learn's variance-weighted R²."""
    output, y = outputs_and_targets("regression", width, seed)
    scale = 4.5
    metrics = evaluate("regression", y, output, target_scale=scale)
    assert metrics["r2"] == pytest.approx(r2_score(y, output, multioutput="variance_weighted"),
                                          rel=1e-12)
    assert metrics["mae"] == pytest.approx(scale * mean_absolute_error(y, output), rel=1e-12)
    tolerance = 0.5
    np.testing.assert_array_equal(correct("regression", y, output, tolerance),
                                  [np.all(np.abs(a - b) <= tolerance)
                                   for a, b in zip(y, output, strict=True)])


def test_a_constant_target_has_r2_zero_not_a_division_by_zero():
    y = np.ones((4, 1))
    assert evaluate("regression", y, y + 0.5)["r2"] == 0.0


def trained(dataset, steps: int = 30, hidden: int = 6, **kwargs) -> TrainingSession:
    sizes = [dataset.n_inputs, hidden, dataset.n_outputs]
    network = Network(sizes, output=dataset.output, loss=dataset.loss, seed=1)
    session = TrainingSession(dataset, network, Hyperparameters(**kwargs), seed=2)
    session.run(steps)
    return session


def test_session_and_views_classes_match_sklearn():
    dataset = make_dataset("classes", rows=120, outputs=4, seed=3)
    session = trained(dataset, steps=4)
    predicted = session.network.predict(dataset.x_test).argmax(axis=1)
    truth = dataset.y_test.argmax(axis=1)
    assert 0.2 < accuracy_score(truth, predicted) < 1.0  # some right, some wrong
    assert session.evaluate("test")["accuracy"] == pytest.approx(accuracy_score(truth, predicted))
    views = build_views(session, tuple(session.network.weights))
    np.testing.assert_array_equal(views.confusion, confusion_matrix(truth, predicted,
                                                                    labels=range(4)))
    assert views.wrong == int(np.sum(truth != predicted))


def test_session_and_views_bits_match_sklearn():
    dataset = make_dataset("bits", rows=120, outputs=3, seed=4)
    session = trained(dataset, steps=6)
    bits = (session.network.predict(dataset.x_test) > 0.5).astype(int)
    truth = dataset.y_test.astype(int)
    metrics = session.evaluate("test")
    assert metrics["bit_accuracy"] == pytest.approx(1 - hamming_loss(truth, bits))
    assert metrics["word_accuracy"] == pytest.approx(accuracy_score(truth, bits))
    views = build_views(session, tuple(session.network.weights))
    assert views.bit_accuracy == pytest.approx([accuracy_score(truth[:, k], bits[:, k])
                                                for k in range(3)])
    assert views.confusion is None


def test_mae_is_in_the_csv_targets_own_units(tmp_path):
    """The loader standardises the targets; undo that with the affine map that takes the
    standardised targets back to the file's values, and compare in the file's units."""
    rng = np.random.default_rng(9)
    fahrenheit = rng.uniform(-40.0, 212.0, 60)
    celsius = (fahrenheit - 32.0) * 5.0 / 9.0 + rng.normal(0.0, 3.0, 60)
    path = tmp_path / "temperatures.csv"
    lines = ["fahrenheit,celsius"] + [f"{f:.17g},{c:.17g}" for f, c in zip(fahrenheit, celsius,
                                                                      strict=True)]
    path.write_text("\n".join(lines) + "\n")
    dataset = data.load(f"csv:{path}")
    assert dataset.task == "regression"
    scaled = np.sort(np.concatenate([dataset.y_train, dataset.y_test]).ravel())
    unit = (celsius.max() - celsius.min()) / (scaled[-1] - scaled[0])
    offset = celsius.min() - unit * scaled[0]
    np.testing.assert_allclose(unit * scaled + offset, np.sort(celsius), atol=1e-9)
    session = trained(dataset, steps=5, hidden=3, learning_rate=0.01)
    prediction = session.network.predict(dataset.x_test)
    expected = mean_absolute_error(unit * dataset.y_test + offset, unit * prediction + offset)
    assert expected > 1.0  # degrees, and far from the standardised value
    assert session.evaluate("test")["mae"] == pytest.approx(expected, rel=1e-9)


def test_celsius_mae_is_in_degrees():
    """The data set's own description of each test row (°C to 0.1) agrees with the MAE."""
    dataset = data.load("celsius")
    session = trained(dataset, steps=5, hidden=3, learning_rate=0.01)
    prediction = session.network.predict(dataset.x_test)
    pairs = [re.search(r"→ (-?[\d.]+) °C \(predicted (-?[\d.]+)\)",
                       dataset.describe(x, y, p)).groups()  # type: ignore[union-attr]
             for x, y, p in zip(dataset.x_test, dataset.y_test, prediction, strict=True)]
    truth, guess = np.array(pairs, dtype=float).T
    expected = mean_absolute_error(truth, guess)
    assert expected > 1.0
    assert session.evaluate("test")["mae"] == pytest.approx(expected, abs=0.051)
