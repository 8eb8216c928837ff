"""``--norm`` and the ``norm`` configuration key: choices, one-line errors, round trips."""

from __future__ import annotations

import json

import pytest

from backprop_tui.cli import config_from, main, parser
from backprop_tui.live import runfile
from backprop_tui.live.config import build_session


@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
def test_the_flag_sets_the_networks_normalisation(norm):
    config = config_from(parser().parse_args(["--preset", "circle", "--norm", norm]))
    assert config.norm == norm
    assert build_session(config).session.network.norm == norm


def test_a_bad_value_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as leaving:
        main(["--norm", "group"])
    assert leaving.value.code == 2
    err = capsys.readouterr().err
    assert err == ("backprop-tui: error: argument --norm: invalid choice: 'group' "
                   "(choose from 'none', 'batch', 'layer')\n")


def test_the_config_key_reads_back_and_refuses_bad_values(tmp_path, capsys):
    path = tmp_path / "run.toml"
    config = config_from(parser().parse_args(["--preset", "circle", "--norm", "layer"]))
    runfile.write(path, runfile.config_values(config))
    assert 'norm = "layer"' in path.read_text()
    assert config_from(parser().parse_args(["--config", str(path)])) == config
    path.write_text('norm = "group"\n')
    assert main(["--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "norm must be one of: none, batch, layer; not 'group'" in err


def test_train_reports_the_norm_and_trains(capsys):
    assert main(["train", "--preset", "circle", "--norm", "batch", "--steps", "30", "--json",
                 "--quiet"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["config"]["norm"] == "batch" and summary["steps"] == 30
