"""The file keys (Ctrl+S, Ctrl+E, Ctrl+T, Ctrl+W): ask for a path, then write the file or
send the trainer the command that writes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual.screen import Screen

from backprop_tui.app.link import TrainerLink
from backprop_tui.app.screens.prompt import PathPrompt
from backprop_tui.errors import BackpropError
from backprop_tui.live import runfile
from backprop_tui.live.commands import Save
from backprop_tui.live.snapshot import Snapshot


@dataclass(frozen=True)
class FileKind:
    """What the prompt asks, the file's suffix, and how it is written."""

    title: str
    suffix: str
    write: Callable[[str, Snapshot, Screen[None], TrainerLink], Path | None]
    """(path, latest snapshot, screen, link) → the file written here, or None when a command
    was sent (the trainer reports back)."""


def _save_model(path: str, snapshot: Snapshot, screen: Screen[None], link: TrainerLink
                ) -> None:
    link.send(Save(path))


def _export_svg(path: str, snapshot: Snapshot, screen: Screen[None], link: TrainerLink
                ) -> Path:
    return runfile.write_text(path, screen.app.export_screenshot())


def _export_costs(path: str, snapshot: Snapshot, screen: Screen[None], link: TrainerLink
                  ) -> Path:
    return runfile.write_csv(path, *runfile.cost_table(snapshot))


def _write_config(path: str, snapshot: Snapshot, screen: Screen[None], link: TrainerLink
                  ) -> Path:
    config = runfile.current_config(link.config, snapshot)
    return runfile.write(path, runfile.config_values(config))


FILES = {
    "model": FileKind("Save the model to", "npz", _save_model),
    "svg": FileKind("Save the screen as SVG to", "svg", _export_svg),
    "costs": FileKind("Write the cost history as CSV to", "csv", _export_costs),
    "config": FileKind("Write the configuration as TOML to", "toml", _write_config),
}


def ask_path(screen: Screen[None], link: TrainerLink, kind: FileKind) -> None:
    """Prompt for a path (suggesting one from the data set's name), then write ``kind``;
    a file written here is announced, a problem is one error notice."""
    first = link.latest
    if first is None:  # the keys are disabled until the first snapshot
        return

    def chosen(path: str | None) -> None:
        if path is None:
            return
        try:
            written = kind.write(path, link.latest or first, screen, link)
        except BackpropError as error:
            screen.notify(str(error), severity="error", timeout=6)
            return
        if written is not None:
            screen.notify(f"wrote {written}")

    screen.app.push_screen(PathPrompt(kind.title, runfile.default_name(first.dataset,
                                                                       kind.suffix)), chosen)
