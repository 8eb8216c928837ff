"""Normalisation in a run: N's recorded Cycle, the inspector's normalise stages against numpy,
the gradient check's γ/β rows, snapshots, rewind, the lab, configs and loading."""

from __future__ import annotations

import gc
from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.engine.io import save
from backprop_tui.errors import BackpropError
from backprop_tui.live.commands import Cycle, LabBias, Rewind, Step
from backprop_tui.live.config import PRESETS, RunConfig, build_session
from backprop_tui.live.gradcheck import check_gradients
from backprop_tui.live.inspector import inspect
from backprop_tui.live.record import read
from backprop_tui.live.runfile import config_values, current_config
from backprop_tui.live.snapshot import take_snapshot
from backprop_tui.live.timeline import CHECKPOINT_EVERY
from backprop_tui.live.trainer import Trainer
from backprop_tui.replay import replay

EPS = 1e-5


def circle(**changes) -> RunConfig:
    """2-8-8-2 tanh → softmax on the circle set (small, fast)."""
    return replace(PRESETS["circle"].config, paused=True, **changes)


def test_cycle_norm_goes_none_batch_layer_none_with_new_weights_and_is_recorded(tmp_path):
    path = tmp_path / "run.jsonl"
    trainer = Trainer(circle(record=str(path)))
    trainer.apply(Step(5))
    seen = []
    for _ in range(3):
        trainer.apply(Cycle("norm"))
        seen.append((trainer.session.network.norm, trainer.session.step_count))
        trainer.apply(Step(7))
    assert seen == [("batch", 0), ("layer", 0), ("none", 0)]
    trainer.apply(Cycle("norm"))
    assert trainer.message == "new network 2-8-8-2 tanh, batch norm: weights re-initialised"
    trainer.apply(Step(9))
    weights, state = trainer.session.network.flat.copy(), trainer.session.network.state.copy()
    del trainer
    gc.collect()  # the recording's end line is written when the trainer goes
    replayed = replay(read(path)).session.network
    assert replayed.norm == "batch"
    np.testing.assert_array_equal(replayed.flat, weights)
    np.testing.assert_array_equal(replayed.state, state)  # the running statistics too


def test_rewind_restores_the_running_statistics():
    trainer = Trainer(circle(norm="batch"))
    trainer.apply(Step(CHECKPOINT_EVERY))
    then = trainer.session.network.state.copy()
    trainer.apply(Step(30))
    assert not np.array_equal(trainer.session.network.state, then)
    trainer.apply(Rewind())
    np.testing.assert_array_equal(trainer.session.network.state, then)


def reference_pass(session):
    """Forward and backward of the next mini-batch in numpy, the batch-norm backward in its
    long (μ, σ² chain rule) form: per hidden layer z, μ, σ², ẑ, y, a, ∂C/∂y, δ, ∂C/∂γ, ∂C/∂β."""
    net = session.network
    rows = session.next_rows()
    x, y = session.x_train[rows], session.y_train[rows]
    m = len(x)
    layers, a = [], x
    for w, scale in zip(net.weights[:-1], net.scales, strict=True):
        z = a @ w
        mean, var = z.mean(axis=0), z.var(axis=0)
        hat = (z - mean) / np.sqrt(var + EPS)
        out = scale[0] * hat + scale[1]
        layers.append({"z": z, "mean": mean, "var": var, "hat": hat, "y": out,
                       "a": np.tanh(out), "input": a})
        a = np.tanh(out)
    logits = a @ net.weights[-1] + net.biases[-1]
    output = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    delta = (output - y) / m  # softmax + cross-entropy, averaged over the rows
    below = net.weights[-1]
    for index in reversed(range(len(layers))):
        layer, scale = layers[index], net.scales[index]
        d_y = (delta @ below.T) * (1 - layer["a"] ** 2)
        d_hat = d_y * scale[0]
        d_var = np.sum(d_hat * (layer["z"] - layer["mean"]), axis=0) * -0.5 \
            * (layer["var"] + EPS) ** -1.5
        d_mean = -np.sum(d_hat, axis=0) / np.sqrt(layer["var"] + EPS) \
            + d_var * np.mean(-2 * (layer["z"] - layer["mean"]), axis=0)
        delta = d_hat / np.sqrt(layer["var"] + EPS) + d_var * 2 * (layer["z"] - layer["mean"]) \
            / m + d_mean / m
        layer.update(d_y=d_y, delta=delta, d_gamma=np.sum(d_y * layer["hat"], axis=0),
                     d_beta=d_y.sum(axis=0), dW=layer["input"].T @ delta)
        below = net.weights[index]
    return m, layers


def shown(stage, name):
    [numbers] = [n for n in stage.numbers if n.name.startswith(name)]
    return numbers


def assert_shows(stage, name, want, rtol=1e-8):
    """The stage's array called ``name`` is ``want``: in full, or its summary and largest
    entries when too large to show whole."""
    numbers = shown(stage, name)
    if numbers.full is not None:
        np.testing.assert_allclose(np.ravel(numbers.full), np.ravel(want), rtol=rtol, atol=1e-14)
        return
    want = np.reshape(want, numbers.shape)
    np.testing.assert_allclose(numbers.summary, (want.mean(), want.std(), want.min(),
                                                 want.max()), rtol=rtol, atol=1e-14)
    for index, value in numbers.top:
        assert value == pytest.approx(want[index], rel=rtol, abs=1e-14)
    assert abs(numbers.top[0][1]) == pytest.approx(np.abs(want).max(), rel=rtol)


