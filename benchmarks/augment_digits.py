"""Does augmentation help on the 8×8 digits? Test accuracy with and without it, same steps.

Run from the project root:

    python benchmarks/augment_digits.py                 # 5 seeds, full and scarce data, minutes
    python benchmarks/augment_digits.py --quick         # 2 seeds, 1,000 and 3,000 steps
    python benchmarks/augment_digits.py --each          # also each transform on its own

Every run is the ``digits`` preset (64-128-10 ReLU → softmax, Adam 0.002, batch 32, L2 1e-4,
constant rate) built as the app builds it, seeds 0–4 (the seed draws the split, the weights,
the batches and the augmentation). Each run trains to the largest budget and measures test
accuracy on the whole test split on the way, so the shorter budgets are the same runs'
earlier weights (a constant rate makes them exactly what a shorter run gives). Two data
sizes: the preset's split (train ratio 0.7: 1,258 training rows) and a scarce one (train
ratio 0.1: 180 rows; the other 1,617 rows are the test split).
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import replace

from backprop_tui.live.config import PRESETS, build_session

DATA = {"full (1,258 train rows)": 0.7, "scarce (180 train rows)": 0.1}
"""Training-set sizes by their digits ``train_ratio``."""


def accuracies(train_ratio: float, augment: str, seed: int, budgets: list[int]
               ) -> list[float]:
    """Test accuracy after each of ``budgets`` steps of one run."""
    preset = PRESETS["digits"].config
    config = replace(preset, seed=seed, data_options={"train_ratio": train_ratio},
                     hyper=replace(preset.hyper, augment=augment))
    session = build_session(config).session
    measured = []
    for budget in budgets:
        session.run(budget - session.step_count)
        measured.append(session.evaluate("test")["accuracy"])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 seeds, 1,000 and 3,000 steps")
    parser.add_argument("--each", action="store_true", help="each transform on its own too")
    args = parser.parse_args()
    seeds = range(2) if args.quick else range(5)
    budgets = [1000, 3000] if args.quick else [3000, 10000]
    modes = ["off", "shift,rotate,noise"] + (["shift", "rotate", "noise"] if args.each else [])
    print(f"digits preset, seeds {seeds.start}–{seeds.stop - 1}: test accuracy (%) mean ± "
          f"standard deviation over the seeds, then each seed's")
    for data, ratio in DATA.items():
        print(f"\n{data}")
        print(f"{'augment':<20}" + "".join(f"{f'{b:,} steps':>18}" for b in budgets))
        for augment in modes:
            runs = [accuracies(ratio, augment, seed, budgets) for seed in seeds]
            cells, details = "", []
            for k in range(len(budgets)):
                values = [100 * run[k] for run in runs]
                cells += f"{statistics.mean(values):>11.2f} ± {statistics.stdev(values):4.2f}"
                details.append(" ".join(f"{v:.1f}" for v in values))
            print(f"{augment:<20}{cells}   ({' | '.join(details)})", flush=True)


if __name__ == "__main__":
    main()
