"""N cycles the hidden layers' normalisation: the status bar and the gradient check show it."""

from __future__ import annotations

from textual.widgets import DataTable

from backprop_tui.app.screens.gradcheck import GradientCheckScreen
from backprop_tui.app.widgets.status import StatusBar, status_text

from .conftest import make_app, screen_lines, started, wait_for


async def test_n_cycles_none_batch_layer_and_the_status_bar_says_so():
    app = make_app("circle")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        seen = []
        for _ in range(3):
            await pilot.press("N")
            await wait_for(pilot, lambda: app.snapshot.norm != (seen or ["none"])[-1])
            seen.append(app.snapshot.norm)
            status = status_text(app.snapshot, app.screen.query_one(StatusBar).size.width)
            assert ("norm " + seen[-1] in status.plain) == (seen[-1] != "none")
        assert seen == ["batch", "layer", "none"]
        await pilot.press("N")
        await wait_for(pilot, lambda: app.snapshot.norm == "batch")
        await pilot.pause()
        assert any("norm batch" in line for line in screen_lines(app))


async def test_the_gradient_check_adds_a_gamma_beta_column_under_normalisation():
    app = make_app("circle", norm="batch")
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, GradientCheckScreen))
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        labels = [str(column.label) for column in table.columns.values()]
        assert labels == ["layer", "checked", "weight error", "bias error", "γ/β error", ""]
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert [row[0] for row in rows] == ["1: 2→8 tanh+BN", "2: 8→8 tanh+BN", "3: 8→2 softmax"]
        assert [row[3] for row in rows][:2] == ["no bias", "no bias"] and rows[2][4] == "–"
        assert all(float(row[4]) < 1e-6 for row in rows[:2])
        assert [row[-1] for row in rows] == ["✓", "✓", "✓"]


def test_a_full_array_wider_than_the_panel_comes_in_column_blocks():
    import io

    import numpy as np
    from rich.console import Console

    from backprop_tui.app.screens.inspector import render_numbers
    from backprop_tui.live.inspector import numbers

    values = np.arange(64.0).reshape(8, 8) / 7 - 4
    console = Console(width=40, record=True, file=io.StringIO())
    console.print(render_numbers(numbers("γ", values), width=38))
    text = console.export_text()
    blocks = [line.strip() for line in text.splitlines() if line.strip().startswith("columns")]
    assert len(blocks) > 1 and blocks[0].startswith("columns 0–")
    assert "…" not in text and max(len(line.rstrip()) for line in text.splitlines()) <= 38
    for value in values.ravel():
        assert f"{value:.4g}" in text
