"""``backprop-tui race RUN RUN [RUN RUN]``: two to four runs side by side, each in its own
trainer process, paced by steps (see :mod:`backprop_tui.live.race`).

A run is a preset name or a configuration file (``--config`` format). Each keeps its own
seed unless ``--seed`` sets one for all. ``--json`` races without a screen and prints one
line per run; otherwise the race screen opens. Bad input raises BackpropError (one line,
exit status 2) before any trainer starts.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from backprop_tui.errors import BackpropError
from backprop_tui.live.config import PRESETS
from backprop_tui.live.race import MAX_RUNS, MIN_RUNS, Race, RaceRun, summary

JSON_STEPS = 2000
"""How far ``race --json`` goes without ``--steps``."""
CHUNK = 100
"""Steps per lock-step round of a headless race."""


def add_parser(commands: Any) -> None:
    """The ``race`` subcommand and its options."""
    race = commands.add_parser(
        "race", help="race 2 to 4 runs side by side (presets or config files)",
        description="Train 2 to 4 runs side by side, each in its own trainer process, in "
                    "equal steps (not equal time): one screen overlays their cost and test "
                    "metric. Each run is a preset name or a TOML config file.",
        epilog="Presets: " + ", ".join(PRESETS) + ".")
    race.add_argument("runs", nargs="+", metavar="RUN", help="a preset name or a .toml file")
    race.add_argument("--steps", type=int, metavar="N", help=f"race length in steps (--json: "
                      f"default {JSON_STEPS}; the screen: it pauses there, else no end)")
    race.add_argument("--seed", type=int, metavar="S",
                      help="one seed for every run (default: each run's own)")
    race.add_argument("--json", action="store_true",
                      help="race without a screen and print one JSON line per run")


def runs_from(specs: Sequence[str], seed: int | None = None) -> list[RaceRun]:
    """The runs ``specs`` name (preset names or config files), checked."""
    from backprop_tui.cli import check_own_input

    if not MIN_RUNS <= len(specs) <= MAX_RUNS:
        raise BackpropError(f"a race takes {MIN_RUNS} to {MAX_RUNS} runs (preset names or "
                            f"config files), not {len(specs)}")
    if seed is not None and seed < 0:
        raise BackpropError(f"seed must be ≥ 0, not {seed}")
    runs: list[RaceRun] = []
    for spec in specs:
        run = resolve(spec)
        if seed is not None:
            run = replace(run, config=replace(run.config, seed=seed))
        check_own_input(run.config)
        taken = sum(other.name.split(" #")[0] == run.name for other in runs)
        runs.append(replace(run, name=f"{run.name} #{taken + 1}") if taken else run)
    data = {(run.config.dataset, str(run.config.data_options)) for run in runs}
    if len(data) > 1:
        raise BackpropError("a race compares runs on one data set, with the same split: "
                            + ", ".join(f"{run.name} trains {run.config.dataset}"
                                        for run in runs))
    return runs


def resolve(spec: str) -> RaceRun:
    """A preset by name, or the run a configuration file describes."""
    from backprop_tui.cli import config_from, config_keys
    from backprop_tui.live import runfile

    if spec in PRESETS:
        return RaceRun(spec, PRESETS[spec].config)
    path = Path(spec)
    if path.suffix != ".toml" and not path.exists():
        raise BackpropError(f"unknown run {spec!r}: neither a preset ({', '.join(PRESETS)}) "
                            "nor a .toml config file")
    return RaceRun(path.stem, config_from(runfile.read(path, config_keys())))


def main(args: argparse.Namespace) -> int:
    """Race as ``args`` say; returns the exit status (BackpropError for bad input)."""
    from backprop_tui.live.backend import ProcessBackend

    if args.steps is not None and args.steps < 1:
        raise BackpropError(f"steps must be ≥ 1, not {args.steps}")
    race = Race(runs_from(args.runs, args.seed), ProcessBackend)
    race.start()
    try:
        if args.json:
            race.run_to(args.steps or JSON_STEPS, CHUNK)
            for lane in race.lanes:
                print(json.dumps(summary(lane)), flush=True)
            return 0
        from backprop_tui.app.race import RaceApp  # imported while the trainers start

        RaceApp(race, args.steps).run()
        return 0
    finally:
        race.close()
