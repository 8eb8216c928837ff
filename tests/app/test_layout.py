"""Every screen at 80×24, 100×32 and 120×40: no word cut by a panel's edge.

Each case opens one screen on a seeded, paused state and reads it as plain text
(``screen_lines``), only inside the top screen's own box (a dialog's region; the panels
dimmed behind it are not what the user reads). A row is split into panel segments at the box
verticals ``│`` and the footer's ``▏``. The rule, per segment:

* it must not end in a truncation mark: a ``…`` glued to a letter or digit (``test w…``,
  ``pr…``), or a free-standing ``…`` against the right edge (``(61 …``); a ``…`` inside the
  text (a range ``-0.7 … 0.7``) is text;
* when its text runs into the right edge (at most one blank, a padding, before the border
  or the terminal's edge), its last token must
  not be a cut word: letters that begin a word the app uses (any word of its sources) but are
  not a word themselves (``st`` of ``steps``, ``ear`` of ``earlier``, ``sp`` of ``space``).

Numbers, ``…+20`` (the network panel's count of hidden neurons) and whole words at an edge
pass. Two screens have essential content a cut word rule cannot see, checked by name: each
weight histogram row keeps its range on its own line, and the first-layer weight pictures
end with a row of labels (no picture cut by the panel's bottom).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import backprop_tui
from backprop_tui.live.commands import Rewind, Step

from .conftest import make_app, screen_lines, started, wait_for

SIZES = ((80, 24), (100, 32), (120, 40))
WORDS = frozenset(
    word.lower()
    for path in Path(backprop_tui.__file__).parent.rglob("*.py")
    for word in re.findall(r"[A-Za-z]+", path.read_text(encoding="utf-8"))
)
"""Every word in the app's sources: labels, hints and help all come from here."""
SEPARATORS = re.compile(r"[│▏]")


def cut_words(lines: list[str]) -> list[str]:
    """The segments breaking the rule of the module docstring, with their row."""
    found = []
    for row, line in enumerate(lines):
        parts = SEPARATORS.split(line)
        for index, part in enumerate(parts):
            text = part.rstrip()
            if not text.strip():
                continue
            last = text.split()[-1]
            if re.search(r"[\w)%]…$", last):
                found.append(f"row {row}: {text.strip()!r}")
                continue
            at_edge = len(part) - len(text) <= 1 and (index < len(parts) - 1 or len(line) >= 80)
            if at_edge and last == "…":  # the text went on past the edge: ``(61 …``
                found.append(f"row {row}: {text.strip()!r}")
                continue
            letters = re.fullmatch(r"[(\[]?([A-Za-z]+)", last)
            if at_edge and letters:
                stem = letters.group(1).lower()
                if stem not in WORDS and any(word.startswith(stem) for word in WORDS):
                    found.append(f"row {row}: {text.strip()!r}")
    return found


def top_box(app) -> list[str]:
    """The rows and columns of the top screen's own content (a dialog's box)."""
    lines = screen_lines(app)
    if not app.screen.is_modal:
        return lines
    region = app.screen.query_one(".dialog").region
    return [line[region.x:region.right] for line in lines[region.y:region.bottom]]


def histogram_rows_whole(lines: list[str]) -> list[str]:
    """Each histogram row (``1: 64→128 ▁▂█ │ ▁█▂ -0.75 … 0.73``) keeps its range whole."""
    rows = [line[found.start():] for line in lines
            for found in re.finditer(r"\d+: \d+→\d+", line)]
    return [f"no range on {row.strip()!r}" for row in rows
            if not re.search(r"-?[\d.]+(e-?\d+)? … -?[\d.]+", row)]


def pictures_whole(lines: list[str]) -> list[str]:
    """The first-layer pictures panel (left half of the lower panels) ends with labels."""
    column = [SEPARATORS.split(line)[1] for line in lines if line.count("│") >= 4]
    start = next(i for i, text in enumerate(column) if re.search(r"\d neurons", text))
    body = [text.strip() for text in column[start + 1:] if text.strip()]
    return [] if not body or body[-1].startswith("#") else [f"cut picture row {body[-1]!r}"]


def named(kind: str):
    return lambda app: type(app.screen).__name__ == kind


