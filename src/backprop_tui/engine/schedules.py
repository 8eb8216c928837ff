"""End-of-epoch rules: learning-rate schedules and early stopping (which share the plateau test;
early stopping also holds out a validation split).

A schedule turns the base rate η₀ (``Hyperparameters.learning_rate``) into the rate for epoch
e (0 for the first epoch, counted since the last reset). Schedules read their settings from the
hyperparameters at every call, so those may change between any two steps; only ``adaptive``
keeps state (how often it has divided the rate).
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from backprop_tui.errors import BackpropError


class ScheduleSettings(Protocol):
    """The hyperparameters a schedule reads (see :class:`~.hyper.Hyperparameters`)."""

    @property
    def learning_rate(self) -> float: ...
    @property
    def decay(self) -> float: ...
    @property
    def decay_every(self) -> int: ...
    @property
    def schedule_epochs(self) -> int: ...
    @property
    def tol(self) -> float: ...


class Plateau:
    """Counts epochs whose value fails to fall at least ``tol`` below the best one so far.

    As scikit-learn's MLP: an epoch with value v is *bad* when v > best − tol or v is NaN
    (the count restarts at 0 otherwise); ``best`` becomes v whenever v < best.
    """

    def __init__(self) -> None:
        self.best = math.inf
        self.bad_epochs = 0

    def update(self, value: float, tol: float) -> bool:
        """Record one epoch's value; True if it is a new best (strictly lower)."""
        self.bad_epochs = 0 if value <= self.best - tol else self.bad_epochs + 1  # NaN: bad
        if value < self.best:
            self.best = value
            return True
        return False


class Schedule:
    """``constant``: η_e = η₀."""

    name = "constant"

    def rate(self, hyper: ScheduleSettings, epoch: int) -> float:
        return hyper.learning_rate

    def end_epoch(self, hyper: ScheduleSettings, train_cost: float) -> None:
        """Called after each epoch with its mean training cost (only ``adaptive`` uses it)."""


class StepSchedule(Schedule):
    """``step``: η_e = η₀ · decay^⌊e / decay_every⌋ (e.g. halved every 10 epochs)."""

    name = "step"

    def rate(self, hyper: ScheduleSettings, epoch: int) -> float:
        return hyper.learning_rate * hyper.decay ** (epoch // hyper.decay_every)


class CosineSchedule(Schedule):
    """``cosine``: η_e = ½·η₀·(1 + cos(π · min(e, T) / T)) with T = ``schedule_epochs``:
    from η₀ down to 0 over T epochs, then 0 (the weights stop moving)."""

    name = "cosine"

    def rate(self, hyper: ScheduleSettings, epoch: int) -> float:
        progress = min(epoch, hyper.schedule_epochs) / hyper.schedule_epochs
        return 0.5 * hyper.learning_rate * (1.0 + math.cos(math.pi * progress))


class AdaptiveSchedule(Schedule):
    """``adaptive``: η = η₀ / 5^k, where k grows by one each time the mean training cost fails
    to fall at least ``tol`` below its best for two consecutive epochs (then the count restarts).

    This is scikit-learn's documented ``learning_rate="adaptive"`` rule for MLPClassifier.
    (scikit-learn's code waits for ``n_iter_no_change`` + 1 bad epochs instead of two, and stops
    training once the rate is ≤ 1e-6; here training goes on.) Changing η₀ keeps k.
    """

    name = "adaptive"
    BAD_EPOCHS = 2
    FACTOR = 5.0

    def __init__(self) -> None:
        self.plateau = Plateau()
        self.divisions = 0

    def rate(self, hyper: ScheduleSettings, epoch: int) -> float:
        return hyper.learning_rate / self.FACTOR**self.divisions

    def end_epoch(self, hyper: ScheduleSettings, train_cost: float) -> None:
        self.plateau.update(train_cost, hyper.tol)
        if self.plateau.bad_epochs >= self.BAD_EPOCHS:
            self.divisions += 1
            self.plateau.bad_epochs = 0


SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls for cls in (Schedule, StepSchedule, CosineSchedule, AdaptiveSchedule)
}


def make_schedule(name: str) -> Schedule:
    """A fresh schedule called ``name`` (one of :data:`SCHEDULES`)."""
    if name not in SCHEDULES:
        raise BackpropError(f"unknown schedule {name!r}; choose one of: {', '.join(SCHEDULES)}")
    return SCHEDULES[name]()


class EarlyStopping:
    """Follows the validation cost epoch by epoch and keeps a copy of the best weights; once
    ``patience`` epochs in a row are bad (see :class:`Plateau`), it restores them."""

    def __init__(self) -> None:
        self.plateau = Plateau()
        self.best_epoch = 0
        self.best_weights: np.ndarray | None = None

    @property
    def best_cost(self) -> float:
        """The lowest validation cost so far (inf before the first epoch)."""
        return self.plateau.best

    def update(self, epoch: int, cost: float, weights: np.ndarray, tol: float,
               patience: int) -> str | None:
        """Record the validation ``cost`` of ``weights`` after ``epoch``; when patience runs
        out, copy the best weights back into ``weights`` and return why training stops."""
        if self.plateau.update(cost, tol):
            self.best_epoch = epoch
            if self.best_weights is None:
                self.best_weights = weights.copy()
            else:
                np.copyto(self.best_weights, weights)
        if self.plateau.bad_epochs < patience or self.best_weights is None:
            return None
        np.copyto(weights, self.best_weights)
        return (f"early stopping at epoch {epoch}: best validation cost {self.best_cost:.4g} "
                f"at epoch {self.best_epoch}")


def validation_split(rows: np.ndarray, fraction: float, labels: np.ndarray | None, seed: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (train, validation) indices out of ``rows`` for early stopping, seeded;
    stratified by the class ``labels`` (one per row of the data) when given and possible."""
    from sklearn.model_selection import train_test_split

    state = int(np.random.default_rng([seed, 4]).integers(2**31))
    problem = None
    for stratify in (None,) if labels is None else (labels, None):  # stratified first
        try:
            parts = train_test_split(rows, test_size=fraction, random_state=state,
                                     stratify=stratify)
            return np.sort(parts[0]), np.sort(parts[1])
        except ValueError as error:  # e.g. a class with a single row
            problem = error
    raise BackpropError(f"cannot hold out a validation fraction of {fraction} from "
                        f"{len(rows)} training rows: {problem}")
