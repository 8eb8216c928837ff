"""PredictionsView: header counts, ✓/✗ lines, half-block digits laid out for the width."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.geometry import Region

from backprop_tui.app.widgets.predictions import PredictionsPicture, PredictionsView, halve
from backprop_tui.engine import TrainingSession
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.snapshot import Prediction, Snapshot, take_snapshot


@cache
def trained(preset: str) -> tuple[TrainingSession, Snapshot]:
    """The preset's session after 300 steps, and its snapshot."""
    session, _ = build_session(PRESETS[preset].config)
    session.run(300)
    return session, take_snapshot(session)


def snapshot(preset: str) -> Snapshot:
    return trained(preset)[1]


def wrong_sums() -> tuple[int, int]:
    """Counted here with numpy: the adder's test sums with any output bit on the wrong side
    of ½ after 300 steps, and the test rows."""
    session, _ = trained("adder")
    x, y = session.x_test, session.y_test
    wrong = ((session.network.predict(x) > 0.5) != (y > 0.5)).any(axis=1)
    return int(wrong.sum()), len(x)


def picture_lines(snap: Snapshot, width: int) -> list[str]:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(PredictionsPicture(snap))
    return [line.rstrip() for line in console.export_text().splitlines()]


class PredictionsApp(App):
    def compose(self) -> ComposeResult:
        yield PredictionsView()


async def shown_text(snap: Snapshot, size: tuple[int, int]) -> str:
    app = PredictionsApp()
    async with app.run_test(size=size) as pilot:
        view = app.query_one(PredictionsView)
        view.show(snap)
        await pilot.pause()
        strips = view.render_lines(Region(0, 0, *view.size))
        return "\n".join(strip.text.rstrip() for strip in strips)


@pytest.mark.parametrize("preset", ["adder", "digits", "celsius", "circle"])
@pytest.mark.parametrize("size", [(120, 40), (80, 24), (20, 6)])
async def test_real_snapshots_render(preset, size):
    snap = snapshot(preset)
    text = await shown_text(snap, size)
    assert text.startswith("test @"[: size[0]])
    assert "✓" in text or "✗" in text or "error" in text
    assert all(len(line) <= size[0] for line in text.splitlines())


async def test_adder_lines_mark_and_describe():
    snap = snapshot("adder")
    text = await shown_text(snap, (120, 40))
    header, *lines = text.rstrip("\n").splitlines()
    wrong, rows = wrong_sums()
    assert 0 < wrong < rows
    assert header == f"test @300: {wrong} of {rows} wrong, mistakes first"
    assert len(lines) == len(snap.predictions)  # one line per sample the snapshot carries
    mistakes = min(wrong, len(lines))  # mistakes first
    assert [line[:2] for line in lines] == ["✗ "] * mistakes + ["✓ "] * (len(lines) - mistakes)
    assert all(" + " in line and "=" in line and line.endswith(")") for line in lines)


def test_header_counts_wrong_samples():
    snap = replace(snapshot("adder"), wrong=3, pool=19, test_rows=19)
    assert picture_lines(snap, 80)[0] == "test @300: 3 of 19 wrong, mistakes first"
    assert picture_lines(snap, 30)[0] == "test @300: 3 of 19 wrong"
    part = replace(snap, pool=2000, test_rows=10000, measured_step=1200)
    assert picture_lines(part, 60)[0] == "test @1,200: 3 of the first 2,000 of 10,000 wrong"
    empty = replace(snapshot("adder"), wrong=0, pool=0, predictions=())
    assert picture_lines(empty, 80) == ["test samples — none"]


def test_long_lines_wrap_between_words_and_keep_the_whole_answer():
    snap = snapshot("adder")
    lines = picture_lines(snap, 36)  # the panel's width at 80×24
    assert all(len(line) <= 36 and "…" not in line for line in lines)
    samples = " ".join(line.strip() for line in lines[1:])
    shown = samples.count("✓") + samples.count("✗")
    assert shown >= 2  # as many as the console's height holds, each whole
    for prediction in snap.predictions[:shown]:
        assert " ".join(prediction.text.split()) in " ".join(samples.split())


