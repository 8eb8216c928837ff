"""Helpers for driving the app: an in-process trainer, and waits for a condition (never for
a fixed time) that fail with the condition instead of hanging."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace

from backprop_tui.app.app import BackpropApp
from backprop_tui.app.widgets.cost_plot import TRAIN, CostPlot
from backprop_tui.live.backend import ThreadBackend
from backprop_tui.live.config import PRESETS, RunConfig, build_session
from backprop_tui.live.snapshot import Snapshot, TrainerState, take_snapshot

WIDGET_PRESETS = ("adder", "adder-post", "digits", "circle", "celsius", "regression-post")
"""Presets whose snapshots the widget tests draw (every task, width and depth kind)."""
MAX_ROUNDS = 2500
"""Rounds of ``pilot.pause()`` before a wait gives up (at least 50 s, at 20 ms a round)."""


def preset_snapshot(name: str, steps: int = 100, selected: tuple[int, int] = (1, 0)) -> Snapshot:
    """A paused snapshot of ``name`` after ``steps`` training steps (no app, no trainer)."""
    session, _ = build_session(PRESETS[name].config)
    session.run(steps)
    return take_snapshot(session, TrainerState(selected=selected))


def make_app(preset: str = "adder", paused: bool = True, **changes: object) -> BackpropApp:
    config: RunConfig = replace(PRESETS[preset].config, paused=paused, **changes)
    backend = ThreadBackend(config)
    backend.start()
    return BackpropApp(config, backend)


async def wait_for(pilot, condition: Callable[[], bool]) -> None:
    """Let the app process its messages until ``condition()`` holds.

    Each round is ``pilot.pause()`` with no delay: it returns once the screen has handled
    what was queued and the process is idle (or after at most 1 s of work), so nothing waits
    a fixed time. The bound only turns a hang into a failure naming the condition."""
    for _ in range(MAX_ROUNDS):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"still false after {MAX_ROUNDS} rounds: {_source(condition)}")


def _source(condition: Callable[[], bool]) -> str:
    try:
        return inspect.getsource(condition).strip()
    except (OSError, TypeError):
        return repr(condition)


def drawn_step(app: BackpropApp) -> float | None:
    """The last training step the main screen's cost plot has drawn (None: none yet)."""
    steps = app.screen_stack[0].query_one(CostPlot).last_series.get(TRAIN, ([], []))[0]
    return steps[-1] if steps else None


async def settled_after(pilot, step: int) -> None:
    """Wait until the trainer has reached ``step`` and every panel shows it (the throttled
    cost plot included)."""
    await wait_for(pilot, lambda: pilot.app.snapshot is not None
                   and pilot.app.snapshot.step == step)
    await wait_for(pilot, lambda: drawn_step(pilot.app) == step)


async def started(pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.snapshot is not None)


def screen_lines(app) -> list[str]:
    """The current screen as plain text, one string per terminal row (what a user reads)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      force_terminal=True, color_system="truecolor", legacy_windows=False,
                      safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text().splitlines()[:height]
