"""Count the training doctor's false alarms: every healthy preset (all but the patients:
the posts' set-ups and deep-sigmoid)
× 5 seeds, diagnosed at several checkpoints of an untouched run; any finding is a false alarm.

    PYTHONPATH=src python scripts/doctor_false_alarms.py [--seeds 5] [--steps 0,200,1000,3000,8000]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.doctor import diagnose

HEALTHY = tuple(name for name, preset in PRESETS.items() if not preset.patient)
"""The healthy presets: every preset that does not reproduce a blog post's set-up."""
CHECKPOINTS = (0, 200, 1000, 3000, 8000)


def alarms(preset: str, seed: int, checkpoints: tuple[int, ...]) -> list[str]:
    """Each finding on ``preset`` trained with ``seed``, at each checkpoint (in steps)."""
    session, _ = build_session(replace(PRESETS[preset].config, seed=seed))
    found = []
    for step in checkpoints:
        session.run(step - session.step_count)
        found += [f"{preset} seed {seed} step {step}: {f.title} — {f.summary}"
                  for f in diagnose(session)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", default=",".join(map(str, CHECKPOINTS)))
    args = parser.parse_args()
    checkpoints = tuple(int(s) for s in args.steps.split(","))
    started, found = time.perf_counter(), []
    for preset in HEALTHY:
        for seed in range(args.seeds):
            found += alarms(preset, seed, checkpoints)
    for line in found:
        print(line)
    runs = len(HEALTHY) * args.seeds
    print(f"{len(found)} false alarms over {len(HEALTHY)} presets × {args.seeds} seeds × "
          f"{len(checkpoints)} checkpoints ({runs * len(checkpoints)} diagnoses, steps "
          f"{args.steps}) in {time.perf_counter() - started:.0f} s; presets: {', '.join(HEALTHY)}")


if __name__ == "__main__":
    main()
