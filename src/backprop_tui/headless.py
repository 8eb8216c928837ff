"""``backprop-tui train``: the session the app would build, trained without a screen.

The session comes from :func:`backprop_tui.live.config.build_session`, as in the app, so the
same configuration and the same number of steps end with the same weights. Progress and a
final table go to stderr; ``--json`` prints one summary line on stdout instead of the table.
Exit status: 0 when done, 1 when training diverged (the metrics are still written, the
network is not); bad input raises BackpropError before any file is touched.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backprop_tui.engine import Diverged, TrainingSession, metrics
from backprop_tui.engine.session import TRAIN_EVAL_ROWS
from backprop_tui.errors import BackpropError
from backprop_tui.live import runfile
from backprop_tui.live.config import RunConfig, build_session
from backprop_tui.live.points import save_points

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

REFRESH = 0.1
"""Seconds between progress updates."""


@dataclass(frozen=True)
class TrainOptions:
    """What ``train`` adds to the options the app takes."""

    epochs: int = 20
    steps: int | None = None
    """Train this many mini-batches instead of ``epochs`` epochs."""
    json: bool = False
    metrics: str | None = None
    save: str | None = None
    save_points: str | None = None
    """Write the 2-D set's points (training and test) to this CSV file."""
    force: bool = False
    quiet: bool = False

    def __post_init__(self) -> None:
        for name in ("epochs", "steps"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise BackpropError(f"{name} must be ≥ 1, not {value}")

    @classmethod
    def pick(cls, given: Mapping[str, Any]) -> TrainOptions:
        """The train options among all the options given."""
        return cls(**{f.name: given[f.name] for f in fields(cls) if f.name in given})


@dataclass(frozen=True)
class Outcome:
    """How a run went."""

    seconds: float
    diverged: str | None = None
    stopped: str | None = None


def train(config: RunConfig, given: Mapping[str, Any]) -> int:
    """Train as ``config`` and the train options in ``given`` say; returns the exit status."""
    from rich.console import Console

    own_length = config.epochs and not (given.get("epochs") or given.get("steps"))
    options = TrainOptions.pick({**given, "epochs": config.epochs} if own_length else given)
    for path in (options.save, options.metrics, options.save_points):
        check_target(path, options.force)
    session, note = build_session(config)
    if options.save_points:
        save_points(session, options.save_points)
    console = Console(stderr=True)
    if note and not options.quiet:
        console.print(note, highlight=False)
    outcome = run(session, options, console)
    if outcome.stopped and not options.quiet:
        console.print(outcome.stopped, highlight=False)
    if options.metrics:
        runfile.write_csv(options.metrics, *epoch_table(session))
    if options.save and not outcome.diverged:
        runfile.save_network(session, options.save)
    summary = summarise(config, session, outcome)
    if options.json:
        print(json.dumps(summary), flush=True)
    elif not options.quiet:
        console.print(table(summary))
    if outcome.diverged:
        print(f"backprop-tui: {outcome.diverged}: lower the learning rate (--lr)",
              file=sys.stderr)
        return 1
    return 0


def check_target(path: str | None, force: bool) -> None:
    """Refuse, before training, a file that cannot be written or would be overwritten."""
    if path is None:
        return
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise BackpropError(f"cannot write {target}: it is a folder")
    if target.exists() and not force:
        raise BackpropError(f"{target} exists: add --force to overwrite it")
    if not folder.is_dir():
        raise BackpropError(f"cannot write {target}: there is no folder {folder}")
    if not os.access(folder, os.W_OK):
        raise BackpropError(f"cannot write {target}: folder {folder} is not writable")


def run(session: TrainingSession, options: TrainOptions, console: Console) -> Outcome:
    """Train until the steps or epochs are done, the run diverges or the session stops."""
    start = time.perf_counter()
    next_update = start
    diverged = stopped = None
    with _progress(console, options) as progress:
        task = progress.add_task("", total=options.steps or options.epochs, cost="–",
                                 metric="", rate="0")
        while not _done(session, options):
            try:
                session.step()
            except Diverged as error:
                diverged = str(error)
                break
            stopped = getattr(session, "stopped", None)  # early stopping, where the session has it
            if stopped:
                break
            if time.perf_counter() >= next_update:
                _show(progress, task, session, options, time.perf_counter() - start)
                next_update = time.perf_counter() + REFRESH
        _show(progress, task, session, options, time.perf_counter() - start)
    return Outcome(time.perf_counter() - start, diverged, stopped or None)


def _done(session: TrainingSession, options: TrainOptions) -> bool:
    if options.steps:
        return session.step_count >= options.steps
    return session.epoch >= options.epochs


WIDE = 100
"""Columns from which the progress bar shows samples per second too."""


def _progress(console: Console, options: TrainOptions) -> Progress:
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    wide = console.width >= WIDE  # narrower: samples/s goes (the summary line has it)
    return Progress(
        TextColumn("{task.description}"), BarColumn(bar_width=None if wide else 6),
        TextColumn("batch cost {task.fields[cost]}"), TextColumn("{task.fields[metric]}"),
        *([TextColumn("{task.fields[rate]} samples/s")] if wide else []), TimeRemainingColumn(),
        console=console, disable=options.quiet, redirect_stdout=False, redirect_stderr=False,
    )


def _show(progress: Progress, task: Any, session: TrainingSession, options: TrainOptions,
          seconds: float) -> None:
    if options.steps:
        described = f"step {session.step_count}/{options.steps}"
        completed: float = session.step_count
    else:
        described = f"epoch {session.epoch}/{options.epochs}"
        completed = session.epoch + session.epoch_progress
    cost = session.cost_history.last().get("cost", math.nan)  # penalties, dropout included
    headline = metrics.headline(session.dataset.task)
    test = session.epoch_history.last().get(f"test_{headline.name}")
    metric = "" if test is None else \
        f"test {headline.short} {headline.format(test)} (epoch {session.epoch})"
    progress.update(
        task, completed=completed, description=described, cost=f"{cost:.4g}", metric=metric,
        rate=f"{session.samples_seen / max(seconds, 1e-9):,.0f}",
    )


def epoch_table(session: TrainingSession) -> tuple[list[str], list[list[float]]]:
    """The per-epoch history as a header and rows: epoch, step, then every column."""
    history = session.epoch_history
    columns = [history.steps()] + [history.column(name) for name in history.columns]
    rows = [[(i + 1) * history.stride, int(row[0]), *map(float, row[1:])]
            for i, row in enumerate(zip(*columns, strict=True))]
    return ["epoch", "step", *history.columns], rows


def summarise(config: RunConfig, session: TrainingSession, outcome: Outcome) -> dict[str, Any]:
    """The run in plain JSON-ready values (non-finite numbers become None)."""
    network = session.network
    described = replace(config, hidden=network.hidden.name, init=network.init,
                        dtype=network.dtype.name, hyper=session.hyper).with_arch(network.sizes)
    final = {split: {k: _finite(v) for k, v in session.evaluate(split).items()}
             for split in ("train", "test")}
    return {
        "config": runfile.config_values(described),
        "dataset": session.dataset.summary,
        "final": final,
        "steps": session.step_count,
        "epochs": session.epoch,
        "seconds": round(outcome.seconds, 4),
        "samples_per_second": round(session.samples_seen / max(outcome.seconds, 1e-9), 1),
        "rows": {"train": min(TRAIN_EVAL_ROWS, len(session.train_rows)),
                 "test": len(session.x_test)},
        "diverged": outcome.diverged,
        "stopped": outcome.stopped,
    }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def table(summary: Mapping[str, Any]) -> Any:
    """The final metrics as a Rich table (one row per measure, train and test columns) over
    a line on the run's length and speed."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    train, test = summary["final"]["train"], summary["final"]["test"]
    rows = summary["rows"]
    result = Table()
    result.add_column("")
    result.add_column(f"train ({rows['train']:,} rows)", justify="right")
    result.add_column(f"test ({rows['test']:,} rows)", justify="right")
    for name in train:
        result.add_row(name.replace("_", " "), *(_cell(split.get(name)) for split in (train, test)))
    return Group(Text(summary["dataset"]), result, Text(
        "measured with the final weights; cost without penalties or dropout (the progress "
        "bar's is the last mini-batch's, with both)", style="dim"), Text(
        f"{summary['steps']} steps · {summary['epochs']} epochs · {summary['seconds']:.2f} s · "
        f"{summary['samples_per_second']:,.0f} samples/s"))


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"