def test_inspector_normalise_stages_show_numpy_numbers():
    session, _ = build_session(circle(norm="batch"))
    session.run(25)
    rng = np.random.default_rng(0)
    for scale in session.network.scales:  # γ ≠ 1, β ≠ 0: a swapped term would show
        scale[:] = rng.normal([[1.0], [0.2]], 0.2, scale.shape)
    inspection = inspect(session)
    m, layers = reference_pass(session)
    kinds = [(s.kind, s.layer) for s in inspection.stages]
    assert kinds[:5] == [("forward", 1), ("normalise", 1), ("forward", 2), ("normalise", 2),
                         ("forward", 3)]
    assert kinds[5:10] == [("backward", 3), ("backward", 2), ("normalise backward", 2),
                           ("backward", 1), ("normalise backward", 1)]
    for n, want in enumerate(layers, start=1):
        forward = inspection.stages[kinds.index(("forward", n))]
        assert forward.equation.startswith(f"z{'₁₂'[n - 1]} = a")
        assert "no bias: β" in forward.equation
        assert_shows(forward, "z", want["z"])
        stage = inspection.stages[kinds.index(("normalise", n))]
        assert "(z" in stage.equation and "− μ_B) / √(σ²_B + ε)" in stage.equation
        assert "⊙ ẑ" in stage.equation and "over the batch's 10 rows" in stage.equation
        for name, key in (("μ_B", "mean"), ("σ²_B", "var"), ("ẑ", "hat"), ("y", "y"),
                          ("a", "a")):
            assert_shows(stage, name, want[key])
        back = inspection.stages[kinds.index(("normalise backward", n))]
        assert "∂C/∂z" in back.equation and "Σ_rows" in back.equation
        for name, key, scale in (("δ", "delta", m), ("∂C/∂γ", "d_gamma", 1),
                                 ("∂C/∂β", "d_beta", 1)):
            assert_shows(back, name, want[key] * scale)
        dy = inspection.stages[kinds.index(("backward", n))]
        assert_shows(dy, "∂C/∂y", want["d_y"] * m)
        gradient = inspection.stages[kinds.index(("gradient", n))]
        assert_shows(gradient, "∂C/∂W", want["dW"])
        update = inspection.stages[kinds.index(("update", n))]
        assert "γ" in update.equation and {"ΔW", "Δγ", "Δβ"} <= {
            number.name[:2] for number in update.numbers}


def test_layer_norm_stage_averages_over_the_units():
    session, _ = build_session(circle(norm="layer"))
    inspection = inspect(session)
    stage = next(s for s in inspection.stages if s.kind == "normalise")
    assert "each row's mean and variance over the layer's 8 units" in stage.equation
    rows = session.next_rows()
    z = session.x_train[rows] @ session.network.weights[0] + session.network.biases[0]
    assert_shows(stage, "μ", z.mean(axis=1, keepdims=True))
    assert_shows(stage, "σ²", z.var(axis=1, keepdims=True))
    assert shown(stage, "μ").shape == (10, 1)


def test_inspecting_one_row_under_batch_norm_says_why_y_is_beta():
    session, _ = build_session(circle(norm="batch"))
    assert any("ẑ = 0" in note for note in inspect(session, 3).notes)


def test_gradient_check_reports_gamma_beta_per_hidden_layer():
    for norm in ("batch", "layer"):
        session, _ = build_session(circle(norm=norm))
        session.run(20)
        report = check_gradients(session)
        assert report.ok, report
        assert [row.norm_error is not None for row in report.rows] == [True, True, False]
        tag = {"batch": "BN", "layer": "LN"}[norm]
        assert report.rows[0].shape == f"2→8 tanh+{tag}"
        assert (report.rows[0].bias_error is None) == (norm == "batch")
        assert any("batch's own statistics" in note for note in report.notes) == \
            (norm == "batch")


def test_snapshot_and_config_carry_the_norm(tmp_path):
    session, _ = build_session(circle(norm="batch"))
    session.run(3)
    snapshot = take_snapshot(session)
    assert snapshot.norm == "batch"
    assert [layer.bias_mean is None for layer in snapshot.layers] == [True, True, False]
    config = current_config(circle(), snapshot)
    assert config.norm == "batch" and config_values(config)["norm"] == "batch"


def test_the_lab_refuses_a_bias_batch_norm_removed():
    trainer = Trainer(circle(norm="batch"))
    with pytest.raises(BackpropError, match="batch norm's β takes their place"):
        trainer.apply(LabBias(1, 0, 0.5))
    trainer.apply(LabBias(3, 0, 0.5))  # the output layer keeps its bias
    assert trainer.session.network.biases[-1][0] == 0.5


def test_a_loaded_batch_norm_network_keeps_its_statistics_in_float32(tmp_path):
    session, _ = build_session(circle(norm="batch"))
    session.run(40)
    path = save(session.network, tmp_path / "bn.npz")
    loaded, _ = build_session(circle(weights=str(path), dtype="float32"))
    network = loaded.network
    assert network.norm == "batch" and network.dtype == np.float32
    np.testing.assert_allclose(network.state, session.network.state, rtol=1e-6)
    x = session.x_test[:20]
    np.testing.assert_allclose(network.predict(x), session.network.predict(x), atol=1e-5)


def test_overfitting_one_batch_trains_with_the_batchs_statistics():
    from backprop_tui.live.overfit import overfit_batch

    session, _ = build_session(circle(norm="batch"))
    before = session.network.state.copy()
    report = overfit_batch(session)
    assert report.passed, report.verdict
    np.testing.assert_array_equal(session.network.state, before)  # the run is untouched
