"""Batch and layer normalisation against a numpy reference written here: gradients by finite
differences of the reference cost, running statistics, train/eval modes, save/load, and the
default (no normalisation) left bit-identical."""

import hashlib
import json
import zipfile
from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.engine import BackpropError, Hyperparameters, Network, TrainingSession
from backprop_tui.engine.io import load, save

EPS = 1e-5  # ε under the square root, as the textbook (and PyTorch) default


def reference_cost(weights, biases, scales, x, y, norm, hidden, stats=None):
    """Softmax cross-entropy of an MLP whose hidden layers normalise a·W + b (batch: over the
    rows, or with fixed ``stats`` per layer; layer: over the units), then scale by γ and
    shift by β; returns (cost, output)."""
    a = x
    for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = a @ w + b
        if layer == len(weights) - 1:
            z = z - z.max(axis=1, keepdims=True)
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            return -np.mean(np.sum(y * np.log(p), axis=1)), p
        if norm == "batch" and stats is not None:
            mean, var = stats[layer]
        else:
            axis = 0 if norm == "batch" else 1
            mean, var = z.mean(axis=axis, keepdims=True), z.var(axis=axis, keepdims=True)
        gamma, beta = scales[layer]
        a = hidden(gamma * (z - mean) / np.sqrt(var + EPS) + beta)
    raise AssertionError("unreachable")


HIDDEN = {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
          "relu": lambda z: np.maximum(z, 0)}


def random_network(norm, hidden="tanh", sizes="5-6-4-3", seed=2):
    net = Network(sizes, hidden=hidden, norm=norm, seed=seed)
    rng = np.random.default_rng(seed + 10)
    for scale in net.scales:  # γ ≠ 1 and β ≠ 0, so a swapped or missing term shows
        scale[:] = rng.normal([[1.0], [0.0]], 0.3, scale.shape)
    for b in net.biases:
        if b.flags.writeable:
            b[:] = rng.normal(0, 0.1, b.shape)
    return net


