"""``backprop-tui replay FILE``: re-run a ``--record`` file without a screen.

Replay rebuilds the session from the recording's configuration, trains with
:meth:`Trainer.train_step` up to each command's step, applies it through
:meth:`Trainer.apply` (the same code as in the app), trains to the end step and compares the
final test metrics and weights with the recorded ones. The file format is
:mod:`backprop_tui.live.record`'s.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import replace
from typing import Any

from backprop_tui.engine import Diverged, Stopped, TrainingSession
from backprop_tui.errors import BackpropError
from backprop_tui.live.record import Recording, read, weights_digest
from backprop_tui.live.trainer import Trainer


class Differs(Exception):
    """The replay could not follow the recording (it diverged or stopped early)."""


def replay(recording: Recording, where: str = "") -> Trainer:
    """A trainer that went through the recording; BackpropError for steps going backwards,
    Differs when training stops before a recorded step."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # as in the trainer process
        trainer = Trainer(replace(recording.config, paused=True, record=""))
        trainer.running = False
        for entry in recording.entries:
            advance(trainer, entry.step, f"{where}line {entry.line}")
            trainer.apply(entry.command)
            trainer.running = False
        if recording.end is not None:
            advance(trainer, recording.end["step"], f"{where}line {len(recording.entries) + 2}")
    return trainer


def advance(trainer: Trainer, step: int, where: str) -> None:
    """Train ``trainer``'s session up to ``step``."""
    session = trainer.session
    if session.step_count > step:
        raise BackpropError(f"{where}: step {step} goes backwards (the session is at step "
                            f"{session.step_count})")
    while session.step_count < step:
        try:
            trainer.train_step()
        except (Diverged, Stopped) as error:
            raise Differs(f"the replay stopped at step {session.step_count} before step "
                          f"{step} ({where}): {error}") from None


def differences(end: dict[str, Any], session: TrainingSession) -> list[str]:
    """How the replayed session differs from the recorded end line (empty: identical)."""
    metrics = session.evaluate("test")
    recorded = end.get("metrics") or {}
    found = [f"test {name}: recorded {recorded.get(name)!r}, replayed {value!r}"
             for name, value in metrics.items() if not _same(recorded.get(name), value)]
    if end.get("weights") not in (None, weights_digest(session)):
        found.append("the final weights differ")
    return found


def _same(a: object, b: float) -> bool:
    return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


def main(path: str, as_json: bool) -> int:
    """``backprop-tui replay``: 0 when identical (or nothing to compare), 1 when different;
    BackpropError for a bad file."""
    recording = read(path)
    try:
        session = replay(recording, f"{path}, ").session
    except Differs as error:
        print(f"backprop-tui: differs from the recording: {error}", file=sys.stderr)
        return 1
    found = differences(recording.end, session) if recording.end else []
    verdict = ("identical to the recording" if not found else "differs from the recording: "
               + "; ".join(found)) if recording.end else \
        "the recording has no end line (the session did not quit): nothing to compare"
    metrics = session.evaluate("test")
    if as_json:
        print(json.dumps({"steps": session.step_count, "metrics": metrics,
                          "recorded": (recording.end or {}).get("metrics"),
                          "identical": bool(recording.end) and not found, "verdict": verdict}))
    else:
        _print_table(metrics, (recording.end or {}).get("metrics") or {}, session.step_count)
        print(verdict, file=sys.stderr)
    return 1 if found else 0


def _print_table(metrics: dict[str, float], recorded: dict[str, Any], steps: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"replayed to step {steps}")
    for name in ("test", "replayed", "recorded"):
        table.add_column(name, justify="left" if name == "test" else "right")
    for name, value in metrics.items():
        old = recorded.get(name)
        table.add_row(name.replace("_", " "), f"{value:.6g}",
                      "–" if old is None else f"{old:.6g}")
    Console(stderr=True).print(table)
