"""Files a run reads and writes: TOML configurations, CSV tables and the network.

A configuration file is flat TOML whose keys are the long option names, with dashes or
underscores (``batch-size = 16``); :func:`read` checks every key and type against a
:data:`Schema` built from the command line's own options (:func:`schema`).
Every file is written atomically (:func:`backprop_tui.engine.io.atomic_write`).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backprop_tui.engine import Hyperparameters, format_sizes
from backprop_tui.engine.io import atomic_write, save
from backprop_tui.errors import BackpropError
from backprop_tui.live.config import RunConfig

if TYPE_CHECKING:
    from backprop_tui.engine import TrainingSession
    from backprop_tui.live.snapshot import Snapshot

Scalar = str | int | float | bool
HYPER_FLAGS: dict[str, tuple[str, ...]] = {"learning_rate": ("lr", "learning-rate")}
"""Option names of the hyperparameters not spelled as their field (default: the field name
with dashes); the first one is the name written to files."""
KINDS: dict[type, str] = {bool: "true or false", int: "a whole number", float: "a number",
                          str: "a string"}


@dataclass(frozen=True)
class Key:
    """One configuration key: where its value goes and what it must be."""

    dest: str
    kind: type
    choices: tuple[object, ...] | None = None


Schema = Mapping[str, Key]
"""Configuration keys (underscore spelling) by name."""


def hyper_flags(name: str) -> tuple[str, ...]:
    """The option names (without dashes) of hyperparameter ``name``."""
    return HYPER_FLAGS.get(name, (name.replace("_", "-"),))


def field_kind(f: Field[Any]) -> type | None:
    """bool, int, float or str for a scalar dataclass field (from its default, else its
    annotation); None for anything else."""
    if f.default is not MISSING and type(f.default) in KINDS:
        return type(f.default)
    words = set(re.findall(r"\w+", str(f.type)))
    return next((kind for kind in (bool, float, int, str) if kind.__name__ in words), None)


def schema(actions: Iterable[argparse.Action], skip: Sequence[str] = ("help", "config")
           ) -> dict[str, Key]:
    """Every long option of ``actions`` as a configuration key."""
    keys = {}
    for action in actions:
        if action.dest in skip:
            continue
        flag = action.nargs == 0  # store_true, --x/--no-x
        kind = bool if flag else action.type if isinstance(action.type, type) else str
        key = Key(action.dest, kind, tuple(action.choices) if action.choices else None)
        for option in action.option_strings:
            if option.startswith("--") and not (flag and option.startswith("--no-")):
                keys[option[2:].replace("-", "_")] = key
    return keys


def read(path: str | Path, keys: Schema) -> dict[str, object]:
    """The options in configuration file ``path`` by destination, checked against ``keys``."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            table = tomllib.load(file)
    except FileNotFoundError:
        raise BackpropError(f"{path}: no such file") from None
    except OSError as error:
        raise BackpropError(f"cannot read {path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BackpropError(f"{path}: not valid TOML: {error}") from None
    options = {}
    for name, value in table.items():
        key = keys.get(name.replace("-", "_"))
        if key is None:
            near = difflib.get_close_matches(name.replace("-", "_"), keys, 1)
            hint = f" (did you mean {near[0].replace('_', '-')!r}?)" if near else ""
            raise BackpropError(f"{path}: unknown key {name!r}{hint}")
        options[key.dest] = _checked(path, name, value, key)
    return options


def _checked(path: Path, name: str, value: object, key: Key) -> object:
    fits = isinstance(value, key.kind) and not (key.kind is int and isinstance(value, bool))
    if key.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value, fits = float(value), True
    if not fits:
        raise BackpropError(f"{path}: {name} must be {KINDS[key.kind]}, not {value!r}")
    if key.choices and value not in key.choices:
        raise BackpropError(f"{path}: {name} must be one of: "
                            + ", ".join(map(str, key.choices)) + f"; not {value!r}")
    return value


def dumps(values: Mapping[str, Scalar | None]) -> str:
    """Flat TOML for ``values`` (None values are left out)."""
    lines = []
    for name, value in values.items():
        if value is None:
            continue
        key = name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _quoted(name)
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # also inf, -inf and nan, as TOML spells them
    return _quoted(str(value))


def _quoted(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def write(path: str | Path, values: Mapping[str, Scalar | None]) -> Path:
    """Write ``values`` as a TOML configuration file, atomically."""
    return write_text(path, dumps(values))


def config_values(config: RunConfig) -> dict[str, Scalar | None]:
    """``config`` as configuration keys: read back with ``--config``, it builds ``config``
    again (the architecture only when its input and output sizes are known)."""
    arch = None
    if config.io_sizes:
        arch = format_sizes((config.io_sizes[0], *config.hidden_sizes, config.io_sizes[1]))
    options = config.data_options
    values: dict[str, Scalar | None] = {
        "preset": config.preset or None, "dataset": config.dataset,
        "data-path": _text(options.get("path")), "target": _text(options.get("target")),
        "arch": arch, "activation": config.hidden, "init": config.init, "seed": config.seed,
        "float32": config.dtype == "float32", "speed": config.speed or 0,
        "paused": config.paused, "curve": _text(options.get("f")),
    }
    if isinstance(classes := options.get("classes"), int):
        values["classes"] = classes
    for f in fields(Hyperparameters):
        value = getattr(config.hyper, f.name)
        if field_kind(f) is not None:
            values[hyper_flags(f.name)[0]] = value
    return values


def current_config(config: RunConfig, snapshot: Snapshot) -> RunConfig:
    """``config`` (data set, seed, preset) with what the app changed since, as ``snapshot``
    shows it: hyperparameters, architecture, activation, speed."""
    return replace(config, hyper=snapshot.hyper, hidden=snapshot.hidden, init=snapshot.init,
                   dtype=snapshot.dtype, speed=snapshot.speed).with_arch(snapshot.sizes)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def cost_table(snapshot: Snapshot) -> tuple[list[str], list[list[float | None]]]:
    """The snapshot's cost history as a header and rows: step, cost per step (smoothed, as
    plotted), then the per-epoch columns where an epoch ended (empty cells elsewhere)."""
    columns = list(snapshot.epoch_series)
    rows: dict[int, list[float | None]] = {}
    for step, cost in zip(snapshot.cost_steps, snapshot.cost, strict=True):
        rows.setdefault(int(step), [None] * (1 + len(columns)))[0] = float(cost)
    for i, step in enumerate(snapshot.epoch_steps):
        row = rows.setdefault(int(step), [None] * (1 + len(columns)))
        row[1:] = [float(snapshot.epoch_series[name][i]) for name in columns]
    return ["step", "cost", *columns], [[step, *rows[step]] for step in sorted(rows)]


def default_name(dataset: str, suffix: str) -> str:
    """A file name for what the app writes, e.g. ``backprop-digits.npz``."""
    return f"backprop-{re.sub(r'[^A-Za-z0-9_.]+', '-', dataset).strip('-')}.{suffix}"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV table (empty cells for None)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue()


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[object]]
              ) -> Path:
    """Write a CSV table atomically."""
    return write_text(path, csv_text(header, rows))


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; problems are one BackpropError."""
    try:
        atomic_write(path, lambda file: file.write(text.encode()))
    except OSError as error:
        raise BackpropError(f"cannot write {path}: {error.strerror or error}") from None
    return Path(path)


def save_network(session: TrainingSession, path: str | Path) -> Path:
    """Save the session's network and hyperparameters atomically; problems are one
    BackpropError."""
    try:
        return save(session.network, path, session.hyper)
    except OSError as error:
        raise BackpropError(f"cannot write {path}: {error.strerror or error}") from None
