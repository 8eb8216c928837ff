"""The key table: unique ids a keymap can move, a help that shows keys as they are typed,
keys dimmed (and left out of the palette) where they do not apply, toasts clear of the
status bar."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Footer

from backprop_tui.app.keys import (
    AUGMENT,
    BOUNDARY,
    DIALOG,
    DOCTOR,
    DRAW,
    HEALTH,
    HELP,
    INSPECTOR,
    MAIN,
    PROJECTION,
    RACE,
    VIEWS,
)
from backprop_tui.app.screens.boundary import BoundaryScreen
from backprop_tui.app.screens.help import HelpScreen
from backprop_tui.app.screens.main import MainScreen
from backprop_tui.app.widgets.doctor import DoctorLine
from backprop_tui.app.widgets.status import StatusBar
from backprop_tui.live.commands import Configure
from backprop_tui.live.config import PRESETS

from .conftest import make_app, started, wait_for

TYPED = re.compile(r"[!-~]|F\d{1,2}|Ctrl\+[A-Z]|Space|Esc|Enter|Delete|Backspace|[←→↑↓]")
"""A key as a person types it: a printable character, F1, Ctrl+S, Space, Esc, Enter,
Delete, Backspace, an arrow."""


def test_every_key_has_its_own_id():
    ids = [key.id for table in (MAIN, VIEWS, BOUNDARY, INSPECTOR, HELP, DIALOG, DRAW, RACE,
                                DOCTOR, HEALTH, AUGMENT, PROJECTION)
           for key in table]
    assert len(ids) == len(set(ids))
    assert len({key.id for key in MAIN if key.action.startswith("nudge")}) == 12


async def test_help_shows_the_keys_as_typed():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = [line.split("|")[1] for line in app.screen.text.splitlines()
                if line.startswith("| `")]
        typed = [key for row in rows for key in re.findall(r"`([^`]+)`", row)]
        assert len(rows) == sum(len(t) for t in (MAIN, VIEWS, BOUNDARY, INSPECTOR, HELP,
                                                  DIALOG, DRAW, RACE, DOCTOR, HEALTH, AUGMENT,
                                                  PROJECTION))
        assert [key for key in typed if not TYPED.fullmatch(key)] == []
        for expected in ("| `+` `=` |", "| `-` `_` |", "| `]` |", "| `[` |", "| `.` `>` |",
                         "| `,` `<` |", "| `F1` `?` |", "| `Ctrl+S` |", "| `Space` |"):
            assert expected in app.screen.text


async def test_a_keymap_moves_one_nudge_and_leaves_the_others():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.set_keymap({"learning_rate_up": "u"})
        await pilot.press("u")
        await wait_for(pilot, lambda: app.snapshot.hyper.learning_rate == 0.03)
        await pilot.press("b")
        await wait_for(pilot, lambda: app.snapshot.hyper.batch_size == 32)
        assert app.snapshot.hyper.learning_rate == 0.03


def enabled(app, key: str) -> bool:
    return app.screen.active_bindings[key].enabled


def titles(app) -> set[str]:
    return {command.title for command in app.get_system_commands(app.screen)}


async def test_boundary_key_applies_only_with_two_inputs():
    app = make_app("adder")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert not enabled(app, "h") and "Boundary" not in titles(app)
        await pilot.press("h", "n")  # n: once it has stepped, h has been handled
        await wait_for(pilot, lambda: app.snapshot.step == 1)
        assert isinstance(app.screen, MainScreen) and app.snapshot.boundary is None
        app.send(Configure(PRESETS["circle"].config))
        await wait_for(pilot, lambda: app.snapshot.dataset == "circle")
        await wait_for(pilot, lambda: enabled(app, "h"))
        assert "Boundary" in titles(app)
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, BoundaryScreen))


@pytest.mark.parametrize(("key", "title"), [("full_stop", "Neurons+"),
                                            ("0", "Neuron off/on"), ("w", "Edit neuron")])
async def test_neuron_keys_need_a_neuron_selected(key, title):
    app = make_app()  # adder 8-32-32-4: the cursor starts on hidden layer 1
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert enabled(app, key) and title in titles(app)
        await pilot.press("left")  # the inputs
        assert app.screen.selected[0] == 0
        assert not enabled(app, key) and title not in titles(app)
        await pilot.press(key, "n")
        await wait_for(pilot, lambda: app.snapshot.step == 1)
        assert isinstance(app.screen, MainScreen)
        assert app.snapshot.sizes == (8, 32, 32, 4) and app.snapshot.off_units == ()
        await pilot.press("right")
        await wait_for(pilot, lambda: enabled(app, key))


async def test_edit_applies_to_output_neurons_but_resize_does_not():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("right", "right")
        await wait_for(pilot, lambda: app.snapshot.topology.selected[0] == 3)
        assert enabled(app, "w")
        assert not enabled(app, "full_stop") and not enabled(app, "0")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_toasts_stay_above_the_status_bar(size):
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await started(pilot)
        for n in range(3):
            app.notify(f"notice {n}", timeout=30)
        status, footer = app.screen.query_one(StatusBar), app.screen.query_one(Footer)

        def clear() -> bool:
            toasts = app.screen.query("Toast")
            return len(toasts) == 3 and all(toast.region and toast.region.bottom
                                            <= status.region.y for toast in toasts)

        for dialog in ("", "f1"):  # the main screen, then a dialog over it
            if dialog:
                await pilot.press(dialog)
                await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
            await wait_for(pilot, clear)
            doctor = app.main.query_one(DoctorLine)  # the status bar, the doctor line, the footer
            assert status.region.bottom == doctor.region.y == footer.region.y - 1
            # right above the status bar:
            assert max(toast.region.bottom for toast in app.screen.query("Toast")) \
                == status.region.y
