"""The inspector key: stages one at a time, Enter takes exactly one step, Escape closes."""

from __future__ import annotations

import io

import numpy as np
from textual.widgets import Label, Static

from backprop_tui.app.screens.inspector import InspectorScreen, render_numbers, strip
from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.widgets.topology import TopologyView
from backprop_tui.live.inspector import numbers

from .conftest import make_app, started, wait_for


def text(screen: InspectorScreen, selector: str) -> str:
    return str(screen.query_one(selector, Label | Static).render())


async def open_inspector(pilot) -> InspectorScreen:
    """Press ``i`` once the trainer is up; returns the inspector screen."""
    await started(pilot)
    await pilot.press("i")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, InspectorScreen))
    return pilot.app.screen


async def test_i_steps_through_stages_applies_one_step_and_escape_closes():
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_inspector(pilot)
        total = len(screen.inspection.stages)
        assert text(screen, "#inspector-header") == f"stage 1 of {total}: forward, layer 1"
        assert "z₁ = a₀·W₁ + b₁" in text(screen, "#inspector-equation")
        for _ in range(4):
            await pilot.press("right")
        await pilot.pause()
        assert text(screen, "#inspector-header") == f"stage 5 of {total}: backward, layer 2"
        network = pilot.app.screen_stack[0].query_one(TopologyView)
        assert network.selected[0] == 2  # the network panel points at the layer computed
        assert "W₃ᵀ (4×32)" in text(screen, "#inspector-shapes")
        assert [numbers.name for numbers in screen.stage.numbers] == ["δ₂ (per sample)"]
        await pilot.press("left")
        await pilot.pause()
        assert text(screen, "#inspector-header").startswith("stage 4 of")
        await wait_for(pilot, lambda: pilot.app.snapshot is not None
                       and pilot.app.snapshot.step == screen.inspection.step)
        before = screen.inspection.step
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.inspection.step == before + 1)
        await wait_for(pilot, lambda: pilot.app.snapshot.step == before + 1)
        assert pilot.app.screen is screen
        assert text(screen, "#inspector-header").startswith("stage 1 of")
        applied = screen.inspection
        await pilot.press("b")  # inspect again: a round trip after the step
        await wait_for(pilot, lambda: screen.inspection is not applied)
        assert screen.inspection.step == pilot.app.snapshot.step == before + 1  # exactly one
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


def test_the_layer_strip_highlights_the_layer_computed():
    assert strip((8, 32, 32, 4), 2).plain == "in (8) → 1 (32) → [2 (32)] → out (4)"
    assert strip((8, 4), 1).plain == "in (8) → [out (4)]"


def test_numbers_render_in_full_or_as_a_summary_with_the_largest():
    from rich.console import Console

    def rendered(values: np.ndarray) -> str:
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(render_numbers(numbers("x", values)))
        return console.export_text()

    small = rendered(np.array([[1.0, -2.0], [3.0, 4.5]]))
    assert "x  (2×2)" in small and "4.5" in small and "mean" not in small
    large = rendered(np.arange(100.0).reshape(10, 10))
    assert "x  (10×10)" in large and "mean 49.5" in large and "[9,9] 99" in large


async def test_s_inspects_single_training_rows_and_b_returns_to_the_batch():
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_inspector(pilot)
        assert screen.inspection.sample is None and screen.inspection.rows == 16
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.inspection.sample == 0)
        assert screen.inspection.rows == 1 and "training row 0" in text(screen, "#inspector-title")
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.inspection.sample == 1)
        await pilot.press("b")
        await wait_for(pilot, lambda: screen.inspection.sample is None)
