"""Networks without biases, and the N(0, 1)·0.1 initialisation, against references written here."""

import json

import numpy as np
import pytest
from scipy.special import expit

from backprop_tui.engine import HIDDEN_ACTIVATIONS, Network, TrainingSession, gradient_check
from backprop_tui.engine.io import load, save
from backprop_tui.engine.session import rebuild

from .conftest import make_dataset
from .test_gradients import PAIRS, batch


@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize(("output", "loss"), PAIRS)
@pytest.mark.parametrize("sizes", ["5-3", "5-6-3", "5-7-4-6-3"])
def test_backprop_without_biases_matches_finite_differences(hidden, output, loss, sizes):
    net = Network(sizes, hidden=hidden, output=output, loss=loss, seed=3, bias=False)
    x, y = batch(output)
    checks = gradient_check(net, x, y, l2=0.01, l1=0.001)
    assert len(checks) == net.n_layers
    for check, fan_in, fan_out in zip(checks, net.sizes, net.sizes[1:], strict=False):
        assert check.error < 1e-6, (hidden, output, loss, sizes, check)
        assert check.checked == fan_in * fan_out  # the weights, and nothing else


def test_flat_vector_holds_only_the_weights():
    net = Network("4-6-2", seed=0, bias=False)
    assert net.n_params == net.flat.size == 4 * 6 + 6 * 2
    for b in net.biases:
        np.testing.assert_array_equal(b, 0.0)
        with pytest.raises(ValueError):
            b[0] = 1.0  # fixed at zero: read-only
    np.testing.assert_array_equal(net.flat, np.concatenate([w.ravel() for w in net.weights]))


def test_forward_is_the_bias_free_composition():
    net = Network("3-5-4-2", hidden="sigmoid", output="sigmoid", loss="mse", init="normal",
                  seed=2, bias=False)
    x = np.random.default_rng(1).standard_normal((6, 3))
    a = x
    for w in net.weights:
        a = expit(a @ w)
    np.testing.assert_allclose(net.predict(x), a, rtol=1e-12)
    np.testing.assert_allclose(net.forward(x).a[-1], a, rtol=1e-12)


def test_training_never_creates_a_bias():
    dataset = make_dataset("regression")
    net = Network("5-6-3", output="linear", loss="mse", seed=0, bias=False)
    session = TrainingSession(dataset, net)
    session.run(30)
    assert session.network.flat.size == 5 * 6 + 6 * 3
    for b in session.network.biases:
        np.testing.assert_array_equal(b, 0.0)
    assert not rebuild(session.network, seed=1).bias
    assert not session.network.copy().bias


def test_saved_and_loaded_without_biases(tmp_path):
    net = Network("5-7-3", hidden="relu", seed=4, bias=False)
    loaded, _ = load(save(net, tmp_path / "net.npz"))
    assert not loaded.bias and loaded.flat.size == 5 * 7 + 7 * 3
    x = np.random.default_rng(0).standard_normal((4, 5))
    np.testing.assert_array_equal(loaded.predict(x), net.predict(x))


def test_files_from_before_the_option_load_with_biases(tmp_path):
    path = save(Network("5-7-3", seed=1), tmp_path / "old.npz")
    with np.load(path) as archive:
        meta, params = json.loads(str(archive["meta"])), archive["params"]
    del meta["bias"]
    np.savez(path, meta=np.array(json.dumps(meta)), params=params)
    loaded, _ = load(path)
    assert loaded.bias and loaded.flat.size == 5 * 7 + 7 + 7 * 3 + 3


@pytest.mark.parametrize(("init", "scale"), [("normal", 1.0), ("normal0.1", 0.1)])
def test_normal_initialisations_draw_weights_and_biases(init, scale):
    net = Network("300-400-2", init=init, seed=0)
    weights, biases = net.weights[0].ravel(), net.biases[0]
    assert abs(weights.mean()) < 0.01 * scale and abs(weights.std() / scale - 1) < 0.01
    assert abs(biases.mean()) < 0.2 * scale and abs(biases.std() / scale - 1) < 0.15
