"""Bad command-line input: one clear line and exit status 2, before any screen opens."""

from __future__ import annotations

import subprocess
import sys

import pytest

from backprop_tui.cli import config_from, main, parser
from backprop_tui.live.config import build_session


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


@pytest.mark.parametrize(("args", "message"), [
    (["--lr", "abc"], "argument --lr/--learning-rate: invalid float value: 'abc'"),
    (["--batch-size", "1.5"], "argument --batch-size: invalid int value: '1.5'"),
    (["--activation", "nope"], "invalid choice: 'nope' (choose from 'sigmoid', 'tanh'"),
    (["--optimizer", "nope"], "invalid choice: 'nope' (choose from 'sgd', 'momentum'"),
    (["--seed", "abc"], "argument --seed: invalid int value: 'abc'"),
    (["train", "--epochs", "abc"], "argument --epochs: invalid int value: 'abc'"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["train", "--epochs", "2", "--steps", "3"], "--steps: not allowed with argument --epochs"),
    (["replay"], "the following arguments are required: FILE.jsonl"),
    (["serve", "--port", "x"], "argument --port: invalid int value: 'x'"),
])
def test_bad_flags_exit_2_with_one_line(args, message, capsys):
    """argparse's own errors too: one line, no usage block, and where to look."""
    with pytest.raises(SystemExit) as leaving:
        main(args)
    assert leaving.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("backprop-tui: error: ") and message in err
    command = f"backprop-tui {args[0]}" if args[0] in ("train", "replay", "serve") \
        else "backprop-tui"
    assert "(choose from" in err or err.endswith(f"(see {command} --help)\n")


def test_a_missing_mnist_path_trains_on_digits_with_a_notice(tmp_path):
    """As the README promises for --data-path: digits stands in, and the run says so."""
    missing = tmp_path / "mnist"
    config = config_from(parser().parse_args(["--preset", "mnist", "--data-path", str(missing)]))
    session, note = build_session(config)
    assert session.dataset.name == "digits" and session.network.sizes[0] == 64
    assert note == f"MNIST is not at {missing}: training on the 8×8 digits instead"


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
