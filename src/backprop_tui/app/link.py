"""The screens' one way to the trainer: send it commands, read what it last showed."""

from __future__ import annotations

from backprop_tui.live.backend import Backend
from backprop_tui.live.commands import Command, Configure
from backprop_tui.live.config import RunConfig
from backprop_tui.live.snapshot import Snapshot


class TrainerLink:
    """Commands go to ``backend``; the app keeps ``latest`` up to date as snapshots arrive."""

    def __init__(self, backend: Backend, config: RunConfig) -> None:
        self.backend = backend
        self.config = config
        """The configuration last sent: the start-up one, then each data set picked."""
        self.latest: Snapshot | None = None

    def send(self, command: Command) -> None:
        if isinstance(command, Configure):
            self.config = command.config
        self.backend.send(command)
