"""A training session: one call, one mini-batch step, with epochs, history and guards."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

import numpy as np

from backprop_tui.engine.history import History
from backprop_tui.engine.metrics import METRICS, evaluate
from backprop_tui.engine.network import Network, Trace
from backprop_tui.engine.optimizers import OPTIMIZERS, make_optimizer
from backprop_tui.errors import BackpropError

if TYPE_CHECKING:
    from backprop_tui.data import Dataset

TRAIN_EVAL_ROWS = 2000
"""Training-set metrics at each epoch's end use at most this many (fixed) training rows."""
EXPLOSION = 1e3
"""A step whose cost exceeds this many times the first step's cost counts as divergence."""


@dataclass(frozen=True)
class Hyperparameters:
    """What may change between any two steps without touching the weights."""

    learning_rate: float = 0.1
    batch_size: int = 32
    optimizer: str = "sgd"
    momentum: float = 0.9
    """For the ``momentum`` and ``nesterov`` optimizers."""
    l2: float = 0.0
    l1: float = 0.0
    clip: float = 0.0
    """Largest allowed global gradient norm; 0 means no clipping."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "optimizer" and not (
                isinstance(value, int | float) and math.isfinite(value)
            ):
                raise BackpropError(f"{f.name} must be a finite number, not {value!r}")
        if self.learning_rate <= 0:
            raise BackpropError(f"learning rate must be positive, not {self.learning_rate}")
        if self.batch_size < 1 or int(self.batch_size) != self.batch_size:
            raise BackpropError(f"batch size must be a whole number ≥ 1, not {self.batch_size}")
        if not 0 <= self.momentum < 1:
            raise BackpropError(f"momentum must be in [0, 1), not {self.momentum}")
        for name in ("l2", "l1", "clip"):
            if getattr(self, name) < 0:
                raise BackpropError(f"{name} must be ≥ 0, not {getattr(self, name)}")
        if self.optimizer not in OPTIMIZERS:
            raise BackpropError(
                f"unknown optimizer {self.optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}"
            )


class Diverged(RuntimeError):
    """Raised by :meth:`TrainingSession.step` when a step was rejected as divergent."""


class TrainingSession:
    """Trains ``network`` on ``dataset`` one mini-batch at a time.

    Epochs reshuffle the training rows with a generator seeded from ``seed``, so two sessions
    with the same seed, network and commands end with bit-identical weights. A step whose
    cost or gradients are not finite (or whose cost explodes) is rejected before any weight
    changes: :attr:`diverged` says why, and :class:`Diverged` is raised.
    """

    def __init__(
        self,
        dataset: Dataset,
        network: Network,
        hyper: Hyperparameters | None = None,
        seed: int = 0,
        history: int = 4096,
    ) -> None:
        if network.sizes[0] != dataset.n_inputs or network.sizes[-1] != dataset.n_outputs:
            raise BackpropError(
                f"network {network.sizes[0]}→{network.sizes[-1]} does not fit data set "
                f"{dataset.name!r} ({dataset.n_inputs} inputs → {dataset.n_outputs} outputs)"
            )
        self.dataset = dataset
        self.seed = seed
        self.hyper = hyper or Hyperparameters()
        dtype = network.dtype
        self.x_train = np.ascontiguousarray(dataset.x_train, dtype=dtype)
        self.y_train = np.ascontiguousarray(dataset.y_train, dtype=dtype)
        self.x_test = np.ascontiguousarray(dataset.x_test, dtype=dtype)
        self.y_test = np.ascontiguousarray(dataset.y_test, dtype=dtype)
        self.metric_names = METRICS[dataset.task]
        columns = ["train_cost", "test_cost"]
        columns += [f"{split}_{m}" for split in ("train", "test") for m in self.metric_names]
        self.cost_history = History(["cost"], history)
        self.epoch_history = History(columns, history)
        self._shuffle_rng = np.random.default_rng([seed, 1])
        pick = np.random.default_rng([seed, 2]).permutation(len(self.x_train))
        eval_rows = np.sort(pick[:TRAIN_EVAL_ROWS])
        self._train_eval = self.x_train[eval_rows], self.y_train[eval_rows]
        self.set_network(network)

    # -- state changes ---------------------------------------------------------------------
    def set_network(self, network: Network) -> None:
        """Train ``network`` from here on (a reset or a change of shape); history restarts."""
        self.network = network
        self.optimizer = make_optimizer(self.hyper.optimizer, network.flat)
        self._traces: dict[int, tuple[Trace, np.ndarray]] = {}
        self.step_count = 0
        self.epoch = 0
        self.samples_seen = 0
        self.diverged: str | None = None
        self.first_cost = math.nan
        self.cost_history.clear()
        self.epoch_history.clear()
        self._epoch_cost_sum = 0.0
        self._epoch_steps = 0
        self._order = self._shuffle_rng.permutation(len(self.x_train))
        self._cursor = 0

    def set_hyperparameters(self, **changes: object) -> Hyperparameters:
        """Change any hyperparameter; the weights stay. A new optimizer starts fresh state."""
        new = replace(self.hyper, **changes)  # validates
        if new.optimizer != self.hyper.optimizer:
            self.optimizer = make_optimizer(new.optimizer, self.network.flat)
        self.hyper = new
        self.diverged = None
        return new

    def reset(self, seed: int | None = None) -> None:
        """Fresh initial weights (from ``seed``, default the session's own) and history."""
        self.seed = self.seed if seed is None else seed
        self._shuffle_rng = np.random.default_rng([self.seed, 1])
        self.set_network(rebuild(self.network, seed=self.seed))

    # -- training ------------------------------------------------------------------------
    @property
    def steps_per_epoch(self) -> int:
        return -(-len(self.x_train) // self.hyper.batch_size)

    @property
    def epoch_progress(self) -> float:
        """How far through the current epoch, 0 … 1."""
        return self._cursor / len(self.x_train)

    def step(self) -> float:
        """Train on the next mini-batch; returns its cost (penalties included)."""
        with np.errstate(all="ignore"):  # non-finite values are caught below, not warned about
            return self._step()

    def _step(self) -> float:
        hyper = self.hyper
        rows = self._order[self._cursor : self._cursor + hyper.batch_size]
        trace, y = self._buffers(len(rows))
        self.x_train.take(rows, axis=0, out=trace.a[0], mode="clip")  # rows are always valid;
        self.y_train.take(rows, axis=0, out=y, mode="clip")  # "clip" skips a temporary copy
        network = self.network
        network.forward(trace.a[0], trace)
        network.backward(trace, y, l2=hyper.l2, l1=hyper.l1)
        cost = trace.cost
        square_norm = float(np.vdot(trace.grad, trace.grad))
        self._check(cost, square_norm)
        if hyper.clip and square_norm > hyper.clip**2:
            trace.grad *= hyper.clip / math.sqrt(square_norm)
        self.optimizer.update(network.flat, trace.grad, hyper.learning_rate, hyper.momentum)
        self.step_count += 1
        self.samples_seen += len(rows)
        self.cost_history.append(self.step_count, (cost,))
        self._epoch_cost_sum += cost
        self._epoch_steps += 1
        self._cursor += len(rows)
        if self._cursor >= len(self._order):
            self._end_epoch()
        return cost

    def run(self, steps: int) -> float:
        """Train ``steps`` mini-batches; returns the last cost."""
        cost = math.nan
        for _ in range(steps):
            cost = self.step()
        return cost

    def run_epoch(self) -> float:
        """Train until the current epoch ends; returns the last cost."""
        epoch = self.epoch
        cost = math.nan
        while self.epoch == epoch:
            cost = self.step()
        return cost

    def _buffers(self, batch: int) -> tuple[Trace, np.ndarray]:
        if batch not in self._traces:
            if len(self._traces) > 2:
                self._traces.clear()
            y = np.empty((batch, self.y_train.shape[1]), self.network.dtype)
            self._traces[batch] = (self.network.new_trace(batch), y)
        return self._traces[batch]

    def _check(self, cost: float, grad_square_sum: float) -> None:
        if math.isnan(self.first_cost):
            self.first_cost = cost
        reason = None
        if not math.isfinite(cost):
            reason = "the cost is not a finite number"
        elif not math.isfinite(grad_square_sum):
            reason = "a gradient is not a finite number"
        elif cost > EXPLOSION * max(self.first_cost, 1e-3):
            reason = f"the cost exploded to {cost:.3g} (it started at {self.first_cost:.3g})"
        if reason:
            self.diverged = f"diverged at step {self.step_count + 1}: {reason}"
            raise Diverged(self.diverged)
        self.diverged = None

    def _end_epoch(self) -> None:
        self.epoch += 1
        train_cost = self._epoch_cost_sum / max(self._epoch_steps, 1)
        self._epoch_cost_sum, self._epoch_steps = 0.0, 0
        test = self.evaluate("test")
        train = self.evaluate("train")
        values = [train_cost, test["cost"]]
        values += [train[m] for m in self.metric_names] + [test[m] for m in self.metric_names]
        self.epoch_history.append(self.step_count, values)
        self._order = self._shuffle_rng.permutation(len(self.x_train))
        self._cursor = 0

    # -- measuring -----------------------------------------------------------------------
    def evaluate(self, split: str = "test") -> dict[str, float]:
        """Cost (without penalties) and the task's metrics on ``test`` or (a fixed subset of)
        ``train``."""
        x, y = (self.x_test, self.y_test) if split == "test" else self._train_eval
        if not len(x):
            return {"cost": math.nan} | dict.fromkeys(self.metric_names, math.nan)
        trace = self.network.forward(x)
        last = self.network.n_layers - 1
        output = trace.a[-1]
        cost = self.network.loss.cost(trace.z[last], output, y)
        scale = self.dataset.target_scale
        return {"cost": cost} | evaluate(self.dataset.task, y, output, scale)


def rebuild(network: Network, **changes: object) -> Network:
    """A freshly initialised network like ``network`` with some settings changed
    (``sizes``, ``hidden``, ``output``, ``loss``, ``init``, ``seed``, ``dtype``)."""
    settings: dict[str, object] = {
        "sizes": network.sizes,
        "hidden": network.hidden.name,
        "output": network.loss.output.name,
        "loss": network.loss.name,
        "init": network.init,
        "dtype": network.dtype,
    }
    return Network(**(settings | changes))  # type: ignore[arg-type]
