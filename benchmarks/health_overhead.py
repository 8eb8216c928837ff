"""What recording the per-layer health history costs the training, flat out.

    python benchmarks/health_overhead.py [--presets adder digits] [--seconds 8]

For each preset, one trainer trains flat out (one BLAS thread, as the trainer process does),
its steps taken in turn by ``Trainer.train_step`` (which records the health when due) and by
the same step without it (``session.step`` and the checkpoint), in a random order each turn,
each step timed by the process's CPU time. Taking turns step by step keeps the comparison
fair on a busy machine (blocks of steps drift apart with the load); the steps that end an
epoch (which evaluate the test set, a cost far above the difference) are left out. Prints steps
per second of both, the slowdown (target < 3 %), the share of the time with it spent in the
health calls themselves (timed around each ``due`` and ``record``, in a further run) and how
many rows the history holds.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from threadpoolctl import threadpool_limits

from backprop_tui.live.config import PRESETS
from backprop_tui.live.trainer import Trainer


def without_health(trainer: Trainer) -> None:
    trainer.session.step()
    trainer.timeline.after_step(trainer.session)


def timed(trainer: Trainer) -> list[float]:
    """Time the trainer's health calls: the returned list collects their seconds."""
    health, spent = trainer.memo.health, [0.0]
    for name in ("due", "record"):
        method = getattr(health, name)

        def wrapper(session: object, method: Callable[[object], object] = method) -> object:
            start = time.process_time()
            try:
                return method(session)
            finally:
                spent[0] += time.process_time() - start

        setattr(health, name, wrapper)
    return spent


def measure(preset: str, seconds: float) -> tuple[float, float, float, int]:
    """Steps per second with and without the health history, the share of the time with it
    spent in its calls, and its rows."""
    trainer = Trainer(PRESETS[preset].config)
    took = {Trainer.train_step: 0.0, without_health: 0.0}
    counted = dict.fromkeys(took, 0)
    chance, turns = random.Random(), 0
    with threadpool_limits(1):
        for _ in range(200):
            trainer.train_step()  # warm up
        started = time.process_time()
        while time.process_time() - started < seconds:
            for step in sorted(took, key=lambda _: chance.random()):
                before, epoch = time.process_time(), trainer.session.epoch
                step(trainer)
                if trainer.session.epoch == epoch:  # an epoch's end evaluates: not counted
                    took[step] += time.process_time() - before
                    counted[step] += 1
            turns += 1
        spent, started = timed(trainer), time.process_time()
        for _ in range(turns // 2):
            trainer.train_step()
        share = spent[0] / (time.process_time() - started)
    rates = [counted[step] / took[step] for step in (Trainer.train_step, without_health)]
    return rates[0], rates[1], share, len(trainer.memo.health)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["adder", "digits"])
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    for preset in args.presets:
        with_health, without, share, rows = measure(preset, args.seconds)
        print(f"{preset}: {without:,.0f} steps/s without the health history, "
              f"{with_health:,.0f} with it ({rows} rows): slowdown "
              f"{100 * (1 - with_health / without):.1f} %; {100 * share:.1f} % of the time "
              "in its calls")


if __name__ == "__main__":
    main()
