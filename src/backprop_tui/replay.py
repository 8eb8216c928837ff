"""Record a session's commands (``--record FILE.jsonl``) and replay them without a screen.

A recording is JSON lines: line 1 is the RunConfig; then one line per applied command that
changes training, ``{"step": N, "action": ..., "value": ...}``, where N is the session's step
count when the trainer applied it; last, at quit, ``{"step": N, "action": "end", "metrics":
{...}, "weights": SHA-256}``. Each line is written to the final path and flushed at once (a
log, not an atomic write): a crash keeps what was recorded so far, without the end line.

Replay rebuilds the session from line 1, trains with ``session.step()`` up to each command's
step, applies it through :meth:`Trainer.apply` (the same code as in the app), trains to the
end step and compares the final test metrics and weights with the recorded ones.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import weakref
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from backprop_tui.engine import Diverged, Hyperparameters, Stopped, TrainingSession
from backprop_tui.errors import BackpropError
from backprop_tui.live.commands import Command
from backprop_tui.live.config import RunConfig

if TYPE_CHECKING:
    from backprop_tui.live.trainer import Trainer

RECORDED = frozenset({"run", "step", "epoch", "reset", "nudge", "set", "cycle", "add_layer",
                      "remove_layer", "resize", "config", "rewind", "regenerate"})
"""Actions that change training; the others (select, samples, save, …) are not recorded."""


# -- the file format --------------------------------------------------------------------------
def config_dict(config: RunConfig) -> dict[str, Any]:
    """Every field of ``config`` as JSON-ready values (without the recording path).

    ``runfile.config_values`` is not used: it leaves out the output, loss and data options."""
    return {k: v for k, v in asdict(config).items() if k != "record"}


def config_from_dict(values: dict[str, Any]) -> RunConfig:
    """The RunConfig :func:`config_dict` described; raises BackpropError for anything else."""
    if not isinstance(values, dict):
        raise BackpropError("not a configuration (a JSON object)")
    unknown = sorted(set(values) - {f.name for f in fields(RunConfig)})
    if unknown:
        raise BackpropError(f"not a configuration (unknown keys: {', '.join(unknown)})")
    given = dict(values)
    try:
        given["hyper"] = Hyperparameters(**given.get("hyper", {}))
        given["hidden_sizes"] = tuple(given.get("hidden_sizes", RunConfig.hidden_sizes))
        if given.get("io_sizes") is not None:
            given["io_sizes"] = tuple(given["io_sizes"])
        return RunConfig(**given)
    except TypeError as error:
        raise BackpropError(f"not a configuration ({error})") from None


def weights_digest(session: TrainingSession) -> str:
    return hashlib.sha256(session.network.flat.tobytes()).hexdigest()


class Recorder:
    """Writes a trainer's configuration and commands to ``path``, one flushed line each."""

    def __init__(self, path: str, config: RunConfig, session: TrainingSession) -> None:
        try:
            self.file: TextIO = Path(path).open("w", encoding="utf-8")  # noqa: SIM115 (open for the session)
        except OSError as error:
            raise BackpropError(f"cannot record to {path}: {error.strerror or error}") from None
        self.session = session
        self._write(config_dict(config))

    def log(self, step: int, command: Command, session: TrainingSession) -> None:
        """Note ``command``, applied at ``step``, if it changes training."""
        self.session = session
        if command.action in RECORDED:
            value = config_dict(command.value) if isinstance(command.value, RunConfig) \
                else command.value
            self._write({"step": step, "action": command.action, "value": value})

    def finish(self) -> None:
        """Write the end line (final step, test metrics, weights) and close the file."""
        if self.file.closed:
            return
        session = self.session
        self._write({"step": session.step_count, "action": "end",
                     "metrics": session.evaluate("test"), "weights": weights_digest(session)})
        self.file.close()

    def _write(self, line: dict[str, Any]) -> None:
        self.file.write(json.dumps(line) + "\n")
        self.file.flush()


def recorder_for(trainer: Trainer, config: RunConfig) -> Recorder | None:
    """A recorder when ``config.record`` names a file; it writes the end line when the
    trainer closes at quit (or, as a fallback, when the trainer object goes)."""
    if not config.record:
        return None
    recorder = Recorder(config.record, config, trainer.session)
    weakref.finalize(trainer, recorder.finish)
    return recorder


@dataclass(frozen=True)
class Entry:
    line: int
    step: int
    command: Command


@dataclass(frozen=True)
class Recording:
    config: RunConfig
    entries: tuple[Entry, ...]
    end: dict[str, Any] | None
    """The end line, when the recorded session quit cleanly."""


def read(path: str | Path) -> Recording:
    """Parse a recording; any problem is one BackpropError naming the line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise BackpropError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BackpropError(f"cannot read {path}: {error}") from None
    if not lines:
        raise BackpropError(f"{path}: empty, not a recording")
    rows = []
    for number, text in enumerate(lines, 1):
        try:
            rows.append(json.loads(text))
        except json.JSONDecodeError:
            raise BackpropError(f"{path}, line {number}: not JSON") from None
    try:
        config = config_from_dict(rows[0])
    except BackpropError as error:
        raise BackpropError(f"{path}, line 1: {error}") from None
    entries, end = [], None
    for number, row in enumerate(rows[1:], 2):
        where = f"{path}, line {number}"
        if end is not None:
            raise BackpropError(f"{where}: a command after the end line")
        action = row.get("action") if isinstance(row, dict) else None
        step = row.get("step") if isinstance(row, dict) else None
        if action != "end" and action not in RECORDED:
            raise BackpropError(f"{where}: unknown action {action!r}")
        if not isinstance(step, int) or isinstance(step, bool) or step < 0:
            raise BackpropError(f"{where}: step must be a whole number ≥ 0, not {step!r}")
        if action == "end":
            end = row
            continue
        value = row.get("value")
        if action == "config":
            try:
                value = config_from_dict(value)
            except BackpropError as error:
                raise BackpropError(f"{where}: {error}") from None
        entries.append(Entry(number, step, Command(action, value)))
    return Recording(config, tuple(entries), end)


# -- replaying --------------------------------------------------------------------------------
class Differs(Exception):
    """The replay could not follow the recording (it diverged or stopped early)."""


def replay(recording: Recording, where: str = "") -> Trainer:
    """A trainer that went through the recording; BackpropError for steps going backwards,
    Differs when training stops before a recorded step."""
    from threadpoolctl import threadpool_limits

    from backprop_tui.live.trainer import Trainer

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
