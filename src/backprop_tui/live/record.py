"""Recordings (``--record FILE.jsonl``): a session's configuration and the commands that
changed its training, one JSON line each, derived from the command dataclasses.

Format version 2::

    {"format": "backprop-tui recording", "version": 2, "config": {...RunConfig...}}
    {"step": 5, "command": "Nudge", "args": {"name": "learning_rate", "direction": 1}}
    {"step": 9, "end": {"metrics": {...test metrics...}, "weights": "<SHA-256>"}}

``step`` is the session's step count when the trainer applied the command; ``command`` is a
:class:`~backprop_tui.live.commands.Command` class whose ``RECORDED`` is true, ``args`` its
fields. The end line is written at quit. Each line is flushed at once (a log, not an atomic
write): a crash keeps what was recorded so far, without the end line.

Version 1 (no ``format`` line: line 1 is the configuration itself, then ``{"step", "action",
"value"}`` lines and an ``{"step", "action": "end", "metrics", "weights"}`` line) still
reads: its actions translate to the command classes.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, TextIO, get_args, get_origin, get_type_hints

from backprop_tui.engine import Hyperparameters, TrainingSession
from backprop_tui.errors import BackpropError
from backprop_tui.live import commands
from backprop_tui.live.commands import Command
from backprop_tui.live.config import RunConfig

FORMAT, VERSION = "backprop-tui recording", 2
COMMANDS: dict[str, type[Command]] = {
    cls.__name__: cls for cls in Command.__subclasses__() if cls.RECORDED}
"""The recorded command classes by name."""
LEGACY: dict[str, type[Command]] = {
    "run": commands.Run, "step": commands.Step, "epoch": commands.Epoch,
    "reset": commands.Reset, "rewind": commands.Rewind, "nudge": commands.Nudge,
    "set": commands.SetHyper, "cycle": commands.Cycle, "add_layer": commands.AddLayer,
    "remove_layer": commands.RemoveLayer, "resize": commands.Resize,
    "config": commands.Configure, "regenerate": commands.Regenerate}
"""Version 1's action names."""


def config_dict(config: RunConfig) -> dict[str, Any]:
    """Every field of ``config`` as JSON-ready values (without the recording path)."""
    return {k: v for k, v in asdict(config).items() if k != "record"}


def config_from_dict(values: object) -> RunConfig:
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


# -- commands as JSON -------------------------------------------------------------------------
def encode(step: int, command: Command) -> dict[str, Any]:
    """The JSON line of ``command``, applied at ``step``."""
    args = {f.name: getattr(command, f.name) for f in fields(command)}
    return {"step": step, "command": type(command).__name__,
            "args": {k: config_dict(v) if isinstance(v, RunConfig) else v
                     for k, v in args.items()}}


def decode(name: object, args: object) -> Command:
    """The recorded command ``name`` with ``args``; BackpropError for anything else."""
    cls = COMMANDS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise BackpropError(f"unknown command {name!r}")
    names = [f.name for f in fields(cls)]
    hints = get_type_hints(cls)
    try:
        if not isinstance(args, dict) or not set(args) <= set(names):
            raise TypeError
        return checked(cls(**{k: config_from_dict(v) if hints[k] is RunConfig else v
                              for k, v in args.items()}))
    except TypeError:
        raise BackpropError(f"{name} takes {', '.join(names) or 'no arguments'}, not "
                            f"{args!r}") from None


def checked(command: Command) -> Command:
    """``command``, if each field's value has the field's type (JSON gives any)."""
    hints = get_type_hints(type(command))
    for f in fields(command):
        value, hint = getattr(command, f.name), hints[f.name]
        kinds = get_args(hint) if isinstance(hint, UnionType) else (hint,)
        if not any(isinstance(value, get_origin(kind) or kind) for kind in kinds):
            wanted = " or ".join("None" if k is NoneType else getattr(k, "__name__", str(k))
                                 for k in kinds)
            raise BackpropError(f"{type(command).__name__}'s {f.name} must be {wanted}, "
                                f"not {value!r}")
    return command


