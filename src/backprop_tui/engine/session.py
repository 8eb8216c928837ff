"""A training session: one call, one mini-batch step, with epochs, history and guards.

Optional training features, all off by default: dropout on hidden layers, learning-rate
schedules (:mod:`.schedules`), early stopping on a validation split held out of the
training rows and augmentation of image batches (:mod:`.augment`).
"""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from backprop_tui.engine import augment
from backprop_tui.engine.history import History
from backprop_tui.engine.hyper import Hyperparameters
from backprop_tui.engine.metrics import METRICS, evaluate
from backprop_tui.engine.network import Network, Trace, fill_masks
from backprop_tui.engine.optimizers import clip_norm, make_optimizer
from backprop_tui.engine.rows import EditableRows, NoTrainingRows
from backprop_tui.engine.schedules import EarlyStopping, make_schedule, validation_split
from backprop_tui.errors import BackpropError

if TYPE_CHECKING:
    from backprop_tui.data import Dataset

TRAIN_EVAL_ROWS = 2000
"""Training-set metrics at each epoch's end use at most this many (fixed) training rows."""
EXPLOSION = 1e3
"""A step whose cost exceeds this many times the first step's cost counts as divergence."""
__all__ = ["Diverged", "Hyperparameters", "NoTrainingRows", "Stopped", "TrainingSession",
           "rebuild"]


class Diverged(RuntimeError):
    """Raised by :meth:`TrainingSession.step` when a step was rejected as divergent."""


class Stopped(RuntimeError):
    """Raised by :meth:`TrainingSession.step` once early stopping has ended the training."""


