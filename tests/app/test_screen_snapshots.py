"""Screenshots of the inspector, views, boundary and projection screens on paused, seeded states.

Update with ``pytest -n 0 tests/app/test_screen_snapshots.py --snapshot-update`` after an
intended change of the look.
"""

from __future__ import annotations

import pytest

from backprop_tui.app.widgets.boundary import BoundaryView, grid_size
from backprop_tui.live.commands import Step

from .conftest import make_app, settled_after, started, wait_for


def open_after_steps(steps: int, key: str, ready):
    async def run_before(pilot) -> None:
        await started(pilot)
        pilot.app.send(Step(steps))
        await settled_after(pilot, steps)
        await pilot.press(key)
        await wait_for(pilot, lambda: ready(pilot.app))

    return run_before


def boundary_fits(app) -> bool:
    """The boundary shown was computed for the heatmap's size (not the first, default one)."""
    boundary = app.snapshot.boundary
    return (type(app.screen).__name__ == "BoundaryScreen" and boundary is not None
            and boundary.values.shape[::-1] == grid_size(*app.screen.query_one(BoundaryView).size))


@pytest.mark.parametrize(("preset", "key", "ready"), [
    ("adder", "i", lambda app: type(app.screen).__name__ == "InspectorScreen"),
    ("digits", "v", lambda app: type(app.screen).__name__ == "ViewsScreen"
     and app.snapshot.views is not None),
    ("circle", "h", boundary_fits),
    ("digits", "j", lambda app: type(app.screen).__name__ == "ProjectionScreen"
     and "projection" in app.snapshot.extras),
])
def test_screens(snap_compare, preset, key, ready):
    app = make_app(preset)
    assert snap_compare(app, terminal_size=(120, 40),
                        run_before=open_after_steps(200, key, ready))
