"""The hyperparameters: everything that may change between any two training steps."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from backprop_tui.engine.augment import canonical
from backprop_tui.engine.optimizers import OPTIMIZERS
from backprop_tui.engine.schedules import SCHEDULES
from backprop_tui.errors import BackpropError

WHOLE_NUMBERS = ("batch_size", "decay_every", "schedule_epochs", "patience")
NOT_NUMBERS = ("optimizer", "schedule", "early_stopping", "augment")
DECAY_RATES = ("momentum", "beta1", "beta2", "rho")
SYMBOLS = {"learning_rate": "η", "batch_size": "bs", "optimizer": "opt", "momentum": "μ",
           "beta1": "β₁", "beta2": "β₂", "rho": "ρ"}
"""How the screen abbreviates a hyperparameter (the help's status-bar legend explains them)."""
"""The optimizers' decay rates, each in [0, 1)."""


def _option(default: object, help: str) -> Any:
    """A hyperparameter field with ``help`` for the command line."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Hyperparameters:
    """What may change between any two steps without touching the weights."""

    learning_rate: float = 0.1
    batch_size: int = 32
    optimizer: str = "sgd"
    momentum: float = 0.9
    """For the ``momentum`` and ``nesterov`` optimizers."""
    beta1: float = _option(0.9, "adam: decay of the running mean of the gradient")
    beta2: float = _option(0.999, "adam: decay of the running mean of the squared gradient")
    rho: float = _option(0.9, "rmsprop: decay of the running mean of the squared gradient")
    l2: float = 0.0
    l1: float = 0.0
    clip: float = 0.0
    """Largest allowed global gradient norm; 0 means no clipping."""
    dropout: float | tuple[float, ...] = _option(
        0.0, "probability of dropping a hidden unit in a training step (0: no dropout)")
    """One rate for every hidden layer, or a tuple of one rate per hidden layer."""
    schedule: str = _option("constant", "learning-rate schedule: " + ", ".join(SCHEDULES))
    decay: float = _option(0.5, "step schedule: multiply the rate by this every decay-every "
                           "epochs")
    decay_every: int = _option(10, "step schedule: epochs between two decays")
    schedule_epochs: int = _option(100, "cosine schedule: epochs from the rate down to 0")
    tol: float = _option(1e-4, "smallest cost decrease that counts as progress (adaptive "
                         "schedule, early stopping)")
    early_stopping: bool = _option(False, "hold out a validation split; when its cost stops "
                                   "falling, stop and restore the best weights")
    validation_fraction: float = _option(0.1, "early stopping: fraction of the training rows "
                                         "held out")
    patience: int = _option(10, "early stopping: epochs without progress before it stops")
    augment: str = _option("off", "image data sets: train on randomly shifted, rotated and "
                           "noised copies of each mini-batch: a comma list of shift, rotate, "
                           "noise, or all, or off")

    def __post_init__(self) -> None:
        if isinstance(self.dropout, list):  # e.g. read back from JSON
            object.__setattr__(self, "dropout", tuple(self.dropout))
        object.__setattr__(self, "augment", canonical(self.augment))
        rates = self.dropout if isinstance(self.dropout, tuple) else (self.dropout,)
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name not in NOT_NUMBERS and not all(
                isinstance(v, int | float) and math.isfinite(v)
                for v in (rates if f.name == "dropout" else (value,))
            ):
                raise BackpropError(f"{f.name} must be a finite number, not {value!r}")
        if self.learning_rate <= 0:
            raise BackpropError(f"learning rate must be positive, not {self.learning_rate}")
        for name in WHOLE_NUMBERS:
            value = getattr(self, name)
            if value < 1 or int(value) != value:
                raise BackpropError(
                    f"{name.replace('_', ' ')} must be a whole number ≥ 1, not {value}")
        for name in DECAY_RATES:
            if not 0 <= getattr(self, name) < 1:
                raise BackpropError(f"{name} must be in [0, 1), not {getattr(self, name)}")
        if not all(0 <= p < 1 for p in rates):
            raise BackpropError(f"dropout must be in [0, 1), not {self.dropout}")
        if not 0 < self.decay <= 1:
            raise BackpropError(f"decay must be in (0, 1], not {self.decay}")
        if not 0 < self.validation_fraction < 1:
            raise BackpropError(
                f"validation fraction must be in (0, 1), not {self.validation_fraction}")
        for name in ("l2", "l1", "clip", "tol"):
            if getattr(self, name) < 0:
                raise BackpropError(f"{name} must be ≥ 0, not {getattr(self, name)}")
        for kind, choice, choices in [("optimizer", self.optimizer, tuple(OPTIMIZERS)),
                                      ("schedule", self.schedule, tuple(SCHEDULES))]:
            if choice not in choices:
                raise BackpropError(
                    f"unknown {kind} {choice!r}; choose one of: {', '.join(choices)}")
        if not isinstance(stop := self.early_stopping, bool):
            raise BackpropError(f"early_stopping must be True or False, not {stop!r}")

    def dropout_rates(self, hidden_layers: int) -> tuple[float, ...]:
        """One dropout rate per hidden layer; () when dropout is off everywhere."""
        if not isinstance(self.dropout, tuple):
            rates = (self.dropout,) * hidden_layers
        elif len(self.dropout) == hidden_layers:
            rates = self.dropout
        else:
            raise BackpropError(f"dropout gives {len(self.dropout)} rates, but the network has "
                                f"{hidden_layers} hidden layer(s): give one rate or one each")
        return rates if any(rates) else ()
