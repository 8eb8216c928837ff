"""The overfit key (O): a dialog with the report's costs, sparkline and verdict; Escape closes
it, and the paused run is where it was."""

from __future__ import annotations

from textual.widgets import Label

from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.screens.overfit import OverfitScreen, log_sparkline
from backprop_tui.live.overfit import overfit_batch
from backprop_tui.live.trainer import Trainer

from .conftest import make_app, started, wait_for


def text(screen: OverfitScreen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


async def test_o_shows_the_verdict_of_the_report_and_escape_closes():
    app = make_app("adder", seed=3)
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        step = app.snapshot.step
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, OverfitScreen))
        await pilot.pause()
        screen = app.screen
        report = screen.report
        expected = overfit_batch(Trainer(app.config).session)  # the same seeded, paused start
        assert (report.start_cost, report.final_cost, report.steps) == (
            expected.start_cost, expected.final_cost, expected.steps)
        assert report.passed
        assert text(screen, "#overfit-verdict") == report.verdict
        assert report.verdict.startswith(f"fits one batch: cost {report.start_cost:.3g} → ")
        assert f"after {report.steps} steps" in text(screen, "#overfit-costs")
        assert len(text(screen, "#overfit-trace")) == len(report.costs)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.snapshot.step == step


async def test_a_zeroed_gradient_shows_that_the_network_cannot_fit(monkeypatch):
    monkeypatch.setattr(Trainer, "gradient_source", staticmethod(
        lambda network, x, y, l2, l1: [0 * p for p in network.params]))
    app = make_app("adder")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, OverfitScreen))
        await pilot.pause()
        verdict = text(app.screen, "#overfit-verdict")
        assert verdict == app.screen.report.verdict
        assert verdict.startswith("cannot fit one batch")


def test_the_sparkline_is_log_scaled_and_marks_what_is_not_finite():
    assert log_sparkline(tuple(10.0 ** -k for k in range(8))) == "█▇▆▅▄▃▂▁"  # log10 steps
    assert log_sparkline((1.0, float("inf"))) == "▁!"
