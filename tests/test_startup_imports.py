"""Start-up stays fast: each process imports only what its first job needs.

Measured with ``python -X importtime`` and benchmarks/startup.py. The UI's first frame needs
Textual (which itself brings rich.table and its Input widget, for the command palette) and
plotext (the cost panel draws its empty axes in the first frame); it does not need
scikit-learn (0.6–1.5 s to import), the trainer (it runs in its own process), textual-serve,
the help screen's Markdown, or the screens a key opens later. The trainer's process needs
numpy and the data set, not scikit-learn for a built-in set that is merely shuffled, and no
Textual or Rich at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import backprop_tui

SOURCE = str(Path(backprop_tui.__file__).resolve().parents[1])

FIRST_FRAME = """
import sys
import backprop_tui.cli as cli
config = cli.config_from(cli.parser().parse_args([]))
cli.check_own_input(config)
import backprop_tui.live.backend
import backprop_tui.app.app
"""
"""What ``backprop-tui`` imports in the UI's process before its first frame."""

TRAINER = """
import sys
import backprop_tui.cli as cli  # the console script's module, as a spawned child re-imports it
from backprop_tui.live.backend import serve
from backprop_tui.live.config import PRESETS, DEFAULT_PRESET
from backprop_tui.live.trainer import Trainer
Trainer(PRESETS[DEFAULT_PRESET].config).snapshot()
"""
"""What the trainer's process imports up to the default preset's first snapshot."""

NOT_IN_FIRST_FRAME = [
    "sklearn", "scipy", "textual_serve", "aiohttp", "markdown_it", "rich.markdown",
    "textual.widgets._markdown", "textual.widgets._data_table", "backprop_tui.live.trainer",
    "backprop_tui.replay", "backprop_tui.app.screens.help", "backprop_tui.app.screens.views",
    "backprop_tui.app.screens.boundary", "backprop_tui.app.screens.inspector",
    "backprop_tui.app.screens.gradcheck", "backprop_tui.app.screens.overfit",
    "backprop_tui.app.screens.picker", "backprop_tui.app.screens.lab",
]
NOT_IN_TRAINER = ["sklearn", "scipy", "textual", "rich", "plotext", "textual_serve", "asyncio"]


def loaded(script: str, modules: list[str]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has imported after running ``script``."""
    report = f"\nprint(__import__('json').dumps([m for m in {modules!r} if m in sys.modules]))"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [SOURCE, *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run([sys.executable, "-c", script + report], capture_output=True,
                          text=True, env=env, timeout=120, check=True)
    found: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_the_first_frame_imports_only_what_it_draws() -> None:
    assert loaded(FIRST_FRAME, NOT_IN_FIRST_FRAME) == []
    assert loaded(FIRST_FRAME, ["textual.app", "numpy"]) == ["textual.app", "numpy"]


def test_the_trainer_process_imports_no_ui_and_no_scikit_learn() -> None:
    assert loaded(TRAINER, NOT_IN_TRAINER) == []
    assert loaded(TRAINER, ["numpy", "backprop_tui.data.adder"]) == [
        "numpy", "backprop_tui.data.adder"]
