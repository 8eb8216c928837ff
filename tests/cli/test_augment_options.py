"""Augmentation from the command line and configuration files: ``--augment``, the
``augment`` key (written by Ctrl+W's config_values), and one line with exit 2 for bad input."""

from __future__ import annotations

import pytest

from backprop_tui.cli import config_from, main, parser
from backprop_tui.live import runfile


def from_flags(*argv: str):
    return config_from(parser().parse_args(list(argv)))


def test_off_unless_asked_for():
    assert from_flags("--preset", "digits").hyper.augment == "off"
    assert from_flags("--preset", "digits", "--augment", "noise,shift").hyper.augment == \
        "shift,noise"


def test_the_config_key_round_trips(tmp_path):
    config = from_flags("--preset", "digits", "--augment", "rotate")
    values = runfile.config_values(config)
    assert values["augment"] == "rotate"
    path = runfile.write(tmp_path / "run.toml", values)
    assert 'augment = "rotate"' in path.read_text()
    assert from_flags("--config", str(path)) == config
    path.write_text('preset = "digits"\naugment = "all"\n')
    assert from_flags("--config", str(path)).hyper.augment == "shift,rotate,noise"
    assert from_flags("--config", str(path), "--augment", "off").hyper.augment == "off"


@pytest.mark.parametrize(("args", "message"), [
    (["--preset", "digits", "--augment", "flip"], "unknown augmentation 'flip'"),
    (["--dataset", "spiral", "--augment", "all"], "augmentation needs an image data set"),
    (["train", "--dataset", "adder", "--augment", "shift", "--steps", "1"],
     "the rows of adder are not images"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("backprop-tui: error: ") and err.count("\n") == 1
    assert message in err and "Traceback" not in err


def test_a_bad_key_in_a_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "run.toml"
    path.write_text('preset = "digits"\naugment = 3\n')
    assert main(["train", "--config", str(path), "--steps", "1"]) == 2
    assert "augment must be a string, not 3" in capsys.readouterr().err