class TrainingSession(EditableRows):
    """Trains ``network`` on ``dataset`` one mini-batch at a time.

    Epochs reshuffle the training rows and dropout draws its masks with generators seeded
    from ``seed``, so two sessions with the same seed, network and commands end with
    bit-identical weights. A step whose cost or gradients are not finite (or whose cost
    explodes) is rejected before any weight changes: :attr:`diverged` says why, and
    :class:`Diverged` is raised.

    Early stopping holds out a split of the training rows (seeded, stratified by class when
    possible) that depends only on the seed and ``validation_fraction``. Turning it on or off
    (or changing the fraction) between steps redraws the split and restarts the epoch's pass
    over the rows; the weights stay, so rows newly held out may have been trained on already.
    When ``patience`` epochs pass without a validation cost ``tol`` below the best, the best
    weights are restored, :attr:`stopped` says so and every step raises :class:`Stopped`
    until a reset or a hyperparameter change (which grants ``patience`` more epochs).
    """

    stopped: str | None
    """Why early stopping ended the training (None while it goes on)."""
    last_step: np.ndarray | None
    """Δp, what the latest step added to ``network.flat`` (None before a step or after a
    rejected one); a buffer the next step overwrites."""
    last_pass: tuple[Trace, np.ndarray] | None
    """The latest step's pass over its mini-batch and its gradient before clipping (laid out
    like ``network.flat``), when ``step(keep=True)`` took it; else None."""

    def __init__(self, dataset: Dataset, network: Network, hyper: Hyperparameters | None = None,
                 seed: int = 0, history: int = 4096) -> None:
        if network.sizes[0] != dataset.n_inputs or network.sizes[-1] != dataset.n_outputs:
            raise BackpropError(
                f"network {network.sizes[0]}→{network.sizes[-1]} does not fit data set "
                f"{dataset.name!r} ({dataset.n_inputs} inputs → {dataset.n_outputs} outputs)"
            )
        self.dataset = dataset
        self.seed = seed
        self.hyper = hyper or Hyperparameters()
        self.hyper.dropout_rates(network.n_layers - 1)  # refuse a mismatched tuple early
        augment.check(self.hyper.augment, dataset)
        dtype = network.dtype
        self.x_train = np.ascontiguousarray(dataset.x_train, dtype=dtype)
        self.y_train = np.ascontiguousarray(dataset.y_train, dtype=dtype)
        self.x_test = np.ascontiguousarray(dataset.x_test, dtype=dtype)
        self.y_test = np.ascontiguousarray(dataset.y_test, dtype=dtype)
        self.metric_names = METRICS[dataset.task]
        columns = ["train_cost", "test_cost"]
        columns += [f"{split}_{m}" for split in ("train", "test") for m in self.metric_names]
        self.cost_history = History(["cost"], history)
        self.epoch_history = History([*columns, "learning_rate"], history)
        self._shuffle_rng = np.random.default_rng([seed, 1])
        self._split(self.hyper)
        self.set_network(network)

    # -- state changes ---------------------------------------------------------------------
    def set_network(self, network: Network) -> None:
        """Train ``network`` from here on (a reset or a change of shape); history restarts."""
        self.network = network
        self.optimizer = make_optimizer(self.hyper.optimizer, network.flat)
        self._schedule = make_schedule(self.hyper.schedule)
        self._drop_buffers()
        self.last_step = self.last_pass = None
        self._dropout_rng = np.random.default_rng([self.seed, 3])
        self._augment_rng = np.random.default_rng([self.seed, augment.STREAM])
        self.step_count = self.epoch = self.samples_seen = 0
        self.diverged: str | None = None
        self.first_cost = math.nan
        self.cost_history.clear()
        self.epoch_history.clear()
        self._epoch_cost_sum, self._epoch_steps = 0.0, 0
        self._rate = self._schedule.rate(self.hyper, 0)
        self._restart_epoch()

    def set_hyperparameters(self, **changes: Any) -> Hyperparameters:
        """Change any hyperparameter; the weights stay. A new optimizer starts fresh state,
        and so does a new schedule; the adaptive schedule keeps its divisions otherwise."""
        old, new = self.hyper, replace(self.hyper, **changes)  # validates
        augment.check(new.augment, self.dataset)
        if new.dropout != old.dropout:
            new.dropout_rates(self.network.n_layers - 1)  # refuse a mismatched tuple now
            self._drop_buffers()
        if new.early_stopping != old.early_stopping or (
            new.early_stopping and new.validation_fraction != old.validation_fraction
        ):
            self._split(new)
            self._restart_epoch()
        if new.optimizer != old.optimizer:
            self.optimizer = make_optimizer(new.optimizer, self.network.flat)
        if new.schedule != old.schedule:
            self._schedule = make_schedule(new.schedule)
        self.hyper = new
        self._rate = self._schedule.rate(new, self.epoch)
        self.diverged = None
        if self.stopped:
            self.stopped, self.early_stop.plateau.bad_epochs = None, 0
        return new

    def reset(self, seed: int | None = None) -> None:
        """Fresh initial weights (from ``seed``, default the session's own) and history."""
        self.seed = self.seed if seed is None else seed
        self._shuffle_rng = np.random.default_rng([self.seed, 1])
        self._split(self.hyper)
        self.set_network(rebuild(self.network, seed=self.seed))

    def _split(self, hyper: Hyperparameters) -> None:
        """Choose the trained rows, the validation rows and the training-metrics subset."""
        rows = np.arange(len(self.x_train))
        validation = rows[:0]
        if hyper.early_stopping and len(rows):
            labels = self.y_train.argmax(axis=1) if self.dataset.task == "classes" else None
            rows, validation = validation_split(rows, hyper.validation_fraction, labels,
                                                self.seed)
        self.train_rows = rows
        """Indices of the rows of :attr:`x_train` trained on (all but the validation rows)."""
        self.x_validation, self.y_validation = self.x_train[validation], self.y_train[validation]
        pick = np.random.default_rng([self.seed, 2]).permutation(rows)
        eval_rows = np.sort(pick[:TRAIN_EVAL_ROWS])
        self._train_eval = self.x_train[eval_rows], self.y_train[eval_rows]

    def _restart_epoch(self) -> None:
        """A fresh shuffled pass over the training rows; early stopping starts over."""
        self._order = self._shuffle_rng.permutation(self.train_rows)
        self._cursor = 0
        self.stopped = None
        self.early_stop = EarlyStopping()
        """Best validation cost, its epoch and weights so far (when early stopping is on)."""

    # -- training ------------------------------------------------------------------------
    @property
    def steps_per_epoch(self) -> int:
        return -(-len(self.train_rows) // self.hyper.batch_size)

    @property
    def epoch_progress(self) -> float:
        """How far through the current epoch, 0 … 1."""
        return self._cursor / max(1, len(self._order))

    @property
    def effective_learning_rate(self) -> float:
        """The rate the next step uses: ``hyper.learning_rate`` as the schedule adjusts it."""
        return self._rate

    def step(self, keep: bool = False) -> float:
        """Train on the next mini-batch; returns its cost (penalties included). ``keep``: keep
        its pass and gradient in :attr:`last_pass`."""
        if self.stopped:
            raise Stopped(self.stopped)
        with np.errstate(all="ignore"):  # non-finite values are caught below, not warned about
            return self._step(keep)

    def _step(self, keep: bool) -> float:
        hyper = self.hyper
        rows = self.next_rows()
        trace, y, rates = self._buffers(len(rows))
        self.x_train.take(rows, axis=0, out=trace.a[0], mode="clip")  # rows are always valid;
        self.y_train.take(rows, axis=0, out=y, mode="clip")  # "clip" skips a temporary copy
        if hyper.augment != augment.OFF:
            trace.a[0][...] = augment.augmented(trace.a[0], self.dataset, hyper.augment,
                                                self._augment_rng)
        if trace.masks:
            fill_masks(trace.masks, rates, self._dropout_rng)
        network = self.network
        network.forward(trace.a[0], trace, training=True)
        network.backward(trace, y, l2=hyper.l2, l1=hyper.l1)
        cost = trace.cost
        self.last_pass = (trace, trace.grad.copy()) if keep else None
        square_norm = float(np.vdot(trace.grad, trace.grad))
        self.grad_square_norm = square_norm
        self._check(cost, square_norm)
        network.remember_statistics(trace)  # batch norm's running statistics
        clip_norm(trace.grad, hyper.clip, square_norm)
        self.last_step = self.optimizer.update(network.flat, trace.grad, self._rate, hyper)
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

    def next_rows(self) -> np.ndarray:
        """Indices into :attr:`x_train` of the rows the next step trains on; raises
        :class:`NoTrainingRows` when there are none."""
        if not len(self._order):
            raise NoTrainingRows("no training rows to train on")
        start = self._cursor if self._cursor < len(self._order) else 0
        return self._order[start : start + self.hyper.batch_size]

    @property
    def epoch_order(self) -> np.ndarray:
        """The current epoch's shuffled order of the trained rows (read only)."""
        order = self._order.view()
        order.flags.writeable = False
        return order

    def _drop_buffers(self) -> None:
        """Forget the reusable per-batch-size buffers (the next step makes new ones)."""
        self._traces: dict[int, tuple[Trace, np.ndarray, tuple[float, ...]]] = {}

    def copy(self) -> TrainingSession:
        """An independent copy of the training state: the data set and the arrays that are
        never written in place are shared, the scratch buffers are not copied, and the copy
        has taken no step yet (its :attr:`last_step` is None)."""
        shared: dict[int, object] = {id(self.dataset): self.dataset}
        for value in vars(self).values():
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, np.ndarray) and item is not self.last_step:
                    shared[id(item)] = item  # data, never changed in place
        shared[id(self._traces)] = {}  # scratch buffers: the copy makes its own
        shared[id(self.last_pass)] = None  # so is the latest pass
        clone = copy.deepcopy(self, shared)
        clone.last_step = None
        return clone

    def _buffers(self, batch: int) -> tuple[Trace, np.ndarray, tuple[float, ...]]:
        """Reusable trace, target buffer and dropout rates (with masks) for ``batch`` rows."""
        if batch not in self._traces:
            if len(self._traces) > 2:
                self._traces.clear()
            network = self.network
            rates = self.hyper.dropout_rates(network.n_layers - 1)
            trace = network.new_trace(batch)
            if rates:
                trace.masks = network.new_masks(batch, rates)
            y = np.empty((batch, self.y_train.shape[1]), network.dtype)
            self._traces[batch] = (trace, y, rates)
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
            self.last_step = None
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
        self.epoch_history.append(self.step_count, [*values, self._rate])
        self._schedule.end_epoch(self.hyper, train_cost)
        self._rate = self._schedule.rate(self.hyper, self.epoch)
        if (hyper := self.hyper).early_stopping:
            validation = self.evaluate("validation")["cost"]
            self.stopped = self.early_stop.update(self.epoch, validation, self.network.state,
                                                  hyper.tol, hyper.patience)
        self._order = self._shuffle_rng.permutation(self.train_rows)
        self._cursor = 0

    # -- measuring -----------------------------------------------------------------------
    def evaluate(self, split: str = "test") -> dict[str, float]:
        """Cost (without penalties) and the task's metrics on ``test``, ``validation`` (empty
        unless early stopping is on) or (a fixed subset of the trained rows of) ``train``."""
        x, y = {"test": (self.x_test, self.y_test), "train": self._train_eval,
                "validation": (self.x_validation, self.y_validation)}[split]
        if not len(x):
            return {"cost": math.nan} | dict.fromkeys(self.metric_names, math.nan)
        trace = self.network.forward(x)
        last = self.network.n_layers - 1
        output = trace.a[-1]
        cost = self.network.loss.cost(trace.z[last], output, y)
        scale = self.dataset.target_scale
        return {"cost": cost} | evaluate(self.dataset.task, y, output, scale)


def rebuild(network: Network, **changes: Any) -> Network:
    """A freshly initialised network like ``network`` with some of :class:`Network`'s
    arguments changed (``sizes``, ``hidden``, ``init``, ``seed``, ``dtype``, ``norm``, …)."""
    settings: dict[str, Any] = {
        "sizes": network.sizes,
        "hidden": network.hidden.name,
        "output": network.loss.output.name,
        "loss": network.loss.name,
        "init": network.init,
        "dtype": network.dtype,
        "bias": network.bias,
        "norm": network.norm,
    }
    return Network(**(settings | changes))