CASES = {
    "main-adder": ("adder", (), named("MainScreen")),
    "main-digits": ("digits", (), named("MainScreen")),
    "main-circle": ("circle", (), named("MainScreen")),
    "main-branch": ("circle", ("rewind",), named("MainScreen")),
    "main-regression-post": ("regression-post", (), named("MainScreen")),
    "help": ("adder", ("f1",), named("HelpScreen")),
    "picker": ("adder", ("d",), named("PickerScreen")),
    "inspector": ("adder", ("i",), named("InspectorScreen")),
    "inspector-no-bias": ("regression-post", ("i",), named("InspectorScreen")),
    "views": ("digits", ("v",), lambda app: app.snapshot.views is not None),
    "boundary": ("circle", ("h",), lambda app: app.snapshot.boundary is not None),
    "breakpoints": ("adder", ("x",), named("BreakpointsScreen")),
    "lab": ("adder", ("w",), named("NeuronForm")),
    "gradcheck": ("adder", ("c",), named("GradientCheckScreen")),
    "gradcheck-no-bias": ("regression-post", ("c",), named("GradientCheckScreen")),
    "overfit": ("adder", ("O",), named("OverfitScreen")),
    "overfit-fails": ("adder-post", ("O",), named("OverfitScreen")),
    "prompt": ("adder", ("ctrl+s",), named("PathPrompt")),
    "projection": ("digits", ("j",), lambda app: "projection" in app.snapshot.extras),
    "draw": ("digits", ("t",), lambda app: named("DrawScreen")(app) and app.screen.answered),
    "main-norm": ("deep-sigmoid", ("N",), named("MainScreen")),
    "inspector-norm": ("circle", ("N", "i"), named("InspectorScreen")),
    "gradcheck-norm": ("circle", ("N", "c"), named("GradientCheckScreen")),
    "fork": ("adder", ("Y",), named("ForkDialog")),
    "race": ("adder", ("Y", "enter"), lambda app: named("RaceScreen")(app)
             and all(lane.evaluation for lane in app.screen.race.lanes)),
    "main-doctor": ("adder-post", (), lambda app: bool(app.snapshot.findings)),
    "doctor": ("adder-post", ("D",), named("DoctorScreen")),
    "health": ("adder", ("H",), lambda app: getattr(app.screen, "drawn", None) is not None),
    "health-regression-post": ("regression-post", ("H",),
                               lambda app: getattr(app.screen, "drawn", None) is not None),
    "augment": ("digits", ("v", "a"), lambda app: named("AugmentScreen")(app)
                and "augment" in app.snapshot.extras),
    "augment-adder": ("adder", ("v", "a"), named("AugmentScreen")),
}


def cases():
    for name in CASES:
        for size in SIZES:
            yield pytest.param(name, size, id=f"{name}-{size[0]}x{size[1]}")


async def open_case(pilot, name: str) -> None:
    """Train 60 steps, then press the case's keys and wait for its screen to be drawn."""
    preset, keys, ready = CASES[name]
    app = pilot.app
    await started(pilot)
    app.send(Step(60))
    await wait_for(pilot, lambda: app.snapshot.step == 60)
    for key in keys:
        if key == "rewind":  # a branch: back to step 0, then train on
            app.send(Rewind())
            await wait_for(pilot, lambda: app.snapshot.step == 0)
            app.send(Step(30))
            await wait_for(pilot, lambda: app.snapshot.step == 30 and app.snapshot.branches)
        else:
            await pilot.press(key)
    await wait_for(pilot, lambda: ready(app))
    await pilot.pause()  # the paused trainer sends nothing more: one refresh draws it all
    await pilot.pause()


@pytest.mark.parametrize(("name", "size"), cases())
async def test_no_cut_words(name, size):
    app = make_app(CASES[name][0])
    async with app.run_test(size=size) as pilot:
        await open_case(pilot, name)
        problems = []
        stages = len(app.screen.inspection.stages) if name.startswith("inspector") else 1
        for stage in range(stages):
            lines = top_box(app)
            problems += [f"stage {stage + 1} {problem}" for problem in cut_words(lines)]
            if name == "views":
                problems += histogram_rows_whole(lines) + pictures_whole(lines)
            if stage + 1 < stages:
                await pilot.press("right")
                await pilot.pause()
        assert not problems, "\n".join(["", *lines, *problems])


def test_the_rule_catches_cut_words_and_passes_whole_ones():
    assert cut_words(["│ ━ train cost  • test cost  ━ test w… │"])
    assert cut_words(["│ k: a step's cost over k × the last 50 st│"])
    assert cut_words(["│ ━ train  ┄ ear│"])
    assert not cut_words(["│ ━ train cost  • test cost  ━ test word accuracy │"])
    assert cut_words(["│ ▀▀▀▀▀▀▀▀ ✗ true 7, predicted 9 (61 … │"])
    assert not cut_words(["│ weights: -0.75 … 0.73 │", "│              …+20      …+20   │"])
    assert not cut_words(["│ global norm of a step's gradient│"])
    assert histogram_rows_whole(["│ 1: 64→128   ▁▁▂▃ │ ▁▁▂▃   -0.75 … │"])
    assert not histogram_rows_whole(["│ 1: 64→128   ▁▁▂▃ │ ▁▁▂▃   -0.75 … 0.73 │"])
