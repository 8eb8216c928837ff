"""The augmentation strip: one training image beside a few augmented copies of it and the
network's guess for each, built in the trainer while the augmentation screen is open.

The copies are drawn from a generator of their own (seeded by the run's seed, the row, a
redraw counter and the step rounded down to REDRAW_EVERY), never the one training draws
from, so looking at them changes nothing in the run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.engine import TrainingSession
from backprop_tui.engine.augment import OFF, STREAM, TRANSFORMS, augmented, chosen, levels
from backprop_tui.live.samples import frozen

COPIES = 5
REDRAW_EVERY = 100
"""Steps the copies stay the same for while training, so they can be looked at."""


@dataclass(frozen=True)
class StripRequest:
    """Which training row to show (wrapped around the training set), and ``draw``, a counter
    that asks for new copies."""

    row: int = 0
    draw: int = 0


@dataclass(frozen=True)
class AugmentStrip:
    """A training image, COPIES augmented copies and what the network makes of each."""

    row: int
    """The row of the training set shown."""
    label: str
    """Its class."""
    step: int
    """The step the guesses were made at."""
    drawn: int
    """The step the copies were drawn at."""
    transforms: tuple[str, ...]
    """The transforms the copies show: those training uses, or all of them while it is off."""
    training: bool
    """Whether training augments its batches now."""
    images: tuple[np.ndarray, ...]
    """The original, then the copies, as pixels (0 blank … 1 full) in the image's shape."""
    guesses: tuple[tuple[str, float], ...]
    """The network's most likely class and its probability, for each image."""


def build_strip(session: TrainingSession, request: StripRequest) -> AugmentStrip | None:
    """The strip for ``request``; None unless the training rows are images (and there are
    some: rows added by hand count)."""
    dataset, augment = session.dataset, session.hyper.augment
    shape = dataset.image_shape
    if shape is None or not len(session.x_train):
        return None
    row = request.row % len(session.x_train)
    drawn = session.step_count - session.step_count % REDRAW_EVERY
    shown = augment if augment != OFF else ",".join(TRANSFORMS)
    rng = np.random.default_rng([session.seed, STREAM, row, request.draw, drawn])
    original = session.x_train[row]
    rows = np.vstack([original, augmented(np.tile(original, (COPIES, 1)), dataset, shown, rng)])
    with np.errstate(all="ignore"):
        output = session.network.predict(rows.astype(session.network.dtype))
    best = output.argmax(axis=1)
    labels = dataset.labels or tuple(str(k) for k in range(output.shape[1]))
    blank, full = levels(dataset)
    pixels = (rows - blank) / (full - blank)
    return AugmentStrip(
        row=row, label=labels[int(session.y_train[row].argmax())], step=session.step_count,
        drawn=drawn, transforms=chosen(shown), training=augment != OFF,
        images=tuple(frozen(image.reshape(shape)) for image in pixels),
        guesses=tuple((labels[k], float(output[i, k])) for i, k in enumerate(best)))


def switched(augment: str, transform: str | None) -> str:
    """``augment`` with ``transform`` switched on or off; None switches all of them on when
    augmentation is off, else off."""
    if transform is None:
        return ",".join(TRANSFORMS) if augment == OFF else OFF
    on = set(chosen(augment)) ^ {transform}
    return ",".join(name for name in TRANSFORMS if name in on) or OFF
