"""Training points placed and removed by hand (the boundary screen's clicks and keys), and a
2-D set written as CSV.

Only the training rows change: the test set stays as it was split, so the test figures stay
honest. A 2-D set's raw points (``Dataset.points``) follow its training rows, so the plane
shows them and a CSV file holds them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from backprop_tui.data.toy2d import feature_map
from backprop_tui.engine import TrainingSession
from backprop_tui.errors import BackpropError
from backprop_tui.live import drawing
from backprop_tui.live.boundary import features_of
from backprop_tui.live.commands import (
    AddRows,
    ClearRows,
    Command,
    RemoveNearest,
    SavePoints,
    SaveRows,
)
from backprop_tui.live.runfile import write_csv

if TYPE_CHECKING:
    from backprop_tui.live.trainer import Trainer

NO_POINTS = "no training points: place some with a click or Enter on the boundary screen (h)"
ROW_COMMANDS = (AddRows, RemoveNearest, ClearRows, SavePoints, SaveRows)
"""The commands that edit or save the training rows (see :func:`carry_out`)."""
SPLIT = "split"
"""The CSV column saying whether a row is a ``train`` or a ``test`` row."""


def plane_points(session: TrainingSession) -> np.ndarray:
    """The training points on the plane: a 2-D set's raw (x₁, x₂), else the first two
    inputs."""
    points = session.dataset.points
    return points[0] if points is not None else session.x_train[:, :2]


def _with_points(session: TrainingSession, train: np.ndarray) -> None:
    """Keep a 2-D set's raw training points in step with its training rows."""
    if (points := session.dataset.points) is not None:
        session.dataset = replace(session.dataset, points=(train, points[1]))


def _name(session: TrainingSession, target: np.ndarray) -> str:
    if session.dataset.task == "classes":
        labels = session.dataset.labels
        k = int(np.argmax(target))
        return labels[k] if k < len(labels) else f"class {k}"
    return f"value {float(target[0]):+g}"


def add(session: TrainingSession, features: np.ndarray, targets: np.ndarray) -> str:
    """Add training points to a 2-D set: ``features`` are points (x₁, x₂), fed through its
    input features; says what was added."""
    points = session.dataset.points
    if points is None:  # carry_out sends other data sets' rows to drawing.add_rows
        raise BackpropError("points are placed on the 2-D data sets only")
    if features.shape[1] != 2:
        raise BackpropError(f"a point on the plane is (x₁, x₂), not {features.shape[1]} values")
    session.add_rows(feature_map(features, features_of(session)), targets)
    _with_points(session, np.concatenate([points[0], features]))
    where = f" at ({features[0, 0]:.2f}, {features[0, 1]:.2f})" if len(features) == 1 else ""
    what = f"a {_name(session, targets[0])} point{where}" if len(features) == 1 else \
        f"{len(features)} points"
    return f"added {what}: {_count(session)}"


def remove_nearest(session: TrainingSession, x: float, y: float) -> str:
    """Remove the training point nearest to (x, y) on the plane; says which."""
    points = plane_points(session)
    if not len(points):
        raise BackpropError("there are no training points left to remove")
    nearest = int(np.argmin(((points - [x, y]) ** 2).sum(axis=1)))
    name = _name(session, session.y_train[nearest])
    px, py = points[nearest]
    session.remove_rows([nearest])
    _with_points(session, np.delete(points, nearest, axis=0))
    return f"removed the {name} point at ({px:.2f}, {py:.2f}): {_count(session)}"


def clear(session: TrainingSession) -> str:
    """Remove every training point."""
    removed = len(session.x_train)
    if not removed:
        raise BackpropError("there are no training points left to remove")
    session.clear_rows()
    _with_points(session, plane_points(session)[:0])
    return f"removed all {removed} training points (test set unchanged); {NO_POINTS}"


def _count(session: TrainingSession) -> str:
    return f"{len(session.x_train)} training points, test set unchanged"


def save_points(session: TrainingSession, path: str) -> str:
    """Write the 2-D set's points as CSV, atomically: x1, x2, the class name (or value) and
    SPLIT (``train`` or ``test``), the training rows as edited, then the test rows. Read it
    back with ``--dataset csv:PATH``."""
    dataset = session.dataset
    if dataset.points is None:
        raise BackpropError("only the 2-D data sets can save their points as CSV")
    classes = dataset.task == "classes"
    rows: list[list[object]] = []
    for split, raw, y in (("train", dataset.points[0], session.y_train),
                          ("test", dataset.points[1], session.y_test)):
        targets = [dataset.labels[k] for k in y.argmax(axis=1)] if classes else \
            [float(v) for v in y[:, 0]]
        rows += [[float(a), float(b), t, split] for (a, b), t in zip(raw, targets, strict=True)]
    written = write_csv(path, ["x1", "x2", "class" if classes else "value", SPLIT], rows)
    return (f"wrote {len(dataset.points[0])} training and {len(dataset.points[1])} test points "
            f"to {written} (load with --dataset csv:{Path(written)})")


def _rows(values: tuple[tuple[float, ...], ...]) -> np.ndarray:
    """``values`` as an n × k array; BackpropError for none or rows of unequal length."""
    if not values or len({len(row) for row in values}) != 1:
        raise BackpropError("rows to add must be one or more rows of equal length")
    return np.array(values, dtype=float)


def carry_out(trainer: Trainer, command: Command) -> None:
    """Carry out one of ROW_COMMANDS for ``trainer``. Points placed on a 2-D set, removed or
    cleared are marked (and checkpointed) on its timeline and said in its status (clearing
    in a note too); rows added to other data sets (the draw screen's) and saved files are
    said in a note."""
    session = trainer.session
    match command:
        case AddRows(features, targets) if session.dataset.points is None:
            trainer.notes.append(drawing.add_rows(session, trainer.timeline, features,
                                                  targets))
            return
        case AddRows(features, targets):
            message = add(session, _rows(features), _rows(targets))
        case RemoveNearest(x, y):
            message = remove_nearest(session, x, y)
        case ClearRows():
            message = clear(session)
            trainer.notes.append(message)
        case SavePoints(path):
            trainer.notes.append(save_points(session, path))
            return
        case SaveRows(path):
            trainer.notes.append(drawing.save_rows(session, path))
            return
        case _:
            raise BackpropError(f"not a training-rows command: {command!r}")
    trainer.timeline.changed(session, {"train points": len(session.x_train)})
    trainer.message = message
