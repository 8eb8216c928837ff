"""The neuron lab keys: 0 switches the selected hidden neuron off and on, w edits it."""

from __future__ import annotations

from textual.widgets import Input

from backprop_tui.app.screens.lab import NeuronForm
from backprop_tui.app.widgets.topology import OFF, TopologyView, draw

from .conftest import make_app, started, wait_for


async def test_zero_switches_the_selected_neuron_off_and_on():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("down")
        view = app.screen.query_one(TopologyView)
        target = view.selected
        assert target[0] == 1
        await pilot.press("0")
        await wait_for(pilot, lambda: app.snapshot.off_units == (target,))
        assert "off: test" in app.snapshot.message and "→" in app.snapshot.message
        before = app.snapshot.lab.before
        lines = draw(app.snapshot, view._cursor, 120, None)
        assert any(OFF in line.plain for line in lines)
        assert any(f"L{target[0]} n{target[1]}" in line.plain for line in lines)
        await pilot.press("0")
        await wait_for(pilot, lambda: app.snapshot.off_units == ())
        assert app.snapshot.lab.after == before
        assert not any(OFF in line.plain for line in draw(app.snapshot, view._cursor, 120, None))


async def test_w_form_edits_the_bias():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: app.snapshot.topology.selected == (1, 0))
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, NeuronForm))
        bias = app.screen.query_one("#lab-bias", Input)
        bias.value = "1.25"
        bias.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.snapshot.topology.incoming is not None
                       and app.snapshot.topology.incoming[-1] == 1.25)
        assert "bias = 1.25" in app.snapshot.message
