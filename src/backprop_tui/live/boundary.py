"""The decision-boundary payload: the network's output (or one hidden neuron's activation)
over the 2-D data sets' square, every hidden neuron's activation on a small grid, the data
points and the test figures, built in the trainer while the boundary screen is open.

Sizes are bounded: at most MAX_COLS × MAX_ROWS grid points, THUMB × THUMB for each of at most
MAX_THUMBNAILS neurons per layer, and MAX_POINTS data points.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from backprop_tui.data.toy2d import EXTENT, PLAIN, feature_map, parse_features
from backprop_tui.engine import TrainingSession
from backprop_tui.errors import BackpropError
from backprop_tui.live.config import RunConfig
from backprop_tui.live.snapshot import frozen

MAX_COLS = 96
MAX_ROWS = 64
MAX_POINTS = 1000
"""Data points sent (train first, then test)."""
THUMB = 12
"""Each hidden neuron's small heatmap is THUMB × THUMB grid points."""
MAX_THUMBNAILS = 64
"""Neurons per layer with a small heatmap (the first ones)."""
NOISE_STEP, NOISE_RANGE = 0.05, (0.0, 0.5)
RATIO_STEP, RATIO_RANGE = 0.1, (0.1, 0.9)
LEVELS = (1.0, 0.5, 0.0, -0.5, -1.0)
"""The values a point of a regression set can be placed with (its data ranges about ±1)."""


@dataclass(frozen=True)
class BoundaryRequest:
    """What the boundary screen asks for: a grid size, a unit and the discretize switch."""

    cols: int = 48
    rows: int = 32
    unit: int = 0
    """0: the output; k ≥ 1: the k-th hidden neuron, counting layer by layer."""
    discretize: bool = False


class Choice(NamedTuple):
    """One kind of point that can be placed: its name, its target row and its colour's
    class (as the plane draws points)."""

    name: str
    target: tuple[float, ...]
    colour: int


def choices(session: TrainingSession) -> tuple[Choice, ...]:
    """What can be placed: one point per class, or a regression set's LEVELS (one output);
    none for other targets."""
    dataset, outputs = session.dataset, session.y_test.shape[1]
    if dataset.task == "classes":
        names = dataset.labels or tuple(f"class {k}" for k in range(outputs))
        targets = [tuple(float(v) for v in row) for row in np.eye(outputs)]
    elif dataset.task == "regression" and outputs == 1:
        names, targets = tuple(f"value {v:+g}" for v in LEVELS), [(v,) for v in LEVELS]
    else:
        return ()
    colours = point_classes(session, np.array(targets))
    return tuple(Choice(name, target, int(colour))
                 for name, target, colour in zip(names, targets, colours, strict=True))


@dataclass(frozen=True)
class Boundary:
    """What the boundary screen draws."""

    values: np.ndarray
    """rows × cols, read-only; row 0 is the top (y = +extent), column 0 the left."""
    extent: float
    points: np.ndarray
    """n × 4, read-only: x, y, class (0 blue, 1 orange), is_test (0 or 1)."""
    unit: int
    """Which unit the values are (0 the output; see BoundaryRequest.unit)."""
    units: int
    """How many units there are to cycle through (the output and every hidden neuron)."""
    label: str
    """Which unit, in words, e.g. ``output: P(blue) − 0.5`` or ``layer 1, neuron 3``."""
    scale: float
    """Where the colour scale saturates (1 when discretized)."""
    discretize: bool
    features: tuple[str, ...] = ()
    """The input features the network sees (2-D sets; empty for other 2-input data)."""
    thumbnails: tuple[np.ndarray, ...] = ()
    """Per hidden layer, read-only: neurons × THUMB × THUMB activations over the plane (rows
    from the top, as ``values``), at most MAX_THUMBNAILS neurons."""
    step: int = 0
    """The step whose weights these are."""
    test: tuple[tuple[str, float], ...] = ()
    """(name, value) on the test set at that step: ``cost``, then the task's metrics."""
    classes: np.ndarray | None = None
    """rows × cols, read-only, for an output of more than 2 classes: the most likely class at
    each pixel (``values`` is then its probability)."""
    choices: tuple[Choice, ...] = ()
    """The kinds of training point that can be placed (see :func:`choices`)."""
    train_points: int = 0
    """How many training points there are (``points`` holds at most MAX_POINTS)."""


def pixel_centres(cols: int, rows: int, extent: float = EXTENT) -> np.ndarray:
    """The (rows·cols) × 2 points at the grid's pixel centres, row by row from the top."""
    xs = -extent + (np.arange(cols) + 0.5) * (2 * extent / cols)
    ys = extent - (np.arange(rows) + 0.5) * (2 * extent / rows)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return np.column_stack([grid_x.ravel(), grid_y.ravel()])


def hidden_unit(sizes: tuple[int, ...], unit: int) -> tuple[int, int] | None:
    """(layer, neuron) of hidden unit ``unit`` (≥ 1, counting layer by layer), None if none."""
    index = unit - 1
    for layer, size in enumerate(sizes[1:-1], start=1):
        if 0 <= index < size:
            return layer, index
        index -= size
    return None


def _output_values(session: TrainingSession, output: np.ndarray
                   ) -> tuple[np.ndarray, str, float, np.ndarray | None]:
    """The output as one signed value per point (positive: class 0, drawn blue); for more
    than 2 classes, the top probability and (last) the class it belongs to."""
    net, labels = session.network, session.dataset.labels
    if output.shape[1] > 2:
        return output.max(axis=1), "output: likeliest class, shade its P", 1.0, \
            output.argmax(axis=1)
    name = labels[0] if labels else "class 0"
    if net.loss.output.name in ("softmax", "sigmoid"):
        return output[:, 0] - 0.5, f"output: P({name}) − 0.5", 0.5, None
    return output[:, 0], "output value", float(np.nanmax(np.abs(output[:, 0]), initial=0.0)), \
        None


