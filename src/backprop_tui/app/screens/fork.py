"""Y: fork the run with one change and race the two from the current weights.

The main trainer pauses and saves its network to a temporary file; two new trainers load it,
one as it is and one with the change, and race in equal steps on the race screen. Both start
their optimizer state and batch order afresh; the main run waits, paused, underneath."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from time import monotonic

from textual import on
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from backprop_tui.app.keys import DIALOG, bindings
from backprop_tui.app.link import TrainerLink
from backprop_tui.engine import Hyperparameters
from backprop_tui.live.commands import Run, Save
from backprop_tui.live.race import FORKS, Race, fork_label, fork_runs
from backprop_tui.live.runfile import current_config

SAVE_TIMEOUT = 10.0
"""Seconds to wait for the main trainer to save the weights the fork starts from."""


class ForkDialog(ModalScreen[str | None]):
    """Pick the one change; returns its name in :data:`FORKS`, or None when cancelled."""

    BINDINGS = bindings(DIALOG)

    def __init__(self, hyper: Hyperparameters, step: int) -> None:
        super().__init__()
        self.hyper = hyper
        self.step = step

    def compose(self) -> ComposeResult:
        with Vertical(id="fork-body", classes="dialog"):
            yield Label(f"[b]Fork the run at step {self.step:,}[/b]  (Enter picks, Esc cancels)")
            yield Label("Two runs race from the current weights in equal steps: as it is, and "
                        "with this change. Both start the optimizer state and the batch order "
                        "afresh; the main run waits, paused.", classes="hint")
            yield OptionList(*(Option(fork_label(self.hyper, name), id=name) for name in FORKS),
                             id="fork-choices")

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def ask_fork(app: App[None], link: TrainerLink) -> None:
    """Ask for the change, then fork (nothing before the trainer's first snapshot)."""
    snapshot = link.latest
    if snapshot is None:
        return

    def chosen(name: str | None) -> None:
        if name is not None:
            start_fork(app, link, name)

    app.push_screen(ForkDialog(snapshot.hyper, snapshot.step), chosen)


def start_fork(app: App[None], link: TrainerLink, name: str) -> None:
    """Pause the run, save its weights, and open the race once they are on disk."""
    folder = Path(tempfile.mkdtemp(prefix="backprop-fork-"))
    path = folder / "fork.npz"
    link.send(Run(False))
    link.send(Save(str(path)))
    deadline = monotonic() + SAVE_TIMEOUT
    timer: Timer | None = None

    def saved() -> None:
        snapshot = link.latest
        done = snapshot is not None and path.is_file() and any(
            str(path) in note for note in snapshot.notes)
        if not done and monotonic() < deadline:
            return
        if timer is not None:
            timer.stop()
        if not done or snapshot is None:
            shutil.rmtree(folder, ignore_errors=True)
            app.notify("fork: the run's weights were not saved; nothing forked",
                       severity="error")
            return
        open_race(app, link, name, str(path), snapshot.step)

    timer = app.set_interval(0.05, saved)


def open_race(app: App[None], link: TrainerLink, name: str, weights: str, step: int) -> None:
    """The race of the run and its fork ``name`` from ``weights``, saved at ``step``."""
    from backprop_tui.app.screens.race import RaceScreen

    config = current_config(link.config, link.latest) if link.latest else link.config
    race = Race(fork_runs(config, weights, name), type(link.backend))
    race.start()
    note = (f"forked at step {step:,} (steps count from there); the main run waits there, "
            "paused (Esc returns)")
    app.push_screen(RaceScreen(race, note=note, cleanup=lambda: shutil.rmtree(
        Path(weights).parent, ignore_errors=True)))
