"""Helpers for driving the app: an in-process trainer and a wait that cannot hang."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from backprop_tui.app.app import BackpropApp
from backprop_tui.live.backend import ThreadBackend
from backprop_tui.live.config import PRESETS, RunConfig, build_session
from backprop_tui.live.snapshot import Snapshot, TrainerState, take_snapshot

WIDGET_PRESETS = ("adder", "adder-post", "digits", "circle", "celsius", "regression-post")
"""Presets whose snapshots the widget tests draw (every task, width and depth kind)."""


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


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (fails the test after ``timeout`` s)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not met in time")


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
