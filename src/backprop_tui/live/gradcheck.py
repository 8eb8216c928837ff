"""The live gradient check: backprop's gradient against finite differences on the next batch.

The trainer runs it on request and sends the frozen :class:`GradientReport` to the UI.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop_tui.engine import TrainingSession, rebuild
from backprop_tui.engine.gradcheck import TOLERANCE, gradient_check
from backprop_tui.engine.network import Network
from backprop_tui.engine.norm import TAGS

MAX_PER_LAYER = 200
"""Parameters perturbed per weight layer at most (each costs two forward passes)."""
FLOAT32_TOLERANCE = 1e-2
"""float32 rounding alone exceeds 1e-6; its networks are judged against this instead. (Their
backprop gradient is compared with finite differences on a float64 copy: in float32 the
differences themselves drown in rounding.)"""

GradientSource = Callable[[Network, np.ndarray, np.ndarray, float, float], list[np.ndarray]]
"""(network, x, y, l2, l1) → gradients dW0, db0, …; replaces backprop's own (tests)."""


@dataclass(frozen=True)
class GradientRow:
    """One weight layer's result."""

    layer: int
    """1-based, as the topology numbers layers."""
    shape: str
    """e.g. ``8→32 tanh``."""
    weight_error: float
    bias_error: float | None
    """None for a layer without biases."""
    checked: int
    ok: bool
    norm_error: float | None = None
    """γ and β of a normalised hidden layer; None for a layer without them."""


@dataclass(frozen=True)
class GradientReport:
    """Per-layer relative errors between backprop and central differences, and a verdict."""

    step: int
    batch: int
    rows: tuple[GradientRow, ...]
    verdict: str
    dtype: str
    tolerance: float
    notes: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)


def check_gradients(session: TrainingSession, source: GradientSource | None = None
                    ) -> GradientReport:
    """Run the finite-difference check on ``session``'s network and next mini-batch."""
    started = time.perf_counter()
    network, hyper = session.network, session.hyper
    rows = session.next_rows()
    x, y = session.x_train[rows], session.y_train[rows]
    source = source or _backprop
    gradients = source(network, x, y, hyper.l2, hyper.l1)
    single = network.dtype == np.float32
    with np.errstate(all="ignore"):
        checks = gradient_check(_float64(network) if single else network, x, y, l2=hyper.l2,
                                l1=hyper.l1, max_per_layer=MAX_PER_LAYER, gradients=gradients)
    tolerance = FLOAT32_TOLERANCE if single else TOLERANCE
    sizes = network.sizes
    report_rows = tuple(
        GradientRow(c.layer + 1, f"{sizes[c.layer]}→{sizes[c.layer + 1]} "
                    f"{network.activation_name(c.layer)}"
                    f"{'' if c.norm_error is None else '+' + TAGS[network.norm]}",
                    c.weight_error, c.bias_error if network.has_bias(c.layer) else None,
                    c.checked, bool(c.error < tolerance), c.norm_error)
        for c in checks
    )
    notes = []
    if single:
        notes.append(f"float32 cannot reach {TOLERANCE:.0e}: judged against {tolerance:.0e} "
                     "(differences taken on a float64 copy)")
    if hyper.dropout_rates(network.n_layers - 1):
        notes.append("dropout is on: the check runs with dropout off")
    if network.norm == "batch":
        notes.append("batch norm: both sides normalise with this batch's own statistics, as a "
                     "training step does (not the running ones)")
    return GradientReport(session.step_count, len(rows), report_rows,
                          verdict(report_rows, tolerance), network.dtype.name, tolerance,
                          tuple(notes), time.perf_counter() - started)


def _backprop(network: Network, x: np.ndarray, y: np.ndarray, l2: float, l1: float
              ) -> list[np.ndarray]:
    with np.errstate(all="ignore"):
        return network.gradients(x, y, l2=l2, l1=l1).grads


def _float64(network: Network) -> Network:
    """A float64 copy with the same weights (float32 → float64 is exact)."""
    copy = rebuild(network, dtype=np.float64)
    copy.flat[:] = network.flat
    return copy


def verdict(rows: tuple[GradientRow, ...], tolerance: float) -> str:
    """One line: agreement with the largest error, or the first layer that disagrees."""
    def error(row: GradientRow) -> float:
        return max(row.weight_error, row.bias_error or 0.0, row.norm_error or 0.0)

    for row in rows:
        if not row.ok:
            return f"layer {row.layer} disagrees: error {error(row):.1e} ≥ {tolerance:.0e}"
    largest = max((error(row) for row in rows), default=0.0)
    return (f"backprop agrees with finite differences "
            f"(largest error {largest:.1e} < {tolerance:.0e})")
