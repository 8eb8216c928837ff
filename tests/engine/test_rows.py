"""TrainingSession.add_rows / remove_rows / clear_rows: the training rows change exactly as
asked, the test rows never, and a session with no training rows refuses to step."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui import data
from backprop_tui.engine import (
    BackpropError,
    Hyperparameters,
    Network,
    NoTrainingRows,
    TrainingSession,
)


def session(**hyper: object) -> TrainingSession:
    dataset = data.load("xor", samples=40)
    network = Network((2, 4, 2), hidden="tanh", output="softmax", loss="cross_entropy", seed=1)
    return TrainingSession(dataset, network, Hyperparameters(batch_size=8, **hyper), seed=2)


def test_add_then_remove_rows_changes_only_the_training_rows():
    s = session()
    s.run(3)
    x, y, x_test, y_test = s.x_train.copy(), s.y_train.copy(), s.x_test.copy(), s.y_test.copy()
    new_x, new_y = np.array([[0.5, 0.5], [-0.5, 0.5]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    s.add_rows(new_x, new_y)
    np.testing.assert_array_equal(s.x_train, np.vstack([x, new_x]))
    np.testing.assert_array_equal(s.y_train, np.vstack([y, new_y]))
    s.remove_rows([0, 20])  # the first row and the first added one
    np.testing.assert_array_equal(s.x_train, np.vstack([x[1:], new_x[1:]]))
    np.testing.assert_array_equal(s.y_train, np.vstack([y[1:], new_y[1:]]))
    np.testing.assert_array_equal(s.x_test, x_test)
    np.testing.assert_array_equal(s.y_test, y_test)
    assert sorted(s.epoch_order) == list(range(20)) and s.step_count == 3
    s.run(5)  # trains on the edited rows
    assert s.step_count == 8


def test_bad_edits_are_refused_and_change_nothing():
    s = session(early_stopping=True)
    x = s.x_train.copy()
    with pytest.raises(BackpropError, match="rows need 2 inputs, 2 targets"):
        s.add_rows(np.zeros((1, 3)), np.zeros((1, 2)))
    with pytest.raises(BackpropError, match="numbered 0 to 19"):
        s.remove_rows([20])
    s.remove_rows(np.arange(18))
    with pytest.raises(BackpropError, match="validation"):  # one row cannot be split
        s.remove_rows([0])
    np.testing.assert_array_equal(s.x_train, x[18:])


def test_no_training_rows_means_no_step():
    s = session()
    s.run(2)
    s.clear_rows()
    assert len(s.x_train) == 0 and s.epoch_progress == 0
    with pytest.raises(NoTrainingRows):
        s.step()
    assert s.step_count == 2 and np.isnan(s.evaluate("train")["cost"])
