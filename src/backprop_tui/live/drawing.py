"""Draw and ask: the network's answer for a drawing (top-3 classes and every layer's
activations), and the training rows a person adds, saved and read back as ``.npz``.

A drawing is a row of the network's own inputs: image data sets hold pixels in [0, 1] as
their scaling left them (digits: raw 0…16 / 16; MNIST: 0…255 / 255), so the canvas paints
in that scale and a test row pasted onto it is exactly what the network was tested on.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backprop_tui.engine import TrainingSession
from backprop_tui.engine.io import atomic_write
from backprop_tui.errors import BackpropError
from backprop_tui.live.samples import frozen, top_classes
from backprop_tui.live.snapshot import Topology, topology_for
from backprop_tui.live.timeline import Timeline

ROWS_FORMAT = "backprop-tui rows"


@dataclass(frozen=True)
class DrawRequest:
    """What the draw screen asks: the answer for its canvas (row-major pixels), and the
    pixels of test row ``test_row`` to paste."""

    pixels: tuple[float, ...]
    test_row: int | None = None
    serial: int = 0
    """Echoed in the answer, so the screen knows which canvas it answers."""


@dataclass(frozen=True)
class Example:
    """Test row ``row``: its pixels (image-shaped) and its true label."""

    row: int
    label: str
    pixels: np.ndarray


@dataclass(frozen=True)
class Drawing:
    """The network's answer for a drawing, with the weights of ``step``."""

    step: int
    top: tuple[tuple[str, float], ...]
    """The three likeliest classes, (label, probability), likeliest first."""
    topology: Topology
    """The network diagram with the drawing's activations."""
    added: int
    """Rows added to the training set so far."""
    test: Example | None = None
    serial: int = 0


def image_session(session: TrainingSession) -> bool:
    """Whether ``session`` trains on images of classes (what the draw screen needs)."""
    dataset = session.dataset
    return dataset.image_shape is not None and dataset.task == "classes"


def build_drawing(session: TrainingSession, request: DrawRequest) -> Drawing | None:
    """The answer for ``request``'s drawing; None off image data sets or for a canvas of
    another size."""
    if not image_session(session) or len(request.pixels) != session.network.sizes[0]:
        return None
    x = np.asarray(request.pixels, dtype=np.float64)[None, :]
    with np.errstate(all="ignore"):
        output = session.network.predict(x)[0]
    test = None
    dataset = session.dataset
    if request.test_row is not None and 0 <= request.test_row < len(dataset.x_test):
        row = request.test_row
        label = dataset.labels[int(np.argmax(dataset.y_test[row]))]
        assert dataset.image_shape is not None  # image_session
        test = Example(row, label, frozen(dataset.x_test[row].reshape(dataset.image_shape)))
    return Drawing(session.step_count, top_classes(dataset.labels, output),
                   topology_for(session, x), added_count(session), test, request.serial)


def added_count(session: TrainingSession) -> int:
    """How many rows were added to the data set's training rows."""
    return len(session.x_train) - len(session.dataset.x_train)


def add_rows(session: TrainingSession, timeline: Timeline,
             features: tuple[tuple[float, ...], ...], targets: tuple[tuple[float, ...], ...]
             ) -> str:
    """Append the rows to ``session``'s training set, mark the change on the timeline (a
    checkpoint, so a rewind goes back to before it) and say what happened."""
    session.add_rows(np.array(features, dtype=np.float64).reshape(len(features), -1),
                     np.array(targets, dtype=np.float64).reshape(len(targets), -1))
    timeline.changed(session, {"rows": f"+{len(features)}"})
    dataset = session.dataset
    labels = [dataset.labels[int(np.argmax(t))] for t in targets] \
        if dataset.task == "classes" else []
    what = f" labelled {', '.join(labels)}" if 0 < len(labels) <= 3 else ""
    return (f"added {len(features)} row{'s' * (len(features) != 1)}{what} to the training set: "
            f"{len(session.x_train)} training rows ({added_count(session)} added)")


def save_rows(session: TrainingSession, path: str) -> str:
    """Write the added training rows to ``path`` atomically; returns the note saying so."""
    added = added_count(session)
    if not added:
        raise BackpropError("no rows were added to the training set: nothing to save")
    meta = np.array(json.dumps({"format": ROWS_FORMAT, "dataset": session.dataset.name}))
    features, targets = session.x_train[-added:], session.y_train[-added:]
    try:
        atomic_write(path, lambda file: np.savez(file, meta=meta, features=features,
                                                 targets=targets))
    except OSError as error:
        raise BackpropError(f"cannot write {path}: {error.strerror or error}") from None
    return f"saved the {added} added training row{'s' * (added != 1)} to {path}"


def read_rows(path: str, inputs: int, outputs: int) -> tuple[np.ndarray, np.ndarray]:
    """The (features, targets) :func:`save_rows` wrote to ``path``, checked against a
    network of ``inputs`` → ``outputs``; any problem is one BackpropError."""
    try:
        with np.load(Path(path).expanduser(), allow_pickle=False) as archive:
            meta = json.loads(str(archive["meta"]))
            features, targets = archive["features"], archive["targets"]
    except FileNotFoundError:
        raise BackpropError(f"{path}: no such file") from None
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, EOFError):
        raise BackpropError(f"{path}: not a file of added training rows") from None
    if not isinstance(meta, dict) or meta.get("format") != ROWS_FORMAT:
        raise BackpropError(f"{path}: not a file of added training rows")
    if features.ndim != 2 or features.shape[1] != inputs or targets.shape != (
            len(features), outputs):
        raise BackpropError(f"{path} holds rows of {features.shape[-1]} inputs from "
                            f"{meta.get('dataset')!r}; this network takes {inputs}")
    return features, targets
