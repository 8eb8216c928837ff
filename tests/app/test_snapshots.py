"""Screenshots of every panel on paused, seeded states (pytest-textual-snapshot).

Run ``pytest -n 0 tests/app/test_snapshots.py --snapshot-update`` after an intended change
of the look, and check the
report it writes before committing the new SVGs.
"""

from __future__ import annotations

import pytest

from backprop_tui.live.commands import Step

from .conftest import make_app, settled_after, started


def after_steps(steps: int):
    async def run_before(pilot) -> None:
        await started(pilot)
        await pilot.press("n")  # one step by key, the rest in one command
        pilot.app.send(Step(steps - 1))
        await settled_after(pilot, steps)  # the throttled cost plot included

    return run_before


@pytest.mark.parametrize(("preset", "steps", "size"), [
    ("adder", 30, (120, 40)),
    ("digits", 20, (120, 40)),
    ("circle", 300, (100, 32)),
    ("adder", 30, (80, 24)),
])
def test_panels(snap_compare, preset, steps, size):
    assert snap_compare(make_app(preset), terminal_size=size, run_before=after_steps(steps))
