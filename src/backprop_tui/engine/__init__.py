"""The numpy backprop engine: networks, losses, optimizers and training sessions.

Imports numpy only (never Textual or Rich), so it can be used from any script::

    from backprop_tui import data, engine
    digits = data.load("digits")
    net = engine.Network("64-64-10", hidden="relu", output="softmax", loss="cross_entropy")
    session = engine.TrainingSession(digits, net, engine.Hyperparameters(learning_rate=0.1))
    session.run(1000)
    print(session.evaluate("test"))
"""

from backprop_tui.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, get_activation
from backprop_tui.engine.gradcheck import LayerCheck, gradient_check
from backprop_tui.engine.history import History
from backprop_tui.engine.losses import MATCHED_OUTPUTS, make_loss
from backprop_tui.engine.metrics import METRICS, correct, evaluate
from backprop_tui.engine.network import INITIALISATIONS, Network, Trace
from backprop_tui.engine.optimizers import OPTIMIZERS, make_optimizer
from backprop_tui.engine.schedules import SCHEDULES, EarlyStopping, make_schedule
from backprop_tui.engine.session import (
    Diverged,
    Hyperparameters,
    NoTrainingRows,
    Stopped,
    TrainingSession,
    rebuild,
)
from backprop_tui.engine.sizes import format_sizes, parse_sizes
from backprop_tui.errors import BackpropError

__all__ = [
    "ACTIVATIONS",
    "HIDDEN_ACTIVATIONS",
    "INITIALISATIONS",
    "MATCHED_OUTPUTS",
    "METRICS",
    "OPTIMIZERS",
    "SCHEDULES",
    "BackpropError",
    "Diverged",
    "EarlyStopping",
    "History",
    "Hyperparameters",
    "LayerCheck",
    "Network",
    "NoTrainingRows",
    "Stopped",
    "Trace",
    "TrainingSession",
    "correct",
    "evaluate",
    "format_sizes",
    "get_activation",
    "gradient_check",
    "make_loss",
    "make_optimizer",
    "make_schedule",
    "parse_sizes",
    "rebuild",
]
