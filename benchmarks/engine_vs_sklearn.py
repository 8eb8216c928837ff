"""Training throughput: backprop_tui's engine against bare numpy, scikit-learn and PyTorch.

Run from the project root:

    python benchmarks/engine_vs_sklearn.py            # full run, 1–3 minutes
    python benchmarks/engine_vs_sklearn.py --quick    # smoke run, fewer repetitions
    python benchmarks/engine_vs_sklearn.py --threads 1,2,4

Every implementation trains the same 784-128-10 network (ReLU hidden layer, softmax output,
cross-entropy cost, plain SGD at learning rate 0.1, no momentum, no penalty) on the same
synthetic MNIST-shaped data (seeded, no download), for whole epochs of shuffled mini-batches:

* ``engine``:  ``TrainingSession.run`` (epoch-end evaluation included: 100 test rows and the
  session's fixed 2,000-row training subset);
* ``bare``:    a hand-written numpy step with no abstraction (the floor the engine aims at);
* ``sklearn``: ``MLPClassifier.partial_fit``, one epoch per call (first epoch not timed);
* ``pytorch``: CPU ``nn.Sequential`` + ``optim.SGD``, only if ``import torch`` works.

Settings: float64/float32 × batch 64/256, under ``threadpool_limits(t)`` for each ``--threads``
value. Runs alternate between implementations; the table gives best and median samples/s and
the fraction of the GEMM peak measured in the same run (1024³ or batch-shaped, whichever is
faster) that the step's necessary FLOPs reach (elementwise work not counted).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info, threadpool_limits

from backprop_tui.data.base import Dataset
from backprop_tui.engine.network import Network
from backprop_tui.engine.session import Hyperparameters, TrainingSession

try:
    import torch
except ImportError:
    torch = None

SIZES = (784, 128, 10)
ROWS, TEST_ROWS, LEARNING_RATE = 20_000, 100, 0.1
DTYPES = (np.float64, np.float32)
BATCHES = (64, 256)
FLOPS_PER_SAMPLE = 2 * 2 * (784 * 128 + 128 * 10) + 2 * 128 * 10
"""Forward and dW of both layers, plus dX of the output layer only (elementwise ignored)."""

Epoch = Callable[[], None]


def make_data(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs in [0, 1] (noisy class prototypes, so the network learns) and integer labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, SIZES[-1], rows)
    prototypes = rng.random((SIZES[-1], SIZES[0]))
    x = prototypes[labels] + 0.3 * rng.standard_normal((rows, SIZES[0]))
    return np.clip(x, 0.0, 1.0), labels


def engine_trainer(x: np.ndarray, y: np.ndarray, batch: int) -> Epoch:
    dataset = Dataset("synthetic", x, y, x[:TEST_ROWS].copy(), y[:TEST_ROWS].copy(),
                      task="classes", output="softmax", loss="cross_entropy",
                      describe=lambda *_: "")
    network = Network("784-128-10", hidden="relu", output="softmax", loss="cross_entropy",
                      seed=0, dtype=x.dtype)
    hyper = Hyperparameters(learning_rate=LEARNING_RATE, batch_size=batch, optimizer="sgd")
    session = TrainingSession(dataset, network, hyper, seed=0)
    return lambda: session.run(session.steps_per_epoch)


def bare_trainer(x: np.ndarray, y: np.ndarray, batch: int) -> Epoch:
    """Forward, softmax cross-entropy cost, backward and SGD, written out in plain numpy."""
    rng = np.random.default_rng(0)
    w1 = rng.normal(0.0, np.sqrt(2 / 784), (784, 128)).astype(x.dtype)
    w2 = rng.normal(0.0, np.sqrt(2 / 128), (128, 10)).astype(x.dtype)
    b1, b2 = np.zeros(128, x.dtype), np.zeros(10, x.dtype)
    costs = []

    def epoch() -> None:
        nonlocal w1, b1, w2, b2
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch):
            rows = order[start : start + batch]
            xb, yb = x[rows], y[rows]
            z1 = xb @ w1 + b1
            a1 = np.maximum(z1, 0)
            z2 = a1 @ w2 + b2
            z2 -= z2.max(axis=1, keepdims=True)
            e = np.exp(z2)
            total = e.sum(axis=1, keepdims=True)
            costs.append(float(np.log(total).sum() - np.vdot(yb, z2)) / len(rows))
            d2 = (e / total - yb) / len(rows)
            d1 = (d2 @ w2.T) * (z1 > 0)
            w2 -= LEARNING_RATE * (a1.T @ d2)
            b2 -= LEARNING_RATE * d2.sum(axis=0)
            w1 -= LEARNING_RATE * (xb.T @ d1)
            b1 -= LEARNING_RATE * d1.sum(axis=0)

    return epoch


def sklearn_trainer(x: np.ndarray, labels: np.ndarray, batch: int) -> Epoch:
    model = MLPClassifier(hidden_layer_sizes=(128,), activation="relu", solver="sgd",
                          momentum=0.0, learning_rate_init=LEARNING_RATE, alpha=0.0,
                          batch_size=batch, shuffle=True, max_iter=1, random_state=0)
    classes = np.arange(SIZES[-1])
    return lambda: model.partial_fit(x, labels, classes=classes)


def torch_trainer(x: np.ndarray, labels: np.ndarray, batch: int) -> Epoch:
    dtype = torch.float64 if x.dtype == np.float64 else torch.float32
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10)).to(dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(labels)

    def epoch() -> None:
        order = torch.randperm(len(xt))
        for start in range(0, len(xt), batch):
            rows = order[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(xt[rows]), yt[rows]).backward()
            optimizer.step()

    return epoch


def gemm_gflops(m: int, k: int, n: int, dtype: type, seconds: float) -> float:
    """Best GFLOP/s of ``(m×k) @ (k×n)`` over repeated timed loops of about ``seconds``."""
    rng = np.random.default_rng(1)
    a, b = rng.random((m, k)).astype(dtype), rng.random((k, n)).astype(dtype)
    out = np.empty((m, n), dtype)
    np.dot(a, b, out=out)
    loops = max(1, int(2e8 / (2 * m * k * n)))
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(loops):
            np.dot(a, b, out=out)
        best = max(best, 2 * m * k * n * loops / (time.perf_counter() - start) / 1e9)
    return best


def print_environment() -> None:
    print(f"OPENBLAS_CORETYPE = {os.environ.get('OPENBLAS_CORETYPE', '<unset>')}")
    print(f"numpy {np.__version__}, cpus {os.cpu_count()}, "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for pool in threadpool_info():
        print("  " + ", ".join(f"{key}={pool.get(key)}" for key in (
            "internal_api", "version", "architecture", "threading_layer", "num_threads",
            "prefix")))
    print("pytorch: " + (f"{torch.__version__}" if torch else "not installed, skipped"))


def bench(
    threads: int, reps: int, budget: float, data: dict[type, tuple]
) -> dict[tuple, list[float]]:
    """samples/s of every (dtype, batch, implementation) under ``threads`` BLAS threads;
    a setting stops after 2 repetitions once its timed epochs took ``budget`` seconds."""
    impls = {"engine": engine_trainer, "bare": bare_trainer, "sklearn": sklearn_trainer}
    if torch:
        torch.set_num_threads(threads)
        impls["pytorch"] = torch_trainer
    results: dict[tuple, list[float]] = {}
    with threadpool_limits(threads):
        large = {d: gemm_gflops(1024, 1024, 1024, d, 1.0) for d in DTYPES}
        shaped = {d: gemm_gflops(64, 784, 128, d, 0.5) for d in DTYPES}
        peak = {d: max(large[d], shaped[d]) for d in DTYPES}
        print(f"\n== {threads} BLAS thread(s), GEMM GFLOP/s (peak = the better of the two):")
        for d in DTYPES:
            print(f"  {np.dtype(d).name}: 1024³ {large[d]:.1f}, 64×784 @ 784×128 {shaped[d]:.1f}")
        for dtype in DTYPES:
            x, onehot, labels = data[dtype]
            for batch in BATCHES:
                epochs = {}
                for name, make in impls.items():
                    epochs[name] = make(x, labels if name in ("sklearn", "pytorch")
                                        else onehot, batch)
                    epochs[name]()  # untimed first epoch (validation, buffers, warm-up)
                spent = 0.0
                for rep in range(reps):
                    if rep >= 2 and spent > budget:  # e.g. oversubscribed cores: stop early
                        break
                    for name, epoch in epochs.items():
                        start = time.perf_counter()
                        epoch()
                        seconds = time.perf_counter() - start
                        spent += seconds
                        key = (np.dtype(dtype).name, batch, name)
                        results.setdefault(key, []).append(len(x) / seconds)
        print_table(results, peak)
    return results


def print_table(results: dict[tuple, list[float]], peak: dict[type, float]) -> None:
    print(f"{'dtype':8}{'batch':>6}  {'impl':8}{'best/s':>10}{'median/s':>10}{'runs':>5}"
          f"{'% peak':>8}{'engine ×':>10}   (engine ×: engine best ÷ this best)")
    for (dtype, batch, name), rates in results.items():
        best, engine = max(rates), max(results[(dtype, batch, "engine")])
        fraction = best * FLOPS_PER_SAMPLE / (peak[np.dtype(dtype).type] * 1e9)
        print(f"{dtype:8}{batch:>6}  {name:8}{best:>10,.0f}{statistics.median(rates):>10,.0f}"
              f"{len(rates):>5}{fraction:>8.1%}{engine / best:>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--threads", default="1,2", help="BLAS thread counts, e.g. 1,2")
    parser.add_argument("--reps", type=int, default=None, help="timed epochs per setting")
    args = parser.parse_args()
    reps = args.reps or (1 if args.quick else 5)
    thread_counts = [int(t) for t in args.threads.split(",")]
    print_environment()
    print(f"{ROWS} rows × 784 → 10 classes, network 784-128-10 relu/softmax, SGD lr "
          f"{LEARNING_RATE}, {reps} timed epoch(s) per setting after 1 untimed; "
          f"{FLOPS_PER_SAMPLE:,} FLOP/sample")
    x64, labels = make_data(ROWS)
    onehot = np.eye(SIZES[-1])[labels]
    data = {np.float64: (x64, onehot, labels),
            np.float32: (x64.astype(np.float32), onehot.astype(np.float32), labels)}
    budget = 4.0 if args.quick else 10.0
    all_results = {t: bench(t, reps, budget, data) for t in thread_counts}
    first = all_results[thread_counts[0]]
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"\nload average now {load}; ratios: engine best samples/s ÷ other's best, "
          f"{thread_counts[0]} BLAS thread(s)")
    others = [("sklearn", "sklearn"), ("bare", "bare numpy")] + ([("pytorch", "pytorch")]
                                                                 if torch else [])
    for name, label in others:
        for dtype in ("float64", "float32"):
            if name == "pytorch" and dtype == "float64":
                continue
            ratio = max(first[(dtype, 64, "engine")]) / max(first[(dtype, 64, name)])
            print(f"ratio vs {label} ({dtype}, batch 64): {ratio:.2f}")


if __name__ == "__main__":
    main()
