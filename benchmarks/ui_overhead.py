"""How much the live app costs training, and how fast it answers a key.

    python benchmarks/ui_overhead.py [--preset digits] [--seconds 8] [--presses 40]

1. Steps per second of the preset's training flat out with no app (the session alone, one
   BLAS thread, as the trainer process uses), then with the app running headless (process
   backend, every panel refreshing from snapshots): prints ``ratio app/headless: N.NN``
   (target ≥ 0.90).
2. While training flat out, presses ``+``/``-`` (learning rate) and times each press until
   the app has shown a snapshot carrying the new value: prints the median and 95th
   percentile (target ≤ 100 ms median).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import replace

from threadpoolctl import threadpool_limits

from backprop_tui.app.app import BackpropApp
from backprop_tui.app.messages import SnapshotArrived
from backprop_tui.live.backend import ProcessBackend
from backprop_tui.live.config import PRESETS, RunConfig, build_session
from backprop_tui.live.snapshot import Snapshot


def headless_steps_per_second(config: RunConfig, seconds: float) -> float:
    """The training loop alone: no snapshots, no UI."""
    with threadpool_limits(1):
        session, _ = build_session(config)
        session.run(200)  # warm up
        start, steps = time.perf_counter(), session.step_count
        while time.perf_counter() - start < seconds:
            session.run(50)
        return (session.step_count - steps) / (time.perf_counter() - start)


class TimedApp(BackpropApp):
    """Records when each snapshot was put on the panels, and its learning rate."""

    shown: list[tuple[float, float]]

    def on_snapshot_arrived(self, event: SnapshotArrived) -> None:
        self.shown.append((time.perf_counter(), event.snapshot.hyper.learning_rate))


async def app_run(config: RunConfig, seconds: float, presses: int) -> tuple[float, list[float]]:
    """Steps per second seen through snapshots, and key-to-panel latencies in seconds.

    A latency runs from the key press to the moment the panels were handed the first
    snapshot carrying its effect (the next screen refresh follows within a frame).
    """
    backend = ProcessBackend(config)
    backend.start()
    first = backend.receive(timeout=120)
    assert isinstance(first, Snapshot), first
    app = TimedApp(config, backend, first)
    app.shown = []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.snapshot is None or app.snapshot.step < 200:
            await pilot.pause(0.05)
        start, steps = time.perf_counter(), app.snapshot.step
        await pilot.pause(seconds)
        rate = (app.snapshot.step - steps) / (time.perf_counter() - start)
        latencies = []
        for press in range(presses):
            key = "plus" if press % 2 == 0 else "minus"
            before = app.snapshot.hyper.learning_rate
            pressed = time.perf_counter()
            await pilot.press(key)  # returns once the app is idle, which may be later
            while not any(t > pressed and lr != before for t, lr in app.shown):
                await asyncio.sleep(0.005)
            latencies.append(next(t for t, lr in app.shown if t > pressed and lr != before)
                             - pressed)
            await pilot.pause(0.2)
    return rate, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="digits", choices=list(PRESETS))
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--presses", type=int, default=40)
    args = parser.parse_args()
    config = replace(PRESETS[args.preset].config, speed=None, paused=False)
    print(f"preset {args.preset}: flat out, {args.seconds:g} s per measurement")
    alone = headless_steps_per_second(config, args.seconds)
    print(f"headless: {alone:,.0f} steps/s")
    with_app, latencies = asyncio.run(app_run(config, args.seconds, args.presses))
    print(f"with the app: {with_app:,.0f} steps/s")
    print(f"ratio app/headless: {with_app / alone:.2f}")
    ms = sorted(1000 * t for t in latencies)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"key → screen: median {statistics.median(ms):.0f} ms, 95th percentile {p95:.0f} ms "
          f"({len(ms)} presses)")


if __name__ == "__main__":
    main()
