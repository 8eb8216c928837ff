"""``backprop-tui train``: headless runs, their outputs, and the same weights as the app."""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from dataclasses import fields, replace

import numpy as np
import pytest

from backprop_tui.cli import config_from, main, parser, parsers
from backprop_tui.engine import SCHEDULES, Hyperparameters, TrainingSession
from backprop_tui.engine.io import load
from backprop_tui.live import runfile
from backprop_tui.live.backend import ThreadBackend
from backprop_tui.live.commands import Save, Step
from backprop_tui.live.config import build_session
from backprop_tui.live.trainer import Trainer

CELSIUS = ["--preset", "celsius", "--quiet"]  # 160 rows, batch 16: 10 steps an epoch


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("backprop-tui: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_json_line_and_metrics_csv_match_the_run(tmp_path, capsys):
    metrics = tmp_path / "m.csv"
    assert main(["train", *CELSIUS, "--epochs", "3", "--json", "--metrics", str(metrics)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    summary = json.loads(out)
    assert summary["steps"] == 30 and summary["epochs"] == 3
    assert summary["diverged"] is None and summary["stopped"] is None
    assert summary["seconds"] > 0 and summary["samples_per_second"] > 0
    assert summary["config"]["dataset"] == "celsius" and summary["config"]["arch"] == "1-8-1"
    assert set(summary["final"]) == {"train", "test"} and "r2" in summary["final"]["test"]
    with metrics.open() as file:
        rows = list(csv.DictReader(file))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3]
    assert [int(r["step"]) for r in rows] == [10, 20, 30]
    assert {"train_cost", "test_cost", "test_r2", "test_mae"} <= set(rows[0])
    # the run ended on an epoch's end: the last row is the final test evaluation
    assert float(rows[-1]["test_cost"]) == summary["final"]["test"]["cost"]


def test_without_json_stdout_stays_empty_and_stderr_has_the_table(capsys):
    assert main(["train", "--preset", "celsius", "--steps", "12"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "step 12/12" in captured.err and "samples/s" in captured.err
    assert "test" in captured.err and "r2" in captured.err and "12 steps" in captured.err


def test_saved_network_loads_with_identical_predictions(tmp_path, capsys):
    saved = tmp_path / "net.npz"
    assert main(["train", *CELSIUS, "--steps", "25", "--save", str(saved)]) == 0
    network, hyper = load(saved)
    assert hyper.learning_rate == 0.01 and network.sizes == (1, 8, 1)
    config = config_from(parser().parse_args(["--preset", "celsius", "--load", str(saved)]))
    session, note = build_session(config)
    x = session.x_test
    np.testing.assert_array_equal(session.network.predict(x), network.predict(x))
    assert "started from the weights" in note
    again = tmp_path / "again.npz"  # training goes on from there
    assert main(["train", *CELSIUS, "--load", str(saved), "--steps", "5", "--json",
                 "--save", str(again)]) == 0
    assert json.loads(capsys.readouterr().out)["steps"] == 5
    assert not np.array_equal(load(again)[0].flat, network.flat)


def test_headless_and_trainer_end_with_identical_weights(tmp_path):
    flags = ["--preset", "adder", "--seed", "4", "--batch-size", "7", "--l2", "0.003",
             "--dropout", "0.2"]
    headless, live = tmp_path / "headless.npz", tmp_path / "live.npz"
    assert main(["train", *flags, "--steps", "30", "--save", str(headless), "--quiet"]) == 0
    trainer = Trainer(config_from(parser().parse_args(flags)))
    for count in (1, 9, 20):  # snapshots between the steps, as in the app
        trainer.snapshot()
        trainer.apply(Step(count))
    trainer.apply(Save(str(live)))
    assert any("saved the 8-32-32-4 network (step 30)" in n for n in trainer.notes)
    np.testing.assert_array_equal(load(live)[0].flat, load(headless)[0].flat)


def test_existing_file_needs_force(tmp_path, capsys):
    saved = tmp_path / "net.npz"
    saved.write_bytes(b"precious")
    assert main(["train", *CELSIUS, "--steps", "2", "--save", str(saved)]) == 2
    assert "net.npz exists: add --force to overwrite it" in one_error_line(capsys)
    assert saved.read_bytes() == b"precious"
    assert main(["train", *CELSIUS, "--steps", "2", "--save", str(saved), "--force"]) == 0
    assert load(saved)[0].sizes == (1, 8, 1)


def test_mismatched_load_says_what_fits(tmp_path, capsys):
    saved = tmp_path / "celsius.npz"
    assert main(["train", *CELSIUS, "--steps", "1", "--save", str(saved)]) == 0
    assert main(["train", "--dataset", "adder", "--load", str(saved)]) == 2
    err = one_error_line(capsys)
    assert f"{saved} holds a 1-8-1 network; data set adder needs 8-…-4" in err


def test_app_refuses_a_mismatched_load_before_the_screen_opens(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("backprop_tui.live.backend.ProcessBackend", ThreadBackend)  # quicker
    saved = tmp_path / "celsius.npz"
    assert main(["train", *CELSIUS, "--steps", "1", "--save", str(saved)]) == 0
    assert main(["--dataset", "adder", "--load", str(saved)]) == 2
    assert "holds a 1-8-1 network; data set adder needs 8-…-4" in one_error_line(capsys)


@pytest.mark.parametrize("where", ["missing/m.csv", "."])
def test_unwritable_metrics_path_fails_before_training(where, tmp_path, capsys):
    target = tmp_path / where
    assert main(["train", *CELSIUS, "--metrics", str(target), "--save",
                 str(tmp_path / "net.npz")]) == 2
    assert "cannot write" in one_error_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("backprop_tui.headless.check_target", lambda path, force: None)

    def broken(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("backprop_tui.engine.io.os.replace", broken)
    assert main(["train", *CELSIUS, "--steps", "3", "--metrics", str(tmp_path / "m.csv")]) == 2
    assert "No space left on device" in one_error_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_divergence_exits_1_with_a_clear_message(tmp_path, capsys):
    saved, metrics = tmp_path / "net.npz", tmp_path / "m.csv"
    status = main(["train", *CELSIUS, "--optimizer", "sgd", "--lr", "1000", "--epochs", "3",
                   "--json", "--save", str(saved), "--metrics", str(metrics)])
    captured = capsys.readouterr()
    assert status == 1
    assert json.loads(captured.out)["diverged"].startswith("diverged at step")
    assert captured.err.startswith("backprop-tui: diverged at step") and "--lr" in captured.err
    assert metrics.exists() and not saved.exists()


def test_a_session_that_stops_early_ends_the_run(monkeypatch, capsys):
    original = TrainingSession.step

    def step(self):
        cost = original(self)
        self.stopped = "early stopping at step 4" if self.step_count == 4 else None
        return cost

    monkeypatch.setattr(TrainingSession, "step", step)
    assert main(["train", *CELSIUS, "--epochs", "5", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["steps"] == 4 and summary["stopped"] == "early stopping at step 4"


@pytest.mark.parametrize(("argv", "message"), [
    (["train", "--epochs", "0"], "epochs must be ≥ 1, not 0"),
    (["train", "--steps", "-2"], "steps must be ≥ 1, not -2"),
    (["train", "--lr", "-1"], "learning rate must be positive"),
    (["train", "--dataset", "nope"], "unknown data set 'nope'"),
])
def test_bad_train_input_is_one_line(argv, message, capsys):
    assert main(argv) == 2
    assert message in one_error_line(capsys)


STRING_CHOICES = {"schedule": SCHEDULES, "augment": ("shift,noise", "rotate")}
"""Valid values of the string hyperparameters whose option lists no choices."""


def other_value(action: argparse.Action, avoid: set[object]) -> object:
    """A valid value for ``action`` that is in none of ``avoid`` (default, preset value)."""
    default = getattr(Hyperparameters(), action.dest)
    if isinstance(default, bool):
        candidates: list[object] = [not default]
    elif isinstance(default, str):
        candidates = list(action.choices or STRING_CHOICES.get(action.dest, ()))
    elif isinstance(default, int):
        candidates = [default + 1, default + 2]
    else:
        candidates = [default / 2 or 0.25, default / 4 or 0.125]
    value = next((v for v in candidates if v not in avoid), None)
    assert value is not None, f"no test value for {action.option_strings}: add one here"
    return value


def flag_and_value(option: str, value: object) -> list[str]:
    if isinstance(value, bool):
        return [option if value else f"--no-{option[2:]}"]
    return [option, str(value)]


def test_every_hyperparameter_flag_reaches_the_config():
    """Every scalar field of Hyperparameters has an option; each option, given a value that
    is neither the default nor the preset's, puts exactly that value in the config."""
    argv = ["train", "--preset", "celsius"]
    preset = config_from(parser().parse_args(argv)).hyper
    options = {a.dest: a for a in parsers()[1]._actions}
    names = [f.name for f in fields(Hyperparameters) if runfile.field_kind(f) is not None]
    assert set(names) <= set(options), "a hyperparameter without an option"
    expected = {name: other_value(options[name], {getattr(Hyperparameters(), name),
                                                  getattr(preset, name)}) for name in names}
    everything = [part for name, value in expected.items()
                  for part in flag_and_value(options[name].option_strings[0], value)]
    hyper = config_from(parser().parse_args([*argv, *everything])).hyper
    assert {name: getattr(hyper, name) for name in names} == expected
    for name, value in expected.items():  # each spelling alone (--lr, --learning-rate …)
        for option in options[name].option_strings:
            if not option.startswith("--no-"):
                alone = config_from(parser().parse_args([*argv, *flag_and_value(option, value)]))
                assert getattr(alone.hyper, name) == value, option
                assert alone.hyper == replace(preset, **{name: value}), option


def test_subcommand_and_app_share_the_options(capsys):
    app, train = (p.format_help() for p in parsers())
    assert "train" in app and "--epochs" in train and "--json" in train
    for flag in ("--lr", "--batch-size", "--arch", "--load", "--config", "--seed"):
        assert flag in app and flag in train
    for argv in (["train", "--epochs", "2", "--steps", "3"], ["--epochs", "3"]):
        with pytest.raises(SystemExit) as exit:
            main(argv)
        assert exit.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_python_dash_m_runs_the_subcommand():
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "train", "--dataset", "nope",
                             "--json"], capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("backprop-tui: error: unknown data set 'nope'")