async def test_the_panel_shows_whole_samples_and_pages_by_them():
    snap = snapshot("adder")
    app = PredictionsApp()
    async with app.run_test(size=(36, 6)) as pilot:
        view = app.query_one(PredictionsView)
        view.show(snap)
        await pilot.pause()
        text = "\n".join(s.text.rstrip() for s in view.render_lines(Region(0, 0, *view.size)))
        assert view.shown == 2 and text.count("✓") + text.count("✗") == 2
        assert text.count(")") == 2 and "…" not in text


def test_regression_shows_the_error_in_the_data_units_largest_first():
    session, _ = build_session(PRESETS["celsius"].config)
    session.run(50)
    snap = take_snapshot(session)
    scale = session.dataset.target_scale
    errors = (session.network.predict(session.x_test) - session.y_test)[:, 0] * scale
    expected = sorted(errors, key=abs, reverse=True)[:len(snap.predictions)]
    np.testing.assert_allclose([p.error for p in snap.predictions], expected, rtol=1e-9)
    lines = picture_lines(snap, 120)
    assert lines[0] == f"test @50: {len(errors)} rows, largest error first"
    assert "wrong" not in "\n".join(lines)
    assert lines[1].startswith(f"error {expected[0]:+.3g}  ") and "°C" in lines[1]


def test_digits_side_by_side_when_wide_one_per_row_when_narrow():
    snap = snapshot("digits")
    wide, narrow = picture_lines(snap, 120), picture_lines(snap, 40)
    assert "▀" * 8 in wide[1]
    assert wide[1].count("▀" * 8) >= 2
    assert all(line.count("▀" * 8) <= 1 for line in narrow)
    shown = sum(line.count("✓") + line.count("✗") for line in narrow)
    assert shown >= 2 and len(narrow) == 1 + 4 * shown  # whole cards, one per row
    assert "%" in wide[2]  # the top-3 line beside the picture


def test_top_three_probabilities_as_percent():
    snap = snapshot("digits")
    label, prob = snap.predictions[0].top[0]
    assert f"{label} {prob * 100:.0f} %" in picture_lines(snap, 120)[2]


def test_mnist_sized_images_are_halved_unless_they_all_fit():
    rng = np.random.default_rng(0)
    predictions = tuple(
        Prediction(row=i, text=f"true {i}, predicted {i}", correct=bool(i % 2),
                   image=rng.random((28, 28)), top=((str(i), 0.9), ("1", 0.1)))
        for i in range(4)
    )
    snap = replace(snapshot("digits"), predictions=predictions)
    halved = picture_lines(snap, 80)
    assert "▀" * 14 in halved[1] and len(halved) == 1 + 7 * 2  # two rows of two 14×7 cards
    assert all("▀" * 15 not in line for line in halved)
    full = picture_lines(snap, 4 * (28 + 1 + 24 + 3))
    assert "▀" * 28 in full[1] and len(full) == 1 + 14


def test_mixed_and_odd_sized_images_line_up():
    digits = snapshot("digits").predictions
    odd = replace(digits[1], image=np.ones((5, 3)))
    snap = replace(snapshot("digits"), predictions=(replace(digits[0], image=None), odd, digits[2]))
    lines = picture_lines(snap, 120)
    assert len(lines) == 1 + 4 and "▀" * 8 in lines[1]


def test_halve_pads_odd_edges():
    image = np.arange(9.0).reshape(3, 3)
    assert halve(image).shape == (2, 2)
    assert halve(np.ones((28, 28))).shape == (14, 14)


async def test_snapshot_shown_before_mounting_appears():
    view = PredictionsView()
    view.show(snapshot("adder"))
    app = PredictionsApp()
    async with app.run_test() as pilot:
        await app.mount(view)
        await pilot.pause()
        wrong, rows = wrong_sums()
        header = view.render_lines(Region(0, 0, 80, 1))[0].text
        assert header.startswith(f"test @300: {wrong} of {rows} wrong")


async def test_show_after_shutdown_is_ignored():
    app = PredictionsApp()
    async with app.run_test():
        view = app.query_one(PredictionsView)
        view.show(snapshot("circle"))
    view.show(snapshot("adder"))  # the app has gone: nothing is drawn, nothing fails
    assert view.content.snapshot is snapshot("circle")
