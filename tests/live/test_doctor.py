"""The training doctor: each rule fires on a run built to have its problem, its evidence
numbers match a computation written here in numpy, its fix (typed commands) makes the finding
go, and the healthy presets raise no finding (the full presets × 5 seeds count is
scripts/doctor_false_alarms.py)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.live.breakpoints import probe_rows
from backprop_tui.live.commands import Rebuild, SetHyper, Step
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.doctor import RULES, Doctor, Finding, diagnose
from backprop_tui.live.record import decode, encode, read
from backprop_tui.live.trainer import Trainer
from backprop_tui.replay import replay

HEALTHY = tuple(name for name, preset in PRESETS.items() if not preset.patient)
"""adder, regression, mnist, digits, celsius, circle, xor, gauss, moons, blobs, function,
plane, spiral, gaussians: every preset not shown for training badly (the blog posts' set-ups
and deep-sigmoid are the patients)."""
F = {"relu": lambda z: np.maximum(z, 0.0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
     "tanh": np.tanh, "linear": lambda z: z}
SLOPE = {"relu": lambda z, a: (z > 0) * 1.0, "sigmoid": lambda z, a: a * (1 - a),
         "tanh": lambda z, a: 1 - a**2, "linear": lambda z, a: np.ones_like(z)}


def session_for(preset: str, hyper: dict | None = None, **changes):
    config = PRESETS[preset].config
    if hyper:
        config = replace(config, hyper=replace(config.hyper, **hyper))
    return build_session(replace(config, **changes))[0]


def finding(session, rule: str, since: int = 0) -> Finding:
    found = {f.id: f for f in diagnose(session, since)}
    assert rule in found, f"{rule} did not fire: {sorted(found)}"
    return found[rule]


def numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*\.?\d*(?:e[-+]?\d+)?", text)]


def forward(session, x):
    """Every layer's (z, a), written out: hidden activation, then softmax or linear."""
    net, a, layers = session.network, x, []
    for index, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        z = a @ w + b
        if index < net.n_layers - 1:
            a = F[net.hidden.name](z)
        elif net.loss.output.name == "softmax":
            a = np.exp(z - z.max(axis=1, keepdims=True))
            a /= a.sum(axis=1, keepdims=True)
        else:
            a = F[net.loss.output.name](z)
        layers.append((z, a))
    return layers


def error_rms(session) -> list[float]:
    """RMS of δ = ∂C/∂z per layer on the probe rows, for softmax + cross-entropy."""
    rows = probe_rows(session)
    x, y = session.x_train[rows], session.y_train[rows]
    layers, net = forward(session, x), session.network
    delta = (layers[-1][1] - y) / len(y)
    rms = [float(np.sqrt(np.mean(delta**2)))]
    for index in range(net.n_layers - 2, -1, -1):
        z, a = layers[index]
        delta = delta @ net.weights[index + 1].T * SLOPE[net.hidden.name](z, a)
        rms.insert(0, float(np.sqrt(np.mean(delta**2))))
    return rms


def update_ratio(session) -> float:
    """Train one step and measure max over layers of ‖ΔW‖ / ‖W‖ from the weights before and
    after it."""
    before = [w.copy() for w in session.network.weights]
    session.step()
    return max(float(np.linalg.norm(w - old) / np.linalg.norm(w))
               for w, old in zip(session.network.weights, before, strict=True))


def accuracy(session, x, y) -> float:
    return float(np.mean(forward(session, x)[-1][1].argmax(1) == y.argmax(1)))


# -- each rule fires where it must, with the numbers computed here ------------------------------
def test_loss_at_init_far_from_ln_c_when_the_output_weights_are_50_times_too_large():
    session = session_for("digits")
    session.network.weights[-1][:] *= 50
    rows = probe_rows(session)
    z = forward(session, session.x_train[rows])[-1][0]
    y = session.y_train[rows]
    top = z.max(axis=1)
    cost = np.mean(np.log(np.exp(z - top[:, None]).sum(1)) + top - (y * z).sum(1))
    cost += 0.5 * session.hyper.l2 * sum(float(np.sum(w**2)) for w in session.network.weights)
    found = finding(session, "init_loss")
    assert found.summary == f"{cost:.3g} vs {math.log(10):.3g} expected"
    assert found.commands == (type(found.commands[0])(),)  # Reset: the init is auto


