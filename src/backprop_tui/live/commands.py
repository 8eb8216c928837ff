"""Commands the UI sends to the trainer: small, picklable, and the only way in.

One frozen dataclass per command. ``RECORDED`` says whether a ``--record`` file keeps it
(it changes training, so a replay needs it); the recording format is derived from the
fields (see :mod:`backprop_tui.live.record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from backprop_tui.engine import OPTIMIZERS
from backprop_tui.errors import BackpropError
from backprop_tui.live.breakpoints import Breakpoints
from backprop_tui.live.config import SPEEDS, RunConfig

LEARNING_RATES = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
MOMENTA = (0.0, 0.5, 0.9, 0.95, 0.99)
DECAYS = (0.5, 0.8, 0.9, 0.95, 0.99)
"""Adam's β₁ and RMSprop's ρ."""
PENALTIES = (0.0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
LADDERS: dict[str, tuple[float | None, ...]] = {
    "learning_rate": LEARNING_RATES,
    "batch_size": BATCH_SIZES,
    "momentum": MOMENTA,
    "beta1": DECAYS,
    "rho": DECAYS,
    "l2": PENALTIES,
    "l1": PENALTIES,
    "speed": SPEEDS,
}
"""The values each :class:`Nudge` walks through, smallest first (speed: None = flat out,
last)."""


@dataclass(frozen=True)
class Command:
    """The base of every command; ``RECORDED`` is true for those a recording keeps."""

    RECORDED: ClassVar[bool] = False


# -- commands that change training (recorded) -------------------------------------------------
@dataclass(frozen=True)
class Run(Command):
    """Train continuously (True), pause (False) or toggle (None)."""

    RECORDED: ClassVar[bool] = True
    on: bool | None = None


@dataclass(frozen=True)
class Step(Command):
    """Train ``count`` mini-batches, then pause."""

    RECORDED: ClassVar[bool] = True
    count: int = 1


@dataclass(frozen=True)
class Epoch(Command):
    """Train to the end of the current epoch."""

    RECORDED: ClassVar[bool] = True


@dataclass(frozen=True)
class Reset(Command):
    """Fresh weights from the same seed."""

    RECORDED: ClassVar[bool] = True


@dataclass(frozen=True)
class Rewind(Command):
    """Back to the latest earlier checkpoint."""

    RECORDED: ClassVar[bool] = True


@dataclass(frozen=True)
class Nudge(Command):
    """Move hyperparameter ``name`` (or ``speed``) one rung along its ladder (±1);
    ``momentum`` moves whichever decay rate the current optimizer uses (see
    :func:`nudged`)."""

    RECORDED: ClassVar[bool] = True
    name: str
    direction: int


@dataclass(frozen=True)
class SetHyper(Command):
    """Set hyperparameters: name → value."""

    RECORDED: ClassVar[bool] = True
    changes: dict[str, object]


@dataclass(frozen=True)
class Cycle(Command):
    """The next ``optimizer`` or ``hidden`` activation."""

    RECORDED: ClassVar[bool] = True
    what: str


@dataclass(frozen=True)
class AddLayer(Command):
    """One more hidden layer, as wide as the last (new weights)."""

    RECORDED: ClassVar[bool] = True


@dataclass(frozen=True)
class RemoveLayer(Command):
    """Drop the last hidden layer (new weights)."""

    RECORDED: ClassVar[bool] = True


@dataclass(frozen=True)
class Resize(Command):
    """Widen (+1) or narrow (−1) hidden layer ``layer`` by about an eighth (new weights)."""

    RECORDED: ClassVar[bool] = True
    layer: int
    direction: int


@dataclass(frozen=True)
class Configure(Command):
    """Start over from ``config`` (a data set picked in the app)."""

    RECORDED: ClassVar[bool] = True
    config: RunConfig


@dataclass(frozen=True)
class Regenerate(Command):
    """Reload a 2-D data set with ``option`` (``noise``, ``train_ratio``, ``seed``) moved by
    ``change`` (±1), or with ``option`` = ``features`` and ``change`` the new comma list."""

    RECORDED: ClassVar[bool] = True
    option: str
    change: int | str


@dataclass(frozen=True)
class AddRows(Command):
    """Append rows to the training set: ``features`` and ``targets`` (encoded like the
    session's training targets, e.g. one-hot), one tuple per row; the test set is untouched."""

    RECORDED: ClassVar[bool] = True
    features: tuple[tuple[float, ...], ...]
    targets: tuple[tuple[float, ...], ...]

    def __post_init__(self) -> None:  # a recording's JSON gives lists: keep tuples of floats
        for name in ("features", "targets"):
            try:
                rows = tuple(tuple(float(v) for v in row) for row in getattr(self, name))
            except ValueError as error:  # decoding a recording reports TypeErrors
                raise TypeError(f"{name}: {error}") from None
            object.__setattr__(self, name, rows)


# -- commands that do not change training ------------------------------------------------------
@dataclass(frozen=True)
class Select(Command):
    """The neuron the network panel lists the incoming weights of (layer ≥ 1)."""

    layer: int
    neuron: int


@dataclass(frozen=True)
class Samples(Command):
    """Page the predictions panel by ``delta`` samples."""

    delta: int


@dataclass(frozen=True)
class Save(Command):
    """Save the network and hyperparameters to ``path`` (reported by a note)."""

    path: str


@dataclass(frozen=True)
class SetBreakpoints(Command):
    """Pause by itself on these conditions, from the next step on."""

    breakpoints: Breakpoints


@dataclass(frozen=True)
class GradCheck(Command):
    """Check backprop's gradient against finite differences on the next mini-batch."""


@dataclass(frozen=True)
class OverfitBatch(Command):
    """Train a throw-away copy on the next mini-batch alone: can it fit it? (The live session
    is untouched.)"""


@dataclass(frozen=True)
class Inspect(Command):
    """Pause and inspect the next step: training row ``row``, or the mini-batch (None)."""

    row: int | None = None


@dataclass(frozen=True)
class InspectApply(Command):
    """Take exactly the step the inspector showed, then inspect the next one."""

    row: int | None = None


@dataclass(frozen=True)
class LabWeight(Command):
    """Set the weight from neuron ``source`` of the layer below into (layer, neuron)."""

    layer: int
    neuron: int
    source: int
    weight: float


@dataclass(frozen=True)
class LabBias(Command):
    """Set the bias of (layer, neuron)."""

    layer: int
    neuron: int
    bias: float


@dataclass(frozen=True)
class LabToggle(Command):
    """Switch hidden neuron (layer, neuron) off (``on`` False), on (True) or flip it (None);
    without a neuron, the selected one flips."""

    layer: int | None = None
    neuron: int | None = None
    on: bool | None = None


@dataclass(frozen=True)
class Want(Command):
    """Add ``view`` (a name in :data:`backprop_tui.live.ondemand.BUILDERS`), built with
    ``params``, to every snapshot from now on; ``params`` None stops it."""

    view: str
    params: object


@dataclass(frozen=True)
class Quit(Command):
    """Stop the trainer (it finishes its recording first)."""


@dataclass(frozen=True)
class SaveRows(Command):
    """Write the rows added to the training set to ``path`` (``.npz``; reported by a note)."""

    path: str


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



def nudged(name: str, optimizer: str) -> str:
    """The hyperparameter a :class:`Nudge` of ``name`` moves under ``optimizer``:
    ``momentum`` means the optimizer's first decay rate (μ for momentum and Nesterov, β₁ for
    Adam, ρ for RMSprop); plain SGD has none, which raises BackpropError."""
    if name != "momentum":
        return name
    if not (uses := OPTIMIZERS[optimizer].uses):
        raise BackpropError(f"{optimizer} has no momentum or decay rate: nothing changed "
                            "(o picks another optimizer)")
    return uses[0]
