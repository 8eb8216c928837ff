"""Recording a session (``--record``) and ``backprop-tui replay``."""

from __future__ import annotations

import gc
import hashlib
import json
from dataclasses import replace

import pytest
from app.conftest import started, wait_for  # tests/ is on the path: app is its package

from backprop_tui.app.app import BackpropApp
from backprop_tui.cli import main
from backprop_tui.live.backend import ThreadBackend
from backprop_tui.live.commands import (
    AddLayer,
    AddRows,
    Configure,
    Cycle,
    Epoch,
    Nudge,
    Quit,
    Regenerate,
    RemoveLayer,
    Reset,
    Resize,
    Rewind,
    Run,
    Samples,
    Save,
    SaveRows,
    Select,
    SetHyper,
    Step,
    Want,
)
from backprop_tui.live.config import PRESETS
from backprop_tui.live.record import COMMANDS as BY_NAME
from backprop_tui.live.record import config_dict, decode, encode, read
from backprop_tui.live.trainer import Trainer
from backprop_tui.replay import replay

COMMANDS = [Step(5), Nudge("learning_rate", 1),
            Cycle("optimizer"), Select(1, 2), Step(3),
            SetHyper({"batch_size": 8}), Reset(), Samples(1),
            Step(4), AddLayer(), Step(2)]


def record(path, extra_steps: int = 7) -> Trainer:
    """A paused adder trainer driven by COMMANDS and some training between, recorded."""
    trainer = Trainer(replace(PRESETS["adder"].config, paused=True, record=str(path)))
    for command in COMMANDS:
        trainer.apply(command)
    for _ in range(extra_steps):
        trainer.session.step()
    return trainer


def test_replay_rebuilds_the_same_weights(tmp_path):
    path = tmp_path / "run.jsonl"
    trainer = record(path)
    weights = trainer.session.network.flat.copy()
    del trainer
    gc.collect()  # the end line is written when the trainer goes
    header, *rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert header["version"] == 2 and header["config"]["dataset"] == "adder"
    assert "record" not in header["config"]
    names = [row.get("command") for row in rows[:-1]]
    assert "Select" not in names and "Samples" not in names
    assert rows[-1]["step"] == 9 and set(rows[-1]["end"]) == {"metrics", "weights"}
    assert rows[6] == {"step": 0, "command": "Step", "args": {"count": 4}}  # after the reset
    replayed = replay(read(path)).session
    assert (replayed.network.flat == weights).all()
    assert replayed.network.sizes == (8, 32, 32, 32, 4)


