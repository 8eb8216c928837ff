"""Placing training points on the boundary screen: a plot cell maps to the plane point the
heatmap draws in that cell; a click and the keyboard cursor add the same point; the right
button removes the nearest; p, c and w choose, clear and save."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui import data
from backprop_tui.app.widgets.boundary import (
    HEADER_LINES,
    BoundaryView,
    cell_centre,
    heatmap,
    plot_cell,
    plot_size,
)
from backprop_tui.live.boundary import Boundary

from .conftest import make_app, wait_for
from .test_boundary_screen import open_boundary, text_of


@pytest.mark.parametrize(("cols", "rows"), [(38, 19), (48, 24), (59, 27)])
def test_a_cell_centre_is_the_middle_of_the_cell_and_drawn_in_it(cols, rows):
    for column, row in [(0, 0), (cols - 1, rows - 1), (cols // 3, rows // 2), (7, rows - 2)]:
        x, y = cell_centre(column, row, cols, rows, 1.0)
        left, right = -1 + 2 * column / cols, -1 + 2 * (column + 1) / cols
        top, bottom = 1 - 2 * row / rows, 1 - 2 * (row + 1) / rows
        assert (x, y) == pytest.approx(((left + right) / 2, (top + bottom) / 2))
        boundary = Boundary(np.zeros((2 * rows, cols)), 1.0, np.array([[x, y, 0, 0]]), 0, 1,
                            "output", 1.0, False)
        lines = [line.plain for line in heatmap(boundary, cols, rows, show_test=False)]
        assert lines[row][column] == "●" and sum(line.count("●") for line in lines) == 1


def test_only_the_plot_cells_are_clickable():
    cols, rows = plot_size(80, 23)
    assert plot_cell(0, HEADER_LINES, 80, 23) == (0, 0)
    assert plot_cell(cols - 1, HEADER_LINES + rows - 1, 80, 23) == (cols - 1, rows - 1)
    assert plot_cell(3, HEADER_LINES - 1, 80, 23) is None  # the header
    assert plot_cell(cols, HEADER_LINES, 80, 23) is None  # the small heatmaps
    assert plot_cell(0, HEADER_LINES + rows, 80, 23) is None


def train_points(app) -> int:
    boundary = app.snapshot.boundary
    return boundary.train_points if boundary is not None else -1


async def test_click_and_cursor_add_the_same_point_and_other_buttons_remove(tmp_path):
    app = make_app("circle")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_boundary(pilot)
        await wait_for(pilot, lambda: train_points(app) == 200)
        view = screen.query_one(BoundaryView)
        cols, rows = plot_size(*view.size)
        column, row = cols // 2 + 3, rows // 2 - 2
        expected = [-1 + (2 * column + 1) / cols, 1 - (2 * row + 1) / rows, 0, 0]  # blue
        await pilot.click(BoundaryView, offset=(column, HEADER_LINES + row))
        await wait_for(pilot, lambda: train_points(app) == 201)
        np.testing.assert_allclose(app.snapshot.boundary.points[200], expected)
        await pilot.press("right", "right", "right", "up", "up", "enter")
        await wait_for(pilot, lambda: train_points(app) == 202)
        assert view.cursor == (column, row) and "+" in text_of(view)
        np.testing.assert_array_equal(app.snapshot.boundary.points[201],
                                      app.snapshot.boundary.points[200])
        await pilot.press("p")
        assert "place ● orange (p)" in text_of(view)
        await pilot.press("enter")
        await wait_for(pilot, lambda: train_points(app) == 203)
        assert app.snapshot.boundary.points[202][2] == 1  # orange
        await pilot.click(BoundaryView, offset=(column, HEADER_LINES + row), button=3)
        await wait_for(pilot, lambda: train_points(app) == 202)
        await pilot.click(BoundaryView, offset=(column, HEADER_LINES + row), control=True)
        await wait_for(pilot, lambda: train_points(app) == 201)
        await pilot.press("delete")
        await wait_for(pilot, lambda: train_points(app) == 200)
        await pilot.press("c")
        await wait_for(pilot, lambda: train_points(app) == 0)
        assert "no train points" in text_of(view)
        await pilot.press("enter", "w")
        await wait_for(pilot, lambda: train_points(app) == 1 and len(app.screen_stack) == 3)
        path = tmp_path / "one.csv"
        app.screen.query_one("Input").value = str(path)
        await pilot.press("enter")
        await wait_for(pilot, lambda: path.exists())
        loaded = data.load(f"csv:{path}")
        np.testing.assert_allclose(loaded.points[0], [expected[:2]])
        assert len(loaded.points[1]) == 200 and loaded.labels == ("blue", "orange")
