"""Units switched off: a persistent 0 mask on hidden activations, in every pass."""

import numpy as np
import pytest

from backprop_tui.engine import HIDDEN_ACTIVATIONS, Network, gradient_check
from backprop_tui.errors import BackpropError


def data(rows: int = 9):
    rng = np.random.default_rng(5)
    return rng.standard_normal((rows, 4)), np.eye(3)[rng.integers(0, 3, rows)]


def off_and_zeroed(layer: int = 0, unit: int = 2) -> tuple[Network, Network]:
    """A net with a unit off, and a copy with that unit's outgoing weights zeroed."""
    net = Network("4-5-6-3", hidden="tanh", seed=1)
    zeroed = net.copy()
    net.set_unit(layer, unit, on=False)
    zeroed.weights[layer + 1][unit, :] = 0.0
    return net, zeroed


def test_all_units_on_by_default_and_toggling_back_clears_the_mask():
    net = Network("4-5-6-3", seed=0)
    assert net.unit_mask == [None, None] and net.off_units == ()
    net.set_unit(1, 3, on=False)
    assert net.off_units == ((1, 3),) and not net.unit_on(1, 3) and net.unit_on(1, 2)
    net.set_unit(1, 3, on=True)
    assert net.unit_mask == [None, None]


def test_bad_units_are_refused():
    net = Network("4-5-3", seed=0)
    with pytest.raises(BackpropError):
        net.set_unit(1, 0, on=False)  # the output layer
    with pytest.raises(BackpropError):
        net.set_unit(0, 5, on=False)


def test_predict_and_forward_equal_zeroed_outgoing_weights():
    net, zeroed = off_and_zeroed()
    x, _ = data()
    np.testing.assert_allclose(net.predict(x), zeroed.predict(x))
    trace = net.forward(x)
    np.testing.assert_allclose(trace.a[-1], zeroed.forward(x).a[-1])
    assert not trace.a[1][:, 2].any()


def test_backward_equals_zeroed_outgoing_weights_except_that_row():
    net, zeroed = off_and_zeroed()
    x, y = data()
    got, want = net.gradients(x, y), zeroed.gradients(x, y)
    assert got.cost == pytest.approx(want.cost)
    np.testing.assert_allclose(got.dW[0], want.dW[0])  # the off unit gets no gradient
    assert not got.dW[0][:, 2].any() and not got.db[0][2]
    np.testing.assert_allclose(got.dW[2], want.dW[2])
    assert not got.dW[1][2].any()  # its outgoing weights see a 0 input


def test_copies_keep_their_own_masks():
    net, _ = off_and_zeroed()
    clone = net.copy()
    clone.set_unit(0, 2, on=True)
    assert net.off_units == ((0, 2),) and clone.off_units == ()


@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_gradient_check_passes_with_a_unit_off(hidden):
    net = Network("4-5-6-3", hidden=hidden, seed=3)
    for b in net.biases:
        b[:] = np.random.default_rng(7).normal(0, 0.1, b.shape)
    net.set_unit(0, 1, on=False)
    net.set_unit(1, 4, on=False)
    x, y = data()
    for check in gradient_check(net, x, y, l2=0.01, l1=0.001):
        assert check.ok, (hidden, check)
