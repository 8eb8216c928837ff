"""Commands the UI sends to the trainer: small, picklable, and the only way in."""

from __future__ import annotations

from dataclasses import dataclass

from backprop_tui.live.config import SPEEDS

LEARNING_RATES = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
MOMENTA = (0.0, 0.5, 0.9, 0.95, 0.99)
PENALTIES = (0.0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
LADDERS: dict[str, tuple[float | None, ...]] = {
    "learning_rate": LEARNING_RATES,
    "batch_size": BATCH_SIZES,
    "momentum": MOMENTA,
    "l2": PENALTIES,
    "l1": PENALTIES,
    "speed": SPEEDS,
}
"""The values each ``nudge`` walks through, smallest first (speed: None = flat out, last)."""


@dataclass(frozen=True)
class Command:
    """``action`` names what to do; ``value`` carries its argument.

    Actions: ``run`` (True, False or None to toggle), ``step`` (count), ``epoch``, ``reset``,
    ``nudge`` ((name, ±1) along a ladder), ``set`` (dict of hyperparameters), ``cycle``
    (``optimizer`` or ``hidden``), ``add_layer``, ``remove_layer``, ``resize`` ((layer, ±1)),
    ``select`` ((layer, neuron)), ``samples`` (±count), ``config`` (a RunConfig), ``save``
    (a path: the network and hyperparameters, reported by a note), ``breakpoints`` (a
    :class:`~backprop_tui.live.breakpoints.Breakpoints`: conditions that pause training),
    ``rewind`` (to the latest earlier checkpoint), ``views`` / ``boundary`` (extra snapshot
    payloads on or off), ``regenerate`` (2-D data: new noise, train ratio or seed),
    ``gradcheck`` and ``inspect`` / ``inspect_apply`` (one-off reports), ``quit``.
    """

    action: str
    value: object = None


def along(ladder: tuple[float | None, ...], current: float | None, direction: int,
          largest: float | None = None) -> float | None:
    """The next value from ``current`` along ``ladder`` (the nearest rung when off the ladder);
    batch sizes stop at ``largest`` (the full batch)."""
    rungs = [r for r in ladder if r is None or largest is None or r < largest]
    if largest is not None:
        rungs.append(largest)
    if current in rungs:
        index = rungs.index(current) + direction
    else:
        finite = [r for r in rungs if r is not None]
        below = sum(1 for r in finite if current is not None and r < current)
        index = below if direction > 0 else below - 1
    return rungs[max(0, min(len(rungs) - 1, index))]
