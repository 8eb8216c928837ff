"""Configuration files: every option as a TOML key, flags over the file, clear errors."""

from __future__ import annotations

import tomllib
from dataclasses import fields

import pytest

from backprop_tui.cli import config_from, config_keys, gather, main, parser
from backprop_tui.engine import Hyperparameters
from backprop_tui.live import runfile


def from_flags(*argv: str):
    return config_from(parser().parse_args(list(argv)))


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("backprop-tui: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("argv", [
    ["--preset", "adder-post"],
    ["--dataset", "celsius", "--arch", "1-6-3-1", "--lr", "0.05", "--batch-size", "8",
     "--optimizer", "momentum", "--l2", "1e-05", "--seed", "3", "--activation", "relu"],
    ["--dataset", "circle", "--float32", "--paused", "--speed", "0", "--init", "glorot"],
    ["--dataset", "csv:some data.csv", "--target", "price", "--clip", "2"],
])
def test_config_to_file_to_config_is_identical(argv, tmp_path):
    config = from_flags(*argv)
    path = runfile.write(tmp_path / "run.toml", runfile.config_values(config))
    assert from_flags("--config", str(path)) == config


def test_every_hyperparameter_is_a_flag_and_a_key(tmp_path):
    keys = config_keys()
    scalar = [f for f in fields(Hyperparameters) if runfile.field_kind(f) is not None]
    assert {f.name for f in scalar} >= {"learning_rate", "batch_size", "momentum", "l2"}
    for f in scalar:
        for name in runfile.hyper_flags(f.name):
            assert keys[name.replace("-", "_")].dest == f.name
    # every key the app writes is one the command line reads back
    written = runfile.config_values(from_flags("--arch", "8-4-4"))
    assert all(name.replace("-", "_") in keys for name in written)


def test_dumps_reads_back_with_tomllib():
    values = {"text": 'a "quoted" \\ path\twith\x7fcontrol', "whole": 3, "tiny": 1e-5,
              "big": float("inf"), "yes": True, "no": False, "gone": None, "odd key": 1.5}
    loaded = tomllib.loads(runfile.dumps(values))
    assert loaded == {k: v for k, v in values.items() if v is not None}
    assert isinstance(loaded["whole"], int) and isinstance(loaded["yes"], bool)


def test_dashes_or_underscores_and_flags_override_the_file(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('dataset = "celsius"\nbatch_size = 4\nlearning-rate = 0.05\nepochs = 7\n'
                    "early-stopping = false\nspeed = 10\n")
    given = gather(parser().parse_args(["train", "--config", str(path), "--lr", "0.2",
                                        "--steps", "3"]))
    assert given["batch_size"] == 4 and given["learning_rate"] == 0.2
    assert given["steps"] == 3 and "epochs" not in given  # the flag's --steps beats epochs
    assert isinstance(given["speed"], float)  # an integer where a number is expected
    config = config_from(given)
    assert config.dataset == "celsius" and config.hyper.batch_size == 4


@pytest.mark.parametrize(("text", "message"), [
    ("dataset = 'adder'\nbatch_sise = 4\n",
     "run.toml: unknown key 'batch_sise' (did you mean 'batch-size'?)"),
    ("lr = 'fast'\n", "run.toml: lr must be a number, not 'fast'"),
    ("batch-size = 1.5\n", "run.toml: batch-size must be a whole number, not 1.5"),
    ("paused = 1\n", "run.toml: paused must be true or false, not 1"),
    ("arch = 8\n", "run.toml: arch must be a string, not 8"),
    ("optimizer = 'sgdx'\n", "run.toml: optimizer must be one of: sgd"),
    ("[table]\nlr = 1\n", "run.toml: unknown key 'table'"),
    ("lr = 0.1\nseed = \n", "run.toml: not valid TOML: "),
])
def test_bad_files_name_the_file_and_key(text, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run.toml").write_text(text)
    assert main(["train", "--config", "run.toml", "--steps", "1"]) == 2
    assert message in one_error_line(capsys)


def test_malformed_toml_gives_the_line(tmp_path, capsys):
    path = tmp_path / "run.toml"
    path.write_text('dataset = "adder"\nlr = = 3\n')
    assert main(["--config", str(path)]) == 2
    err = one_error_line(capsys)
    assert str(path) in err and "line 2" in err


def test_missing_file_is_one_line(tmp_path, capsys):
    assert main(["train", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: no such file" in one_error_line(capsys)


def test_app_reads_the_file_and_ignores_train_only_keys(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('preset = "celsius"\nepochs = 3\njson = true\nseed = 5\n')
    config = from_flags("--config", str(path))
    assert config.preset == "celsius" and config.seed == 5
