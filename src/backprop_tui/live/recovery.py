"""Recovering from divergence: back to the last healthy weights, and a learning rate that
trains from there.

The engine notices divergence when a step's cost (or gradient) is not finite or explodes;
by then the update before it has already broken the weights. The latest checkpoint taken
before that update is healthy (its weights' cost was checked by the step after it), so the
timeline goes back there; :func:`advice` then tries the lower learning rates of the ``-``
ladder on copies for a few steps each and names the highest that lowers the cost.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

import numpy as np

from backprop_tui.engine import Diverged, Stopped, TrainingSession
from backprop_tui.live.commands import LADDERS, along

PROBE_STEPS = 50
"""Steps each candidate learning rate trains on a copy (the probe takes about 0.6 s on digits)."""


def advice(diverged: str, restored: TrainingSession) -> str:
    """What happened (``diverged``) and one recovery from ``restored`` that works as written."""
    notice = f"{diverged} — weights restored to step {restored.step_count}; "
    rate = working_rate(restored)
    if rate is None:
        return notice + "no lower learning rate trains from there: reset (r)"
    presses = presses_to(restored.hyper.learning_rate, rate)
    times = "once" if presses == 1 else f"{presses} times"
    return notice + f"lower the learning rate to {rate:g}: press - {times}, then space"


def working_rate(session: TrainingSession) -> float | None:
    """The rate, going down the ``-`` ladder from the current one, below which training on
    no longer does better: each rate trains :data:`PROBE_STEPS` steps from ``session`` (on a
    copy) and the descent stops once a lower rate reaches no lower cost. None when no lower
    rate lowers the cost at all. Asked again for the same weights and hyperparameters (the
    rewind's advice, then the doctor), the answer is remembered, not probed again."""
    state = (session.step_count, session.hyper, hash(session.network.flat.tobytes()))
    if (known := _probed.get(session)) is not None and known[0] == state:
        return known[1]
    rate = _probe(session)
    _probed[session] = (state, rate)
    return rate


_probed: WeakKeyDictionary[TrainingSession, tuple[object, float | None]] = WeakKeyDictionary()
"""Per session, the state :func:`working_rate` last probed and its answer."""


def _probe(session: TrainingSession) -> float | None:
    best, best_cost = None, _cost(session)
    rate = session.hyper.learning_rate
    while (lower := along(LADDERS["learning_rate"], rate, -1)) != rate and lower is not None:
        rate, cost = lower, _cost_after(session, lower)
        if cost < best_cost:
            best, best_cost = rate, cost
        elif best is not None:
            break
    return best


def presses_to(current: float, rate: float) -> int:
    """How many ``-`` presses take the learning rate from ``current`` down to ``rate``."""
    presses = 0
    while current > rate:
        current = along(LADDERS["learning_rate"], current, -1) or rate
        presses += 1
    return presses


def _cost(session: TrainingSession) -> float:
    """The cost on the session's fixed training rows (inf when not finite)."""
    with np.errstate(all="ignore"):
        cost = session.evaluate("train")["cost"]
    return cost if np.isfinite(cost) else np.inf


def _cost_after(session: TrainingSession, rate: float) -> float:
    """:func:`_cost` after :data:`PROBE_STEPS` steps at ``rate`` from ``session`` (a copy)."""
    trial = session.copy()
    trial.set_hyperparameters(learning_rate=rate)
    try:
        trial.run(PROBE_STEPS)
    except (Diverged, Stopped):
        return np.inf
    return _cost(trial)