def test_replay_command_reports_identical(tmp_path, capsys):
    path = tmp_path / "run.jsonl"
    record(path).recorder.finish()
    assert main(["replay", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["identical"] and summary["steps"] == 9
    assert summary["metrics"] == summary["recorded"]
    assert main(["replay", str(path)]) == 0
    assert "identical to the recording" in capsys.readouterr().err


def test_a_changed_result_is_reported(tmp_path, capsys):
    path = tmp_path / "run.jsonl"
    record(path).recorder.finish()
    lines = path.read_text().splitlines()
    end = json.loads(lines[-1])
    end["end"]["metrics"]["cost"] += 1
    path.write_text("\n".join([*lines[:-1], json.dumps(end)]) + "\n")
    assert main(["replay", str(path)]) == 1
    assert "differs from the recording: test cost" in capsys.readouterr().err


def test_a_recording_without_end_replays_what_it_has(tmp_path, capsys):
    path = tmp_path / "run.jsonl"
    trainer = record(path)
    trainer.recorder.file.close()  # as after a crash: no end line
    assert main(["replay", str(path)]) == 0
    assert "no end line" in capsys.readouterr().err


async def test_the_app_records_and_replay_matches(tmp_path):
    path = tmp_path / "app.jsonl"
    config = replace(PRESETS["adder"].config, paused=True, record=str(path))
    backend = ThreadBackend(config)
    backend.start()
    app = BackpropApp(config, backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        for key in ("n", "n", "plus", "o", "space"):
            await pilot.press(key)
        await wait_for(pilot, lambda: app.snapshot.status == "running" and app.snapshot.step > 4)
        for key in ("space", "r", "e", "n", "l", "right_square_bracket"):
            await pilot.press(key)
        await wait_for(pilot, lambda: app.snapshot.sizes == (8, 32, 32, 32, 4))
        step = app.snapshot.step
        await pilot.press("n")
        await wait_for(pilot, lambda: app.snapshot.step == step + 1)
        await pilot.press("q")
    backend.close()
    gc.collect()
    recording = read(path)
    assert recording.end is not None and len(recording.entries) >= 12
    trainer = replay(recording)
    assert trainer.session.step_count == recording.end["step"]
    assert main(["replay", str(path)]) == 0


VERSION_1 = [  # what backprop-tui wrote before the command classes (no format line)
    '{"step": 0, "action": "step", "value": 5}',
    '{"step": 5, "action": "nudge", "value": ["learning_rate", 1]}',
    '{"step": 5, "action": "cycle", "value": "optimizer"}',
    '{"step": 5, "action": "run", "value": null}',
    '{"step": 12, "action": "run", "value": false}',
    '{"step": 12, "action": "set", "value": {"batch_size": 8}}',
    '{"step": 12, "action": "resize", "value": [1, 1]}',
    '{"step": 0, "action": "add_layer", "value": null}',  # a new network starts at step 0
]
"""Version 1's lines, and the commands they mean."""
MEANING = [Step(5), Nudge("learning_rate", 1), Cycle("optimizer"), Run(None), Run(False),
           SetHyper({"batch_size": 8}), Resize(1, 1), AddLayer()]


def test_a_version_1_recording_still_replays(tmp_path, capsys):
    config = replace(PRESETS["adder"].config, paused=True)
    reference = Trainer(config)
    for command in MEANING[:3]:
        reference.apply(command)
    for _ in range(7):
        reference.train_step()
    for command in MEANING[5:]:
        reference.apply(command)
    for _ in range(3):
        reference.train_step()
    end = {"step": 3, "action": "end", "metrics": reference.session.evaluate("test"),
           "weights": hashlib.sha256(reference.session.network.flat.tobytes()).hexdigest()}
    path = tmp_path / "old.jsonl"
    path.write_text("\n".join([json.dumps(config_dict(config)), *VERSION_1, json.dumps(end)]))
    assert [entry.command for entry in read(path).entries] == MEANING
    assert main(["replay", str(path)]) == 0
    assert "identical to the recording" in capsys.readouterr().err


RECORDED = [Run(True), Step(3), Epoch(), Reset(), Rewind(), Nudge("l2", -1),
            SetHyper({"learning_rate": 0.5, "optimizer": "adam"}), Cycle("hidden"), AddLayer(),
            RemoveLayer(), Resize(2, -1), Configure(PRESETS["circle"].config),
            Regenerate("features", "x1,x2"), Regenerate("noise", 1),
            AddRows(((0.0, 0.5),), ((1.0, 0.0),))]


def test_every_recorded_command_is_in_the_list_and_no_other():
    assert {type(command) for command in RECORDED} == set(BY_NAME.values())
    assert all(cls.RECORDED for cls in BY_NAME.values())
    assert not any(cls.RECORDED for cls in (Select, Samples, Want, Save, Quit, SaveRows))


@pytest.mark.parametrize("command", RECORDED)
def test_every_recorded_command_reads_back_as_written(command):
    line = json.loads(json.dumps(encode(4, command)))
    assert line["step"] == 4 and line["command"] == type(command).__name__
    assert decode(line["command"], line["args"]) == command


V2 = '{"format": "backprop-tui recording", "version": 2, "config": {}}'


@pytest.mark.parametrize(("lines", "message"), [
    (['{"format": "backprop-tui recording", "version": 3, "config": {}}'],
     "line 1: recording format version 3 is not supported (this backprop-tui reads "
     "versions 1 and 2)"),
    ([V2, '{"step": 0, "command": "Fly", "args": {}}'], "line 2: unknown command 'Fly'"),
    ([V2, '{"step": 0, "command": "Select", "args": {"layer": 1, "neuron": 2}}'],
     "line 2: unknown command 'Select'"),
    ([V2, '{"step": 0, "command": "Step", "args": {"count": "5"}}'],
     "line 2: Step's count must be int, not '5'"),
    ([V2, '{"step": 0, "command": "Nudge", "args": {"speed": 1}}'],
     "line 2: Nudge takes name, direction"),
    ([V2, '{"step": 2, "end": {}}', '{"step": 3, "command": "Reset"}'],
     "line 3: a command after the end line"),
    (["{}", '{"step": 0, "action": "nudge", "value": 3}'], "line 2: bad value for nudge"),

    (["{not json"], "line 1: not JSON"),
    (['{"colour": 1}'], "line 1: not a configuration (unknown keys: colour)"),
    (["{}", '{"step": 0, "action": "step", "value": 1}', "[1,"], "line 3: not JSON"),
    (["{}", '{"step": 0, "action": "fly"}'], "line 2: unknown action 'fly'"),
    (["{}", '{"step": -1, "action": "run"}'], "line 2: step must be a whole number"),
    (["{}", '{"step": 3, "action": "step", "value": 1}', '{"step": 2, "action": "run"}'],
     "line 3: step 2 goes backwards (the session is at step 4)"),
    (["{}", '{"step": 1, "action": "end"}', '{"step": 1, "action": "run"}'],
     "line 3: a command after the end line"),
    ([], "empty, not a recording"),
])
def test_bad_files_are_one_line_naming_it(tmp_path, capsys, lines, message):
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_a_missing_file_or_folder_is_refused(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "none.jsonl")]) == 2
    assert "none.jsonl: no such file" in capsys.readouterr().err
    assert main(["--record", str(tmp_path / "no" / "run.jsonl")]) == 2
    assert "there is no folder" in capsys.readouterr().err


def test_rewinds_replay_exactly(tmp_path):
    path = tmp_path / "rewind.jsonl"
    trainer = Trainer(replace(PRESETS["adder"].config, paused=True, record=str(path)))
    for command in (Step(260), Rewind(), Nudge("l2", 1),
                    Step(30), Rewind(), Step(15)):
        trainer.apply(command)
    weights = trainer.session.network.flat.copy()
    assert trainer.session.step_count == 265
    trainer.recorder.finish()
    replayed = replay(read(path)).session
    assert (replayed.network.flat == weights).all()
