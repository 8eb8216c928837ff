"""``backprop-tui race``: one JSON line per run with the metrics a run alone ends with, the
README's headline race, and bad input as one line with exit status 2."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.cli import main
from backprop_tui.live.config import PRESETS, build_session

from .test_train import one_error_line

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def raced(capsys, *args: str) -> list[dict]:
    assert main(["race", *args, "--json"]) == 0
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines()]


def test_one_line_per_run_with_the_metrics_of_each_run_alone(capsys):
    lines = raced(capsys, "adder-post", "adder", "--steps", "150")
    assert [line["name"] for line in lines] == ["adder-post", "adder"]
    for line in lines:
        assert main(["train", "--preset", line["name"], "--steps", "150", "--json",
                     "--quiet"]) == 0
        alone = json.loads(capsys.readouterr().out)
        assert line["steps"] == alone["steps"] == 150
        assert line["final"] == alone["final"]
        assert line["diverged"] is False and line["stopped"] is None
        assert line["headline"] == "word_accuracy"
        assert line["labels"]["word_accuracy"] == "word accuracy"
        assert line["config"]["optimizer"] == PRESETS[line["name"]].config.hyper.optimizer
        assert line["seed"] == 0


def word_accuracy(preset: str, steps: int) -> float:
    """Test word accuracy after ``steps``, by numpy: every output bit on the right side."""
    session, _ = build_session(PRESETS[preset].config)
    session.run(steps)
    output = session.network.forward(session.x_test).a[-1]
    return float(np.mean(np.all((output > 0.5) == (session.y_test > 0.5), axis=1)))


def test_the_readme_headline_race_shows_what_the_readme_says(capsys):
    line = next(line for line in README.splitlines() if line.startswith("backprop-tui race "))
    argv = shlex.split(line, comments=True)
    lines = raced(capsys, *[a for a in argv[2:] if a != "--json"])
    steps = int(argv[argv.index("--steps") + 1])
    tests = {line["name"]: line["final"]["test"]["word_accuracy"] for line in lines}
    assert tests == {"adder-post": 0.0, "adder": 1.0}
    assert tests == {name: word_accuracy(name, steps) for name in tests}
    said = re.search(r"adder-post ends at (\d+) % .* adder at (\d+) %", " ".join(
        README.split()))
    assert said and (int(said[1]), int(said[2])) == (0, 100)


def test_a_config_file_runs_and_one_seed_for_all(capsys, tmp_path):
    path = tmp_path / "faster.toml"
    path.write_text('preset = "adder"\nlr = 0.03\nepochs = 5\n')
    lines = raced(capsys, "adder", str(path), "adder", "--steps", "20", "--seed", "3")
    assert [line["name"] for line in lines] == ["adder", "faster", "adder #2"]
    assert [line["config"]["lr"] for line in lines] == [0.01, 0.03, 0.01]
    assert {line["seed"] for line in lines} == {3} and {line["steps"] for line in lines} == {20}


@pytest.mark.parametrize(("args", "says"), [
    (["adder"], "2 to 4 runs"),
    (["adder"] * 5, "2 to 4 runs"),
    (["adder", "nope"], "unknown run 'nope'"),
    (["adder", "missing.toml"], "missing.toml: no such file"),
    (["adder", "BAD"], "not valid TOML"),
    (["adder", "regression"], "one data set"),
    (["adder", "adder", "--steps", "0"], "steps must be ≥ 1"),
    (["adder", "adder", "--seed", "-1"], "seed must be ≥ 0"),
    (["adder", "adder", "--steps", "x"], "invalid int value"),
])
def test_bad_input_is_one_line_and_exit_status_2(capsys, tmp_path, args, says):
    bad = tmp_path / "bad.toml"
    bad.write_text("lr = = 1\n")
    argv = ["race", *(str(bad) if a == "BAD" else a for a in args), "--json"]
    try:
        status = main(argv)
    except SystemExit as exit:  # argparse's own errors
        status = exit.code
    assert status == 2
    assert says in one_error_line(capsys)