def legacy(action: object, value: object) -> Command:
    """A version-1 ``{"action", "value"}`` line as a command."""
    cls = LEGACY.get(action) if isinstance(action, str) else None
    if cls is None:
        raise BackpropError(f"unknown action {action!r}")
    if cls is commands.Configure:
        value = config_from_dict(value)
    args = () if value is None else tuple(value) if isinstance(value, list) else (value,)
    try:
        return checked(cls(*args))
    except TypeError:
        raise BackpropError(f"bad value for {action}: {value!r}") from None


# -- writing ----------------------------------------------------------------------------------
class Recorder:
    """Writes a trainer's configuration and commands to ``path``, one flushed line each."""

    def __init__(self, path: str, config: RunConfig, session: TrainingSession) -> None:
        try:
            self.file: TextIO = Path(path).open("w", encoding="utf-8")  # noqa: SIM115 (open for the session)
        except OSError as error:
            raise BackpropError(f"cannot record to {path}: {error.strerror or error}") from None
        self.session = session
        self._write({"format": FORMAT, "version": VERSION, "config": config_dict(config)})

    def log(self, step: int, command: Command, session: TrainingSession) -> None:
        """Note ``command``, applied at ``step``, if it changes training."""
        self.session = session
        if command.RECORDED:
            self._write(encode(step, command))

    def finish(self) -> None:
        """Write the end line (final step, test metrics, weights) and close the file."""
        if self.file.closed:
            return
        session = self.session
        self._write({"step": session.step_count, "end": {
            "metrics": session.evaluate("test"), "weights": weights_digest(session)}})
        self.file.close()

    def _write(self, line: dict[str, Any]) -> None:
        self.file.write(json.dumps(line) + "\n")
        self.file.flush()


def recorder_for(owner: object, config: RunConfig, session: TrainingSession
                 ) -> Recorder | None:
    """A recorder when ``config.record`` names a file; it writes the end line when the
    owner (the trainer) closes at quit, or, as a fallback, when the owner goes."""
    if not config.record:
        return None
    recorder = Recorder(config.record, config, session)
    weakref.finalize(owner, recorder.finish)
    return recorder


# -- reading ----------------------------------------------------------------------------------
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
    """``step``, ``metrics`` and ``weights`` when the recorded session quit cleanly."""


def read(path: str | Path) -> Recording:
    """Parse a recording (either version); any problem is one BackpropError naming the
    line."""
    rows = _json_lines(path)
    try:
        version, config = _header(rows[0])
    except BackpropError as error:
        raise BackpropError(f"{path}, line 1: {error}") from None
    entries, end = [], None
    for number, row in enumerate(rows[1:], 2):
        if end is not None:
            raise BackpropError(f"{path}, line {number}: a command after the end line")
        try:
            step, parsed = _line(row, version)
        except BackpropError as error:
            raise BackpropError(f"{path}, line {number}: {error}") from None
        if isinstance(parsed, Command):
            entries.append(Entry(number, step, parsed))
        else:
            end = {**parsed, "step": step}
    return Recording(config, tuple(entries), end)


def _line(row: object, version: int) -> tuple[int, Command | dict[str, Any]]:
    """(step, command) for a command line, (step, the results) for the end line."""
    if not isinstance(row, dict):
        raise BackpropError("not a command (a JSON object)")
    parsed: Command | dict[str, Any]
    if version == 1:
        parsed = row if row.get("action") == "end" else legacy(row.get("action"), row.get("value"))
    elif "end" in row:
        parsed = row["end"]
        if not isinstance(parsed, dict):
            raise BackpropError("the end line's results must be a JSON object")
    else:
        parsed = decode(row.get("command"), row.get("args", {}))
    step = row.get("step")
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise BackpropError(f"step must be a whole number ≥ 0, not {step!r}")
    return step, parsed


def _header(row: object) -> tuple[int, RunConfig]:
    """The format version and the configuration on line 1."""
    if not isinstance(row, dict) or "format" not in row:
        return 1, config_from_dict(row)
    if row["format"] != FORMAT:
        raise BackpropError(f"not a recording (format {row['format']!r})")
    if row.get("version") != VERSION:
        raise BackpropError(f"recording format version {row.get('version')!r} is not "
                            f"supported (this backprop-tui reads versions 1 and {VERSION})")
    return VERSION, config_from_dict(row.get("config"))


def _json_lines(path: str | Path) -> list[Any]:
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
    return rows