def point_classes(session: TrainingSession, y: np.ndarray) -> np.ndarray:
    """Each row's class: the argmax for several outputs, else 0 above the midpoint."""
    if y.shape[1] > 1:
        return np.asarray(y.argmax(axis=1))
    middle = 0.5 if session.network.loss.output.name in ("softmax", "sigmoid") else 0.0
    return np.where(y[:, 0] > middle, 0, 1)


def features_of(session: TrainingSession) -> tuple[str, ...]:
    """The input features of a 2-D set's session; () when its data set has no raw points."""
    dataset = session.dataset
    if dataset.points is None:
        return ()
    return parse_features(str(dataset.options.get("features", PLAIN)))


def on_plane(session: TrainingSession) -> bool:
    """Whether ``session`` has a boundary to draw: a 2-D set, or 2 inputs."""
    return bool(features_of(session)) or session.network.sizes[0] == 2


def _points(session: TrainingSession) -> np.ndarray:
    raw = session.dataset.points or (session.x_train[:, :2], session.x_test[:, :2])
    parts = [np.column_stack([x, point_classes(session, y), np.full(len(x), test)])
             for x, y, test in ((raw[0], session.y_train, 0), (raw[1], session.y_test, 1))]
    return frozen(np.concatenate(parts)[:MAX_POINTS])


def build_boundary(session: TrainingSession, request: BoundaryRequest) -> Boundary:
    """The boundary of ``session`` (see :func:`on_plane`) as ``request`` asks for it."""
    net = session.network
    cols = max(1, min(MAX_COLS, request.cols))
    rows = max(1, min(MAX_ROWS, request.rows))
    units = 1 + sum(net.sizes[1:-1])
    unit = request.unit % units
    features = features_of(session)
    with np.errstate(all="ignore"):
        where, classes = hidden_unit(net.sizes, unit), None
        if where is None:
            values, label, scale, classes = _output_values(
                session, net.predict(_plane(cols, rows, features)))
        else:
            layer, neuron = where
            activations = net.forward(_plane(cols, rows, features)).a[layer]
            values = np.array(activations[:, neuron], dtype=np.float64)
            label = f"layer {layer}, neuron {neuron} ({net.hidden.name})"
            scale = float(np.nanmax(np.abs(values), initial=0.0))
        thumbnails = _thumbnails(session, features)
        test = tuple(session.evaluate("test").items())
    if request.discretize:
        values, scale = np.sign(values), 1.0
    return Boundary(frozen(values.reshape(rows, cols)), EXTENT, _points(session), unit, units,
                    label, scale, request.discretize, features, thumbnails,
                    session.step_count, test,
                    None if classes is None else frozen(classes.reshape(rows, cols)),
                    choices(session), len(session.x_train))


def _plane(cols: int, rows: int, features: tuple[str, ...]) -> np.ndarray:
    """The network's inputs at the pixel centres of a ``cols`` × ``rows`` grid."""
    centres = pixel_centres(cols, rows)
    return feature_map(centres, features) if features else centres


def _thumbnails(session: TrainingSession, features: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    """Every hidden layer's first MAX_THUMBNAILS neurons over a THUMB × THUMB grid."""
    trace = session.network.forward(_plane(THUMB, THUMB, features))
    return tuple(frozen(a[:, :MAX_THUMBNAILS].T.reshape(-1, THUMB, THUMB))
                 for a in trace.a[1:-1])


def toggle_feature(features: tuple[str, ...], name: str) -> tuple[str, ...]:
    """``features`` with ``name`` added or removed; ValueError for the last one."""
    if features == (name,):
        raise ValueError(f"{name} is the only input feature left: add another first")
    kept = [feature for feature in features if feature != name]
    return parse_features(kept if len(kept) < len(features) else [*features, name])


def changed_options(options: dict[str, object], change: str, direction: int | str
                    ) -> dict[str, object]:
    """The data options with ``change`` (``noise``, ``train_ratio`` or ``seed``) moved one
    step in ``direction``, within bounds; for ``features``, ``direction`` is the new comma
    list."""
    if change == "features":
        return {**options, "features": ",".join(parse_features(str(direction)))}
    current = options.get(change)
    if not isinstance(current, int | float):
        raise ValueError(f"this data set has no {change} option")
    if change == "seed":
        return {**options, "seed": int(current) + 1}
    step, (low, high) = (NOISE_STEP, NOISE_RANGE) if change == "noise" else \
        (RATIO_STEP, RATIO_RANGE)
    value = current + int(direction) * step
    return {**options, change: round(min(high, max(low, value)), 2)}


def regenerated(config: RunConfig, session: TrainingSession, option: str, change: int | str,
                speed: float | None) -> RunConfig:
    """``config`` for ``session``'s data set with ``option`` changed (see
    :func:`changed_options`), keeping its hidden layers and hyperparameters; the weights
    start afresh."""
    net, dataset = session.network, session.dataset
    try:
        options = changed_options(dataset.options, option, change)
    except ValueError as error:
        raise BackpropError(f"{dataset.name}: {error}") from None
    return replace(
        config, dataset=dataset.name, data_options=options, hidden_sizes=net.sizes[1:-1],
        io_sizes=None, hidden=net.hidden.name, output=net.loss.output.name,
        loss=net.loss.name, init=net.init, dtype=net.dtype.name, hyper=session.hyper,
        weights="", speed=speed)
