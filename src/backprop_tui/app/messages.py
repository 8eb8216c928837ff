"""What the trainer-reading worker posts to the app, one message per kind of reply."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from backprop_tui.live.backend import Failure
from backprop_tui.live.gradcheck import GradientReport
from backprop_tui.live.inspector import Inspection
from backprop_tui.live.overfit import OverfitReport
from backprop_tui.live.snapshot import Snapshot


@dataclass
class SnapshotArrived(Message):
    """A new snapshot from the trainer; a newer one replaces an unprocessed older one."""

    snapshot: Snapshot

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SnapshotArrived)


@dataclass
class TrainerFailed(Message):
    """The trainer refused a command (or could not start)."""

    failure: Failure


@dataclass
class GradientChecked(Message):
    """The trainer's answer to a gradient check."""

    report: GradientReport


@dataclass
class OverfitChecked(Message):
    """The trainer's answer to the overfit-one-batch check."""

    report: OverfitReport


@dataclass
class Inspected(Message):
    """The trainer's inspection of the next step."""

    inspection: Inspection
