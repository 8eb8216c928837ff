"""The 2-D sets' own flags (--classes for blobs, --curve for function), their configuration
keys, and ``train --save-points`` writing a set that ``--dataset csv:PATH`` loads back."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui import data
from backprop_tui.cli import config_from, main, parser
from backprop_tui.errors import BackpropError
from backprop_tui.live import runfile
from backprop_tui.live.config import build_session


def from_flags(*argv: str):
    return config_from(parser().parse_args(list(argv)))


def test_classes_and_curve_reach_the_data_set():
    blobs = from_flags("--dataset", "blobs", "--classes", "5")
    assert blobs.data_options["classes"] == 5
    assert build_session(blobs).session.dataset.labels == (
        "blue", "orange", "green", "purple", "red")
    function = from_flags("--preset", "function", "--curve", "cubic")
    assert function.data_options["f"] == "cubic"
    dataset = build_session(function).session.dataset
    train, _ = dataset.points
    above = train[:, 1] > 1.5 * (train[:, 0] ** 3 - train[:, 0])  # noise 0.1 blurs a few
    assert np.mean(above == (dataset.y_train.argmax(axis=1) == 0)) > 0.9


@pytest.mark.parametrize(("args", "message"), [
    (["--dataset", "blobs", "--classes", "7"], "invalid choice: 7 (choose from 3, 4, 5, 6)"),
    (["--dataset", "blobs", "--classes", "x"], "argument --classes: invalid int value: 'x'"),
    (["--dataset", "function", "--curve", "tan"], "invalid choice: 'tan' (choose from 'sin'"),
])
def test_bad_values_exit_2_with_one_line(args, message, capsys):
    with pytest.raises(SystemExit) as leaving:
        main(["train", *args])
    assert leaving.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("backprop-tui: error: ") and message in err


@pytest.mark.parametrize(("args", "message"), [
    (["--dataset", "circle", "--classes", "4"], "--classes is an option of the blobs data set"),
    (["--preset", "blobs", "--curve", "abs"], "--curve is an option of the function data set"),
])
def test_a_flag_for_another_data_set_exits_2(args, message, capsys):
    assert main(["train", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_config_file_keys_round_trip(tmp_path):
    for argv in (["--dataset", "blobs", "--classes", "6"],
                 ["--dataset", "function", "--curve", "abs"]):
        config = from_flags(*argv)
        path = runfile.write(tmp_path / "run.toml", runfile.config_values(config))
        assert from_flags("--config", str(path)) == config
    path.write_text('dataset = "blobs"\nclasses = 2\n')
    with pytest.raises(BackpropError, match="classes"):
        from_flags("--config", str(path))


def test_train_save_points_writes_what_csv_loads_back(tmp_path, capsys):
    path = tmp_path / "blobs4.csv"
    assert main(["train", "--dataset", "blobs", "--classes", "4", "--steps", "1", "--quiet",
                 "--save-points", str(path)]) == 0
    original, loaded = data.load("blobs", classes=4), data.load(f"csv:{path}")
    assert loaded.labels == original.labels == ("blue", "orange", "green", "purple")
    for mine, theirs in zip(original.points, loaded.points, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(loaded.y_train, original.y_train)
    np.testing.assert_array_equal(loaded.y_test, original.y_test)
    assert main(["train", "--dataset", "blobs", "--steps", "1", "--quiet",
                 "--save-points", str(path)]) == 2  # kept without --force
    assert "exists: add --force" in capsys.readouterr().err
