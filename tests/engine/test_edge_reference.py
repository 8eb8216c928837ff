"""Edge cases found by mutation testing: stability, ties and boundaries, each against a value
worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_tui.engine import (
    BackpropError,
    EarlyStopping,
    Hyperparameters,
    correct,
    evaluate,
    get_activation,
    make_loss,
    make_optimizer,
    make_schedule,
)


def test_softmax_and_cross_entropy_shift_each_row_by_its_own_maximum():
    """Rows on very different scales: a shift by the batch's maximum would underflow the
    second row to log 0."""
    z = np.array([[800.0, 0.0], [0.0, 1.0]])
    y = np.array([[0.0, 1.0], [0.0, 1.0]])
    softmax = get_activation("softmax", hidden=False).forward(z, np.empty_like(z))
    e = math.e
    np.testing.assert_allclose(softmax, [[1.0, 0.0], [1 / (1 + e), e / (1 + e)]], rtol=1e-12)
    loss = make_loss("cross_entropy", "softmax")
    expected = (800.0 + (math.log(1 + e) - 1.0)) / 2  # −log softmax(z)_y per row, averaged
    assert loss.cost(z, softmax, y) == pytest.approx(expected, rel=1e-12)


def test_an_output_of_exactly_one_half_is_a_zero_bit_everywhere():
    y = np.array([[1.0, 0.0], [0.0, 0.0]])
    output = np.array([[0.5, 0.2], [0.5, 0.1]])
    np.testing.assert_array_equal(correct("bits", y, output), [False, True])
    assert evaluate("bits", y, output) == {"bit_accuracy": 0.75, "word_accuracy": 0.5}


def test_regression_rows_are_right_within_a_tenth_of_a_unit_by_default():
    y = np.zeros((3, 1))
    np.testing.assert_array_equal(correct("regression", y, np.array([[0.0625], [0.125], [-0.5]])),
                                  [True, False, False])
    np.testing.assert_array_equal(correct("regression", y[:1], np.array([[0.25]]), tolerance=0.25),
                                  [True])


def test_adaptive_counts_a_fall_of_exactly_tol_as_progress():
    schedule, hyper = make_schedule("adaptive"), Hyperparameters(learning_rate=1.0, tol=0.5)
    for cost in (4.0, 3.5, 3.0, 2.5, 2.5, 2.25):  # exactly tol lower each time, then stuck
        schedule.end_epoch(hyper, cost)
    assert schedule.rate(hyper, 6) == pytest.approx(1 / 5)  # one division: the last two only


def test_early_stopping_keeps_the_first_of_equally_good_epochs():
    stopping, weights = EarlyStopping(), np.zeros(2)
    reasons = []
    for epoch, cost in enumerate([3.0, 1.0, 1.0, 2.0, 2.0], start=1):
        weights[:] = epoch
        reasons.append(stopping.update(epoch, cost, weights, tol=0.0, patience=2))
    assert reasons[:4] == [None] * 4 and reasons[4] is not None
    assert stopping.best_epoch == 2
    np.testing.assert_array_equal(weights, [2.0, 2.0])


def test_unknown_optimizer_names_the_choices():
    with pytest.raises(BackpropError, match=r"unknown optimizer 'adagrad'; choose one of: sgd, "
                                            r"momentum, nesterov, adam, rmsprop"):
        make_optimizer("adagrad", np.zeros(3))


def test_backward_without_penalties_adds_none():
    """``backward(trace, y)`` with no λ given: the cost is the loss alone, as written here."""
    from backprop_tui.engine import Network

    net = Network("3-4-2", hidden="tanh", output="linear", loss="mse", seed=1)
    x = np.random.default_rng(0).standard_normal((5, 3))
    y = np.random.default_rng(1).standard_normal((5, 2))
    trace = net.backward(net.forward(x), y)
    a = np.tanh(x @ net.weights[0] + net.biases[0]) @ net.weights[1] + net.biases[1]
    assert trace.cost == pytest.approx(0.5 * np.sum((a - y) ** 2) / len(y), rel=1e-12)


def test_l1_gradient_of_a_zero_weight_is_zero():
    """The L1 term's subgradient at W = 0 is sign(0) = 0: a weight at exactly zero gets only
    the loss gradient (which is zero here too, since its input is zero)."""
    from backprop_tui.engine import Network

    net = Network("2-1", output="linear", loss="mse", seed=0)
    net.weights[0][:] = [[0.0], [0.5]]
    x = np.array([[0.0, 1.0]])
    y = np.array([[0.5]])
    trace = net.gradients(x, y, l1=0.1)
    # loss gradient: a − y = 0.5·1 + b − 0.5 = b = 0 (Glorot biases start at 0)
    np.testing.assert_array_equal(trace.dW[0], [[0.0], [0.1]])
