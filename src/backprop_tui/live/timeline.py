"""Rewind and branch: checkpoints of a session, the branches a rewind left, and the
hyperparameter changes along the current branch."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from backprop_tui.engine import TrainingSession
from backprop_tui.engine.hyper import SYMBOLS
from backprop_tui.errors import BackpropError
from backprop_tui.live.recovery import advice
from backprop_tui.live.snapshot import Branch, downsample, frozen

CHECKPOINT_EVERY = 250
"""Steps between two automatic checkpoints (one is also taken at every change)."""
KEEP_CHECKPOINTS = 40
KEEP_BRANCHES = 4


@dataclass(frozen=True)
class Checkpoint:
    step: int
    session: TrainingSession


class Timeline:
    """A bounded ring of checkpoints, the abandoned branches and the change markers."""

    def __init__(self, session: TrainingSession, every: int = CHECKPOINT_EVERY) -> None:
        self.every = every
        self.checkpoints: deque[Checkpoint] = deque(maxlen=KEEP_CHECKPOINTS)
        self.branches: deque[Branch] = deque(maxlen=KEEP_BRANCHES)
        self.markers: list[tuple[int, str]] = []
        self.restart(session)

    def restart(self, session: TrainingSession) -> None:
        """A new history (reset, new network or data set): forget everything, keep step 0."""
        self.checkpoints.clear()
        self.branches.clear()
        self.markers.clear()
        self.save(session)

    def save(self, session: TrainingSession) -> None:
        """Checkpoint the session now (replacing one already taken at this step)."""
        if self.checkpoints and self.checkpoints[-1].step == session.step_count:
            self.checkpoints.pop()
        self.checkpoints.append(Checkpoint(session.step_count, session.copy()))

    def after_step(self, session: TrainingSession) -> None:
        if session.step_count % self.every == 0:
            self.save(session)

    def changed(self, session: TrainingSession, changes: dict[str, object]) -> None:
        """Mark a hyperparameter change at the current step, and checkpoint there."""
        label = " ".join(f"{SYMBOLS.get(k, k)} {v:g}" if isinstance(v, float) else
                         f"{SYMBOLS.get(k, k)} {v}" for k, v in changes.items())
        self.markers.append((session.step_count, label))
        self.save(session)

    def rewind(self, session: TrainingSession, diverged: str = "") -> tuple[TrainingSession, str]:
        """The session as at the latest checkpoint before its current step, and what to tell
        the user; the steps after that checkpoint are kept as a branch for the cost plot.

        After divergence (``diverged`` says why) that checkpoint is the last healthy one (the
        step after it checked its weights' cost) and the message says how to go on."""
        earlier = [c for c in self.checkpoints if c.step < session.step_count]
        if not earlier:
            if diverged:  # the very first weights broke: there is nothing healthy to go back to
                return session, f"{diverged} — reset (r) for fresh weights"
            raise BackpropError("no earlier checkpoint to rewind to")
        target = earlier[-1]
        steps, cost = session.cost_history.steps(), session.cost_history.column("cost")
        after = steps > target.step
        if after.any():
            steps, cost = downsample(steps[after], cost[after])
            self.branches.append(Branch(target.step, frozen(steps), frozen(cost)))
        while self.checkpoints[-1].step > target.step:
            self.checkpoints.pop()
        self.markers = [m for m in self.markers if m[0] <= target.step]
        restored = target.session.copy()  # the checkpoint stays for further rewinds
        if diverged:
            restored.diverged = diverged
            return restored, advice(diverged, restored)
        return restored, (f"rewound to step {target.step}: training from here makes a new "
                          "branch (z goes further back)")