def test_learning_rate_10_is_too_high():
    session = session_for("circle", {"learning_rate": 10.0})
    session.run(299)
    ratio = update_ratio(session)
    found = finding(session, "lr_high")
    assert found.summary == f"update ratio {ratio:.1e} at step 300"
    assert ratio > 3e-2
    assert found.commands == (SetHyper({"learning_rate": 1.0}),)


def test_learning_rate_1e_6_is_too_low():
    session = session_for("circle", {"learning_rate": 1e-6})
    session.run(299)
    ratio = update_ratio(session)
    found = finding(session, "lr_low")
    assert found.summary == f"update ratio {ratio:.1e} at step 300"
    assert found.commands == (SetHyper({"learning_rate": 1e-5}),)  # the lowest rung, × 10


def test_relus_with_bias_minus_5_are_dead():
    session = session_for("spiral")
    for b in session.network.biases[:-1]:
        b[:] = -5.0
    layers = forward(session, session.x_train[probe_rows(session)])
    dead = [float(np.mean(np.all(z <= 0, axis=0))) for z, _ in layers[:-1]]
    found = finding(session, "dead")
    assert found.summary == f"{100 * max(dead):.0f} % of layer 1 at step 0"
    assert found.commands == (Rebuild(init="he", hidden="leaky_relu"),)


def test_the_adder_post_is_all_positive_and_saturated():
    session = session_for("adder-post")
    session.run(2000)
    positive = max(float(np.mean(w > 0)) for w in session.network.weights[:-1])
    layers = forward(session, session.x_train[probe_rows(session)])
    saturated = [float(np.mean((a < 0.01) | (a > 0.99))) for _, a in layers[:-1]]
    worst = int(np.argmax(saturated)) + 1
    assert finding(session, "all_positive").summary.startswith(f"{100 * positive:.0f} % of")
    found = finding(session, "saturated")
    assert found.summary == f"{100 * max(saturated):.0f} % of layer {worst} at step 2,000"
    assert found.commands == (Rebuild(init="glorot", hidden="tanh"),)


def test_a_10_layer_sigmoid_network_has_vanishing_gradients():
    session = session_for("circle", hidden_sizes=(8,) * 9, hidden="sigmoid")
    rms = error_rms(session)
    found = finding(session, "vanishing")
    assert found.summary == f"first/last δ {rms[0] / rms[-1]:.1e} at step 0"
    assert rms[0] / rms[-1] < 1e-2


def test_the_deep_sigmoid_patient_starts_with_vanishing_gradients_and_batch_norm_cures_it():
    session = session_for("deep-sigmoid")
    rms = error_rms(session)
    assert finding(session, "vanishing").summary == f"first/last δ {rms[0] / rms[-1]:.1e} at step 0"
    assert diagnose(session_for("deep-sigmoid", norm="batch")) == ()


def test_a_deep_linear_network_with_n01_weights_has_exploding_gradients():
    session = session_for("circle", hidden_sizes=(32,) * 6, hidden="linear", init="normal")
    rms = error_rms(session)
    found = finding(session, "exploding")
    assert found.summary == f"first/last δ {rms[0] / rms[-1]:.3g} at step 0"


def test_a_tiny_training_set_and_a_big_network_overfit():
    session = session_for("circle", {"learning_rate": 0.03, "batch_size": 32, "optimizer": "adam"},
                          hidden_sizes=(64, 64), data_options={"train_ratio": 0.1, "noise": 0.5})
    while session.epoch < 300 and "overfit" not in {f.id for f in diagnose(session)}:
        session.run(session.steps_per_epoch)  # to an epoch's end: its metrics are now's
    train = accuracy(session, session.x_train, session.y_train)
    test = accuracy(session, session.x_test, session.y_test)
    found = finding(session, "overfit")
    assert found.summary == f"train {train:.2f} vs test {test:.2f} at step {session.step_count:,}"
    assert train - test >= 0.15  # the smaller gap, with the test accuracy falling


