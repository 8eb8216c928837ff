"""The breakpoints form sets them; a breakpoint that fires pauses and the status says why."""

from __future__ import annotations

from backprop_tui.app.screens.breakpoints import BreakpointsScreen
from backprop_tui.app.widgets.status import StatusBar
from backprop_tui.live.breakpoints import Breakpoints

from .conftest import make_app, started, wait_for


def status_of(app) -> str:
    return str(app.screen_stack[0].query_one(StatusBar).render())


async def open_form(pilot) -> None:
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, BreakpointsScreen))


async def fill(pilot, **values: str) -> None:
    screen = pilot.app.screen
    for name, value in values.items():
        screen.query_one(f"#{name}").value = value
    await pilot.press("enter")


async def test_the_form_sets_breakpoints_and_one_fires():
    app = make_app(speed=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await open_form(pilot)
        assert app.screen.query_one("#epoch").value == ""
        await fill(pilot, cost_spike="5", target="0.95", epoch="4")
        await wait_for(pilot, lambda: app.snapshot.breakpoints.epoch == 4)
        assert not isinstance(app.screen, BreakpointsScreen)
        assert app.snapshot.breakpoints == Breakpoints(cost_spike=5, target=0.95, epoch=4)
        assert "break spike×5 word acc≥0.95 ep 4" in status_of(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.snapshot.breakpoint != "")
        assert app.snapshot.status == "paused" and app.snapshot.step == 12
        assert "⏸ breakpoint: epoch 4 completed at step 12" in status_of(app)
        await open_form(pilot)  # prefilled with the current settings
        assert app.screen.query_one("#cost_spike").value == "5"
        assert app.screen.query_one("#epoch").value == "4"


async def test_invalid_numbers_keep_the_form_open_and_escape_cancels():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await open_form(pilot)
        await fill(pilot, dead_fraction="lots")
        await wait_for(pilot, lambda: any("dead fraction: 'lots' is not a number" in n.message
                                          for n in app._notifications))
        assert isinstance(app.screen, BreakpointsScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, BreakpointsScreen))
        await pilot.press("n")  # a round trip: the trainer has seen every earlier command
        await wait_for(pilot, lambda: app.snapshot.step == 1)
        assert app.snapshot.breakpoints == Breakpoints()
