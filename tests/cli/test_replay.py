"""Recording a session (``--record``) and ``backprop-tui replay``."""

from __future__ import annotations

import gc
import json
from dataclasses import replace

import pytest
from app.conftest import started, wait_for  # tests/ is on the path: app is its package

from backprop_tui.app.app import BackpropApp
from backprop_tui.cli import main
from backprop_tui.live.backend import ThreadBackend
from backprop_tui.live.commands import Command
from backprop_tui.live.config import PRESETS
from backprop_tui.live.trainer import Trainer
from backprop_tui.replay import read, replay

COMMANDS = [Command("step", 5), Command("nudge", ("learning_rate", 1)),
            Command("cycle", "optimizer"), Command("select", (1, 2)), Command("step", 3),
            Command("set", {"batch_size": 8}), Command("reset"), Command("samples", 1),
            Command("step", 4), Command("add_layer"), Command("step", 2)]


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
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["dataset"] == "adder" and "record" not in lines[0]
    actions = [line["action"] for line in lines[1:]]
    assert "select" not in actions and "samples" not in actions
    assert actions[-1] == "end" and lines[-1]["step"] == 9
    assert lines[7] == {"step": 0, "action": "step", "value": 4}  # after the reset
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
    end["metrics"]["cost"] += 1
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


@pytest.mark.parametrize(("lines", "message"), [
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
    for command in (Command("step", 260), Command("rewind"), Command("nudge", ("l2", 1)),
                    Command("step", 30), Command("rewind"), Command("step", 15)):
        trainer.apply(command)
    weights = trainer.session.network.flat.copy()
    assert trainer.session.step_count == 265
    trainer.recorder.finish()
    replayed = replay(read(path)).session
    assert (replayed.network.flat == weights).all()
