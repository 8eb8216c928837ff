"""The doctor in the app: its line under the status bar names the top finding and the fix,
``D`` lists every finding (``1`` applies the first fix), ``F`` applies the top fix through
the trainer (recorded), and the finding goes once it no longer holds."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Label

from backprop_tui.app.screens.doctor import DoctorScreen
from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.widgets.doctor import DoctorLine, doctor_text
from backprop_tui.live.commands import Rebuild, Step
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.doctor import diagnose
from backprop_tui.live.record import read
from backprop_tui.live.snapshot import TrainerState, take_snapshot

from .conftest import make_app, screen_lines, started, wait_for

FIXED = {"all_positive", "saturated"}
"""What Glorot init + tanh cures on the adder post."""


def line(app) -> str:
    return str(app.main.query_one(DoctorLine).render())


def listed(app) -> str:
    """What the detail view lists."""
    return str(app.screen.query_one("#doctor-findings", Label).render())


def cured(app) -> bool:
    return app.snapshot.hidden == "tanh" and not FIXED & {f.id for f in app.snapshot.findings}


async def test_the_doctor_line_names_the_adder_posts_problem_and_f_fixes_it(tmp_path):
    path = tmp_path / "run.jsonl"
    app = make_app("adder-post", record=str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        app.send(Step(50))
        await wait_for(pilot, lambda: app.snapshot.step == 50 and app.snapshot.findings)
        top = app.snapshot.findings[0]
        assert top.id == "all_positive"
        await wait_for(pilot, lambda: line(app).startswith(f"doctor: {top.title}"))
        assert any(row.startswith(f"doctor: {top.title}") for row in screen_lines(app))
        assert f"F: {top.fix}" in line(app)
        await pilot.press("F")
        await wait_for(pilot, lambda: cured(app))
        await wait_for(pilot, lambda: not line(app).startswith(f"doctor: {top.title}"))
    entries = read(path).entries
    assert [e.command for e in entries if isinstance(e.command, Rebuild)] == [
        Rebuild(init="glorot", hidden="tanh")]


async def test_d_lists_every_finding_and_1_applies_the_first_fix():
    app = make_app("adder-post")
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        app.send(Step(50))
        await wait_for(pilot, lambda: app.snapshot.step == 50 and app.snapshot.findings)
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, DoctorScreen))
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        for number, finding in enumerate(app.snapshot.findings, 1):
            assert f"{number}. {finding.title}" in shown
        await pilot.press("1")
        await wait_for(pilot, lambda: cured(app))
        await wait_for(pilot, lambda: "1. all-positive" not in listed(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_a_healthy_run_says_so_and_f_has_nothing_to_fix():
    app = make_app("adder")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        app.send(Step(20))
        await wait_for(pilot, lambda: app.snapshot.step == 20)
        await wait_for(pilot, lambda: line(app) == "doctor: no findings (D: what it checks)")
        await pilot.press("F")
        await wait_for(pilot, lambda: any("nothing to fix" in n.message
                                          for n in app._notifications))


def test_the_line_keeps_whole_words_at_every_width():
    session, _ = build_session(PRESETS["adder-post"].config)
    session.run(300)
    snapshot = take_snapshot(session, TrainerState(findings=diagnose(session)))
    assert len(snapshot.findings) >= 2
    for width in (40, 60, 80, 100, 120):
        text = doctor_text(snapshot, width)
        assert isinstance(text, Text) and text.cell_len <= width or width < 60
        assert text.plain.startswith(f"doctor: {snapshot.findings[0].title}")
    assert "also" in doctor_text(snapshot, 200).plain  # room for the second finding
