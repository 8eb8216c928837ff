"""The gradient check key: a per-layer table with ✓/✗ and a verdict; Escape closes it."""

from __future__ import annotations

import numpy as np
from textual.widgets import DataTable, Label

from backprop_tui.app.screens.gradcheck import GradientCheckScreen
from backprop_tui.app.screens.main import MainScreen
from backprop_tui.live.trainer import Trainer

from .conftest import make_app, started, wait_for


def sign_flipped_layer_two(network, x, y, l2, l1) -> list[np.ndarray]:
    """A broken backprop: the second layer's weight gradient points the wrong way."""
    grads = network.gradients(x, y, l2=l2, l1=l1).grads
    return [-g if index == 2 else g for index, g in enumerate(grads)]


async def open_check(pilot) -> GradientCheckScreen:
    await started(pilot)
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, GradientCheckScreen))
    await pilot.pause()
    return pilot.app.screen


def marks(screen: GradientCheckScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]


def verdict(screen: GradientCheckScreen) -> str:
    return str(screen.query_one("#gradcheck-verdict", Label).render())


async def test_c_shows_every_layer_agreeing_and_escape_closes():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_check(pilot)
        table = screen.query_one(DataTable)
        assert str(table.get_row_at(0)[0]) == "1: 8→32 tanh"
        assert marks(screen) == ["✓", "✓", "✓"]
        assert all(float(table.get_row_at(i)[2]) < 1e-6 for i in range(3))
        assert verdict(screen).startswith("backprop agrees with finite differences")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


async def test_a_corrupted_gradient_shows_a_cross_and_disagrees(monkeypatch):
    monkeypatch.setattr(Trainer, "gradient_source", staticmethod(sign_flipped_layer_two))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_check(pilot)
        assert marks(screen) == ["✓", "✗", "✓"]
        assert "layer 2 disagrees" in verdict(screen)
