"""Backprop's gradients against central finite differences, for every combination."""

import numpy as np
import pytest

from backprop_tui.engine import HIDDEN_ACTIVATIONS, Network, gradient_check

PAIRS = [("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy"),
         ("sigmoid", "mse"), ("linear", "mse")]


def batch(output: str, rows: int = 7, inputs: int = 5, outputs: int = 3):
    rng = np.random.default_rng(42)
    x = rng.standard_normal((rows, inputs))
    if output == "softmax":
        y = np.eye(outputs)[rng.integers(0, outputs, rows)]
    elif output == "sigmoid":
        y = (rng.random((rows, outputs)) > 0.5).astype(float)
    else:
        y = rng.standard_normal((rows, outputs))
    return x, y


@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize(("output", "loss"), PAIRS)
@pytest.mark.parametrize("sizes", ["5-3", "5-6-3", "5-7-4-6-3"])
def test_backprop_matches_finite_differences(hidden, output, loss, sizes):
    net = Network(sizes, hidden=hidden, output=output, loss=loss, seed=3)
    for b in net.biases:  # non-zero biases keep (leaky) ReLU units off their kink at z = 0
        b[:] = np.random.default_rng(7).normal(0, 0.1, b.shape)
    x, y = batch(output)
    checks = gradient_check(net, x, y, l2=0.01, l1=0.001)
    assert len(checks) == net.n_layers
    for check in checks:
        assert check.error < 1e-6, (hidden, output, loss, sizes, check)
        assert check.ok


def test_check_samples_large_layers_and_restores_weights():
    net = Network("40-30-3", seed=0)
    before = net.flat.copy()
    x, y = batch("softmax", inputs=40)
    checks = gradient_check(net, x, y, max_per_layer=50)
    assert [c.checked for c in checks] == [50 + 30, 50 + 3]
    assert all(c.ok for c in checks)
    np.testing.assert_array_equal(net.flat, before)


def test_corrupted_gradient_fails_the_check():
    net = Network("5-6-3", seed=0)
    x, y = batch("softmax")
    grads = [g.copy() for g in net.gradients(x, y).grads]
    grads[2][0, 0] += 0.05  # the output layer's first weight
    checks = gradient_check(net, x, y, gradients=grads)
    assert checks[0].ok
    assert not checks[1].ok and checks[1].error > 1e-3


def test_gradients_do_not_change_weights_and_trace_is_consistent():
    net = Network("5-6-4-3", hidden="relu", seed=1)
    x, y = batch("softmax")
    before = net.flat.copy()
    trace = net.gradients(x, y)
    np.testing.assert_array_equal(net.flat, before)
    assert [z.shape for z in trace.z] == [(7, 6), (7, 4), (7, 3)]
    np.testing.assert_allclose(trace.a[1], np.maximum(trace.z[0], 0))
    np.testing.assert_allclose(trace.a[-1], net.predict(x))
    np.testing.assert_allclose(trace.a[-1].sum(axis=1), 1.0)
    # δ_L = (a − y)/m for the matched softmax pair; dW = aᵀ·δ
    np.testing.assert_allclose(trace.delta[-1], (trace.a[-1] - y) / len(y))
    np.testing.assert_allclose(trace.dW[1], trace.a[1].T @ trace.delta[1])


def test_losses_are_stable_for_extreme_outputs():
    x = np.array([[1.0]])
    for output, loss, y in [("softmax", "cross_entropy", [[1.0, 0.0]]),
                            ("sigmoid", "binary_cross_entropy", [[1.0, 0.0]])]:
        net = Network("1-2", output=output, loss=loss, seed=0)
        net.weights[0][:] = [[-800.0, 800.0]]
        cost = net.cost(x, np.array(y))
        assert np.isfinite(cost) and cost > 100
        assert np.all(np.isfinite(net.gradients(x, np.array(y)).grad))


def test_float32_network_stays_float32():
    net = Network("5-6-3", dtype="float32", seed=0)
    x, y = batch("softmax")
    trace = net.gradients(x, y)
    assert net.flat.dtype == np.float32
    assert trace.grad.dtype == np.float32 and trace.a[-1].dtype == np.float32
