"""A deep sigmoid network barely trains without normalisation and trains with it.

Run from the project root:

    python benchmarks/norm_deep.py              # 5 seeds × 1,000 steps, about a minute
    python benchmarks/norm_deep.py --steps 300 --seeds 2

The network is 64-32-32-32-32-32-32-32-32-10 (eight hidden sigmoid layers, Glorot
initialisation, softmax + cross-entropy) on the 8×8 digits, trained with Adam (η = 0.003,
batch 32) for the same number of steps with each normalisation: none, batch norm and layer
norm, seeds 0–4 (the seed draws the weights and the batches). The table gives the test
accuracy (539 unseen digits) after the last step, per seed and on average, and the mean test
cost. One BLAS thread, as in the app's trainer.
"""

from __future__ import annotations

import argparse
import statistics
import time

from threadpoolctl import threadpool_limits

from backprop_tui import data
from backprop_tui.engine import NORMS, Hyperparameters, Network, TrainingSession

SIZES = (64, *(32,) * 8, 10)


def run(norm: str, seed: int, steps: int) -> dict[str, float]:
    """Test metrics of one seeded run of ``steps`` mini-batches."""
    digits = data.load("digits")
    network = Network(SIZES, hidden="sigmoid", norm=norm, seed=seed)
    hyper = Hyperparameters(learning_rate=0.003, batch_size=32, optimizer="adam")
    session = TrainingSession(digits, network, hyper, seed=seed)
    session.run(steps)
    return session.evaluate("test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    seeds = range(args.seeds)
    print(f"64-(32×8)-10 sigmoid on 8×8 digits, Adam η 0.003, batch 32, {args.steps:,} steps; "
          "test accuracy per seed")
    print(f"{'norm':<6} " + " ".join(f"seed {s}" for s in seeds) + "    mean  test cost  time")
    with threadpool_limits(1):
        for norm in NORMS:
            started = time.perf_counter()
            results = [run(norm, seed, args.steps) for seed in seeds]
            accuracy = [r["accuracy"] for r in results]
            cost = statistics.fmean(r["cost"] for r in results)
            print(f"{norm:<6} " + " ".join(f"{a:6.3f}" for a in accuracy)
                  + f"  {statistics.fmean(accuracy):6.3f}  {cost:9.3f}  "
                  f"{time.perf_counter() - started:4.0f} s")


if __name__ == "__main__":
    main()
