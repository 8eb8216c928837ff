"""What recording the per-layer health history costs the training, flat out.

    python benchmarks/health_overhead.py [--presets adder digits] [--seconds 6]

For each preset, one trainer trains flat out (one BLAS thread, as the trainer process does)
in alternating half-second blocks (ABBA order): ``Trainer.train_step`` (which records the
health when due) and the same step without it (``session.step`` and the checkpoint).
Alternating keeps the comparison fair on a busy machine, and so does timing by the process's
CPU time. Prints steps per second of both, the slowdown (target < 3 %), and, steadier on a
busy machine, the share of the training time spent in ``due`` and ``record`` themselves
(timed around each call, in further blocks), and how many rows the history holds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from threadpoolctl import threadpool_limits

from backprop_tui.live.config import PRESETS
from backprop_tui.live.trainer import Trainer

BLOCK = 0.5


def without_health(trainer: Trainer) -> None:
    trainer.session.step()
    trainer.timeline.after_step(trainer.session)


def rate(step: object, trainer: Trainer) -> float:
    """Steps per CPU second of ``step(trainer)`` over one block."""
    assert callable(step)
    start, steps = time.process_time(), trainer.session.step_count
    while time.process_time() - start < BLOCK:
        for _ in range(20):
            step(trainer)
    return (trainer.session.step_count - steps) / (time.process_time() - start)


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
    """Median steps per second with and without the health history, the share of the time
    with it spent in its calls, and its rows."""
    trainer = Trainer(PRESETS[preset].config)
    with_rates, without_rates = [], []
    with threadpool_limits(1):
        for _ in range(200):
            trainer.train_step()  # warm up
        for round_ in range(max(2, round(seconds / BLOCK / 2))):
            if round_ % 2:  # ABBA order: neither goes first every time
                without_rates.append(rate(without_health, trainer))
            with_rates.append(rate(Trainer.train_step, trainer))
            if not round_ % 2:
                without_rates.append(rate(without_health, trainer))
        spent, start = timed(trainer), time.process_time()  # then time the calls themselves
        for _ in range(max(1, round(seconds / BLOCK / 2))):
            rate(Trainer.train_step, trainer)
        share = spent[0] / (time.process_time() - start)
    return statistics.median(with_rates), statistics.median(without_rates), share, \
        len(trainer.memo.health)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["adder", "digits"])
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    for preset in args.presets:
        with_health, without, share, rows = measure(preset, args.seconds)
        print(f"{preset}: {without:,.0f} steps/s without the health history, "
              f"{with_health:,.0f} with it ({rows} rows): slowdown "
              f"{100 * (1 - with_health / without):.1f} %; {100 * share:.1f} % of the time "
              "in its calls")


if __name__ == "__main__":
    main()