def test_a_one_unit_network_underfits_the_spiral():
    session = session_for("spiral", hidden_sizes=(1,))
    session.run(100 * session.steps_per_epoch)
    train = accuracy(session, session.x_train, session.y_train)
    found = finding(session, "underfit")
    assert found.summary == f"train {train:.2f} at step {session.step_count:,}"
    assert found.commands[0] == Rebuild(width=16)


def test_after_divergence_the_doctor_names_a_learning_rate_that_trains():
    config = replace(PRESETS["digits"].config, hyper=replace(
        PRESETS["digits"].config.hyper, learning_rate=10.0), paused=True)
    trainer = Trainer(config)
    trainer.apply(Step(5))
    assert trainer.session.diverged
    found = {f.id: f for f in trainer.doctor.examine(trainer.session, False)}["diverged"]
    (command,) = found.commands
    rate = command.changes["learning_rate"]
    assert rate < 10.0 and f"η {rate:g} lowers the cost" in found.evidence
    trial = trainer.session.copy()  # the named rate trains from the restored weights
    before = trial.evaluate("train")["cost"]
    trial.set_hyperparameters(learning_rate=rate)
    trial.run(50)
    assert trial.evaluate("train")["cost"] < before


def test_every_rule_has_a_test_here():
    source = Path(__file__).read_text(encoding="utf-8")
    assert all(f'"{rule.id}"' in source for rule in RULES)


# -- fixes, ranking, cadence, recording ---------------------------------------------------------
def test_the_fix_applied_as_commands_makes_the_findings_go(tmp_path):
    path = tmp_path / "run.jsonl"
    trainer = Trainer(replace(PRESETS["adder-post"].config, paused=True, record=str(path)))
    trainer.apply(Step(300))
    top = trainer.doctor.examine(trainer.session, False)[0]
    assert top.id == "all_positive"
    for command in top.commands:
        trainer.apply(command)
    assert {f.id for f in trainer.doctor.examine(trainer.session, False)} \
        .isdisjoint({"all_positive", "saturated"})
    assert trainer.session.network.hidden.name == "tanh"
    trainer.close()
    recording = read(path)
    assert any(entry.command == Rebuild(init="glorot", hidden="tanh")
               for entry in recording.entries)
    assert (replay(recording).session.network.flat == trainer.session.network.flat).all()


def test_a_learning_rate_finding_goes_as_soon_as_the_rate_changes():
    trainer = Trainer(replace(PRESETS["circle"].config, paused=True,
                              hyper=replace(PRESETS["circle"].config.hyper, learning_rate=1e-6)))
    trainer.apply(Step(300))
    (found,) = trainer.doctor.examine(trainer.session, False)
    trainer.apply(found.commands[0])
    assert trainer.doctor.examine(trainer.session, False) == ()  # trends restart at a change


def test_rebuild_round_trips_through_a_recording_line():
    command = Rebuild(init="he", hidden="leaky_relu", width=16)
    line = json.loads(json.dumps(encode(7, command)))
    assert decode(line["command"], line["args"]) == command
    assert command.settings((2, 4, 20, 3)) == {"init": "he", "hidden": "leaky_relu",
                                               "sizes": (2, 16, 20, 3)}


def test_while_running_the_doctor_rediagnoses_at_most_once_a_second():
    session = session_for("adder-post")
    doctor = Doctor()
    first = doctor.examine(session, True)
    session.run(10)
    assert doctor.examine(session, True) is first  # same set-up, < 1 s later: not rerun
    session.set_hyperparameters(learning_rate=0.3)
    assert doctor.examine(session, True) is not first  # a change reruns at once


# -- no false alarms ------------------------------------------------------------------------
@pytest.mark.parametrize("preset", HEALTHY)
def test_no_finding_on_a_healthy_preset_fast_version(preset):
    """One seed at steps 0 and 400 (scripts/doctor_false_alarms.py: 5 seeds × 5 checkpoints
    up to 8,000 steps)."""
    session = session_for(preset, seed=1)
    assert diagnose(session) == ()
    session.run(400)
    assert diagnose(session) == ()


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_says_when_it_fires_with_every_threshold_in_numbers(rule):
    for name, value in rule.limits.items():
        assert "{" + name + "}" in rule.fires
        assert f"{value:g}" in rule.condition
    assert "{" not in rule.condition