def data(rows=7, inputs=5, outputs=3, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((rows, inputs)), np.eye(outputs)[rng.integers(0, outputs, rows)]


def numeric_gradient(cost, array, h=1e-6):
    grad = np.zeros_like(array)
    flat, out = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        plus = cost()
        flat[i] = saved - h
        minus = cost()
        flat[i] = saved
        out[i] = (plus - minus) / (2 * h)
    return grad


@pytest.mark.parametrize("norm", ["batch", "layer"])
@pytest.mark.parametrize("hidden", list(HIDDEN))
def test_backprop_matches_finite_differences_of_the_reference(norm, hidden):
    net = random_network(norm, hidden)
    x, y = data()
    trace = net.gradients(x, y)

    def cost():  # the reference, on the network's live (perturbed) arrays, batch statistics
        return reference_cost(net.weights, net.biases, net.scales, x, y, norm, HIDDEN[hidden])[0]

    assert trace.cost == pytest.approx(cost(), rel=1e-12)
    arrays = [*net.weights, *(b for b in net.biases if b.flags.writeable), *net.scales]
    grads = [*trace.dW, *(g for g, b in zip(trace.db, net.biases, strict=True)
                          if b.flags.writeable), *trace.d_scale]
    for array, grad in zip(arrays, grads, strict=True):
        np.testing.assert_allclose(grad, numeric_gradient(cost, array), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_gradient_check_covers_gamma_and_beta(norm):
    from backprop_tui.engine import gradient_check

    net = random_network(norm, sizes="5-6-4-4-3")
    x, y = data()
    checks = gradient_check(net, x, y, l2=0.01, l1=0.001)
    assert [c.norm_error is not None for c in checks] == [True, True, True, False]
    assert all(c.ok for c in checks), checks
    assert checks[0].checked == 5 * 6 + (0 if norm == "batch" else 6) + 2 * 6
    grads = [g.copy() for g in net.gradients(x, y).grads]
    grads[-1][0, 1] += 0.05  # the last hidden layer's γ of unit 1
    corrupted = gradient_check(net, x, y, gradients=grads)
    assert [c.ok for c in corrupted] == [True, True, False, True]


def test_batch_norm_layers_have_no_bias_and_penalties_skip_gamma_beta():
    net = random_network("batch", sizes="5-6-4-3")
    # weights 5·6 + 6·4 + 4·3, the output layer's 3 biases, γ and β of 6 + 4 units
    assert net.n_params == 66 + 3 + 2 * 10
    assert [net.has_bias(layer) for layer in range(3)] == [False, False, True]
    assert Network("5-6-3", norm="layer").n_params == 30 + 18 + 9 + 2 * 6
    x, y = data()
    plain, penalised = net.gradients(x, y), net.gradients(x, y, l2=0.1, l1=0.01)
    for g, h in zip(plain.d_scale, penalised.d_scale, strict=True):
        np.testing.assert_array_equal(g, h)
    weights = np.concatenate([w.ravel() for w in net.weights])
    expected = 0.5 * 0.1 * weights @ weights + 0.01 * np.abs(weights).sum()
    assert penalised.cost - plain.cost == pytest.approx(expected, rel=1e-12)


def test_running_statistics_follow_the_formula_and_eval_uses_them(toy):
    net = Network("5-6-4-3", norm="batch", seed=0)
    session = TrainingSession(toy, net, Hyperparameters(learning_rate=0.1, batch_size=8))
    expected = [np.array([np.zeros(6), np.ones(6)]), np.array([np.zeros(4), np.ones(4)])]
    for _ in range(3):
        x = session.x_train[session.next_rows()]
        a, weights, scales = x, [w.copy() for w in net.weights], [s.copy() for s in net.scales]
        for layer in range(2):  # the batch's statistics, with the weights before the step
            z = a @ weights[layer]
            mean, var = z.mean(axis=0), z.var(axis=0)
            expected[layer] = 0.9 * expected[layer] + 0.1 * np.array(
                [mean, var * len(x) / (len(x) - 1)])
            a = np.tanh(scales[layer][0] * (z - mean) / np.sqrt(var + EPS) + scales[layer][1])
        session.step()
    for running, want in zip(net.running_views, expected, strict=True):
        np.testing.assert_allclose(running, want, rtol=1e-12, atol=1e-15)

    x, y = data(rows=9)
    stats = [(r[0], r[1]) for r in net.running_views]
    want_cost, want = reference_cost(net.weights, net.biases, net.scales, x, y, "batch",
                                     np.tanh, stats)
    np.testing.assert_allclose(net.predict(x), want, rtol=1e-12)
    np.testing.assert_allclose(net.forward(x).a[-1], want, rtol=1e-12)
    trained = net.forward(x, training=True).a[-1]
    _, batch_stats = reference_cost(net.weights, net.biases, net.scales, x, y, "batch", np.tanh)
    np.testing.assert_allclose(trained, batch_stats, rtol=1e-12)
    assert np.abs(trained - want).max() > 1e-3  # the two modes really differ
    # evaluation passes and gradient checks never move the running statistics
    before = net.state.copy()
    net.gradients(x, y), net.cost(x, y), net.predict(x), session.evaluate("test")
    np.testing.assert_array_equal(net.state, before)


def test_layer_norm_is_the_same_in_training_and_evaluation(toy):
    net = random_network("layer")
    x, y = data(rows=9)
    _, want = reference_cost(net.weights, net.biases, net.scales, x, y, "layer", np.tanh)
    for output in (net.predict(x), net.forward(x).a[-1], net.forward(x, training=True).a[-1]):
        np.testing.assert_allclose(output, want, rtol=1e-12)
    assert net.n_running == 0 and net.running_views == []


def test_a_batch_of_one_stays_finite():
    net = random_network("batch")
    x, y = data(rows=1)
    trace = net.gradients(x, y)
    assert np.isfinite(trace.grad).all() and np.isfinite(trace.cost)


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_save_and_load_round_trip(tmp_path, toy, norm):
    net = Network("5-6-4-3", norm=norm, seed=3, dtype="float32")
    TrainingSession(toy, net, Hyperparameters(learning_rate=0.1, batch_size=8)).run(12)
    path = save(net, tmp_path / "net.npz")
    loaded, _ = load(path)
    assert loaded.norm == norm and loaded.describe() == net.describe()
    x = np.random.default_rng(0).standard_normal((6, 5))
    np.testing.assert_array_equal(loaded.predict(x), net.predict(x))
    np.testing.assert_array_equal(loaded.state, net.state)
    with np.load(path) as archive:
        assert archive["running"].size == (2 * (6 + 4) if norm == "batch" else 0)


def test_old_files_without_norm_load_unnormalised(tmp_path):
    path = save(Network("5-6-3", seed=1), tmp_path / "old.npz")
    with np.load(path) as archive:
        meta, params = json.loads(str(archive["meta"])), archive["params"]
    del meta["norm"]
    np.savez(path, meta=np.array(json.dumps(meta)), params=params)
    loaded, _ = load(path)
    assert loaded.norm == "none"
    np.testing.assert_array_equal(loaded.flat, params)


def test_a_batch_norm_file_without_running_statistics_is_refused(tmp_path):
    path = save(Network("5-6-3", norm="batch"), tmp_path / "bn.npz")
    with zipfile.ZipFile(path) as archive:
        kept = {name: archive.read(name) for name in archive.namelist()
                if name != "running.npy"}
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in kept.items():
            archive.writestr(name, content)
    with pytest.raises(BackpropError, match="running statistics are missing"):
        load(path)


def test_unknown_norm_is_one_clear_error():
    with pytest.raises(BackpropError, match="unknown normalisation 'group'; choose one of: "
                                            "none, batch, layer"):
        Network("2-3-1", norm="group")


def test_copies_keep_their_own_running_statistics():
    net = Network("5-6-3", norm="batch")
    clone = net.copy()
    clone.running_views[0][0] += 1.0
    clone.scales[0][1] += 1.0
    assert net.running_views[0][0].sum() == 0 and net.scales[0][1].sum() == 0


DIGESTS = {  # sha256 of the weights after 120 steps, recorded before normalisation existed
    "adder": ("da0b4946a75712c9", 1.9054882184977762),
    "circle": ("60ce27a240031d73", 0.5612574098404842),
    "regression-post": ("48e697da9f491826", 0.5587735722333188),
    "digits": ("f9a6a3a7cbeb3af8", 0.36341622293429804),  # with dropout 0.2 and L2 1e-3
}


@pytest.mark.parametrize("preset", list(DIGESTS))
def test_no_normalisation_leaves_training_bit_identical(preset):
    from backprop_tui.live.config import PRESETS, build_session

    config = PRESETS[preset].config
    if preset == "digits":
        config = replace(config, hyper=replace(config.hyper, dropout=0.2, l2=1e-3))
    session, _ = build_session(config)
    assert session.network.norm == "none"
    session.run(120)
    digest = hashlib.sha256(session.network.flat.tobytes()).hexdigest()[:16]
    assert (digest, session.evaluate("test")["cost"]) == DIGESTS[preset]


def test_early_stopping_restores_the_running_statistics_with_the_weights(toy):
    from backprop_tui.engine import Stopped

    net = Network("5-6-3", norm="batch", seed=0)
    hyper = Hyperparameters(learning_rate=0.3, batch_size=4, early_stopping=True, patience=2,
                            validation_fraction=0.25)
    session = TrainingSession(toy, net, hyper)
    with pytest.raises(Stopped):
        for _ in range(5000):
            session.step()
    best = session.early_stop.best_weights
    assert best is not None and best.shape == (net.n_params + net.n_running,)
    np.testing.assert_array_equal(net.state, best)


def test_backward_after_an_evaluation_pass_treats_the_running_statistics_as_constants():
    net = random_network("batch")
    rng = np.random.default_rng(5)
    for running in net.running_views:
        running[:] = [rng.normal(0, 0.5, running.shape[1]), rng.uniform(0.5, 2, running.shape[1])]
    x, y = data()
    trace = net.backward(net.forward(x), y)  # evaluation mode: the running statistics
    stats = [(r[0], r[1]) for r in net.running_views]

    def cost():
        return reference_cost(net.weights, net.biases, net.scales, x, y, "batch", np.tanh,
                              stats)[0]

    for array, grad in zip([*net.weights, *net.scales], [*trace.dW, *trace.d_scale],
                           strict=True):
        np.testing.assert_allclose(grad, numeric_gradient(cost, array), rtol=1e-5, atol=1e-8)
