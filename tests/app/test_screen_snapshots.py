"""Screenshots of the inspector, views and boundary screens on paused, seeded states.

Update with ``pytest -n 0 tests/app/test_screen_snapshots.py --snapshot-update`` after an
intended change of the look.
"""

from __future__ import annotations

import pytest

from backprop_tui.live.commands import Step

from .conftest import make_app, started, wait_for


def open_after_steps(steps: int, key: str, ready):
    async def run_before(pilot) -> None:
        await started(pilot)
        pilot.app.send(Step(steps))
        await wait_for(pilot, lambda: pilot.app.snapshot.step == steps)
        await pilot.press(key)
        await wait_for(pilot, lambda: ready(pilot.app))
        await pilot.pause(0.4)

    return run_before


@pytest.mark.parametrize(("preset", "key", "ready"), [
    ("adder", "i", lambda app: type(app.screen).__name__ == "InspectorScreen"),
    ("digits", "v", lambda app: app.snapshot.views is not None),
    ("circle", "h", lambda app: app.snapshot.boundary is not None),
])
def test_screens(snap_compare, preset, key, ready):
    app = make_app(preset)
    assert snap_compare(app, terminal_size=(120, 40),
                        run_before=open_after_steps(200, key, ready))
