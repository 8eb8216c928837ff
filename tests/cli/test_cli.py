"""Bad command-line input: one clear line and exit status 2, before any screen opens."""

from __future__ import annotations

import subprocess
import sys

import pytest

from backprop_tui.cli import config_from, main, parser


@pytest.mark.parametrize(("args", "message"), [
    (["--lr", "-1"], "learning rate must be positive"),
    (["--lr", "0"], "learning rate must be positive"),
    (["--batch-size", "0"], "batch size must be"),
    (["--arch", "8-x-4"], "bad architecture '8-x-4'"),
    (["--arch", "3-4-2"], "does not fit data set 'adder'"),
    (["--dataset", "nope"], "unknown data set 'nope'"),
    (["--dataset", "csv:"], "csv needs a path"),
    (["--momentum", "1.5"], "momentum must be in [0, 1)"),
    (["--speed", "-3"], "speed must be"),
    (["--seed", "-1"], "seed must be"),
])
def test_bad_values_exit_2_with_one_line(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and err.startswith("backprop-tui: error: ")
    assert "Traceback" not in err


def test_bad_csv_is_named_before_the_screen_opens(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\nhello,3\n")
    assert main(["--dataset", f"csv:{bad}"]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "'x'" in err


def test_argparse_errors_exit_2():
    result = subprocess.run([sys.executable, "-m", "backprop_tui", "--activation", "swish"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice: 'swish'" in result.stderr
    assert "Traceback" not in result.stderr


def test_flags_build_the_config():
    args = parser().parse_args(["--dataset", "digits", "--arch", "64-20-10", "--lr", "0.05",
                                "--optimizer", "momentum", "--batch-size", "8", "--seed", "3",
                                "--activation", "relu", "--paused", "--float32", "--speed", "0"])
    config = config_from(args)
    assert config.dataset == "digits" and config.hidden_sizes == (20,)
    assert config.io_sizes == (64, 10) and config.hidden == "relu" and config.seed == 3
    assert config.hyper.learning_rate == 0.05 and config.hyper.optimizer == "momentum"
    assert config.hyper.batch_size == 8 and config.paused and config.dtype == "float32"
    assert config.speed is None


def test_presets_are_reachable_by_flag():
    config = config_from(parser().parse_args(["--preset", "adder-post"]))
    assert config.hidden_sizes == (12, 12) and config.init == "uniform" and config.loss == "mse"
