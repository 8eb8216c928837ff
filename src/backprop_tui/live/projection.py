"""The projection view's data: one layer's activations on the test set, projected to 2-D by
scikit-learn's PCA, beside the input layer's, with how far apart the classes lie.

Only for class data sets; at most VIEW_ROWS test rows (the first ones: all of digits' 539,
the first 2,000 of MNIST's). Forward passes are in evaluation mode: no dropout, switched-off
units stay off.

Orientation: PCA fixes each component only up to its sign, so a frame could mirror the last
one. Each component is turned so that its loading of largest magnitude is positive
(:func:`orient`), which keeps the picture still while the network barely changes.

Separation: tr(S_B) / tr(S_W) of the 2-D points, between-class over within-class spread:
S_B = Σ_k n_k (μ_k − μ)(μ_k − μ)ᵀ, S_W = Σ_i (z_i − μ_{y_i})(z_i − μ_{y_i})ᵀ. 0 when the
classes' centres coincide; it grows as they draw apart relative to their own scatter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop_tui.engine import TrainingSession
from backprop_tui.live.snapshot import frozen
from backprop_tui.live.views import VIEW_ROWS

COMPONENTS = 2
EIGH_UNITS = 1000
"""Up to this many units PCA eigen-decomposes their covariance (exact, and fast for many
rows); wider layers use the randomized solver, seeded."""


@dataclass(frozen=True)
class Projection:
    """One layer's test-set activations in the plane of their first two principal
    components."""

    layer: int
    """0 the inputs, 1 … the hidden layers, the last the output."""
    name: str
    """In words, e.g. ``layer 2 (16 relu units)``."""
    points: np.ndarray
    """rows × 2, read-only: PC1, PC2 (oriented by :func:`orient`)."""
    explained: float
    """The share of the layer's variance the two components hold (0 … 1)."""
    separation: float
    """Between-class over within-class spread of ``points`` (see the module docstring)."""


@dataclass(frozen=True)
class Projections:
    """What the projection screen draws: the inputs and one chosen layer, same rows."""

    step: int
    rows: int
    """Test rows projected (the first ones)."""
    test_rows: int
    classes: np.ndarray
    """Each row's true class (integers), read-only."""
    labels: tuple[str, ...]
    inputs: Projection
    chosen: Projection
    layers: int
    """How many layers can be chosen: the hidden layers and the output, numbered 1 …"""


def orient(points: np.ndarray, components: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``points`` and ``components`` with each component's sign turned so that its loading
    of largest magnitude is positive."""
    largest = components[np.arange(len(components)), np.abs(components).argmax(axis=1)]
    signs = np.where(largest < 0, -1.0, 1.0)
    return points * signs, components * signs[:, None]


def separation(points: np.ndarray, classes: np.ndarray) -> float:
    """tr(S_B) / tr(S_W) of ``points`` grouped by ``classes`` (inf when every class is a
    single point, nan for no spread at all)."""
    centre = points.mean(axis=0)
    between = within = 0.0
    for cls in np.unique(classes):
        members = points[classes == cls]
        mean = members.mean(axis=0)
        between += len(members) * float(((mean - centre) ** 2).sum())
        within += float(((members - mean) ** 2).sum())
    if within == 0:
        return float("inf") if between > 0 else float("nan")
    return between / within


def project(activations: np.ndarray, classes: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(points, explained share, separation) of ``activations`` (rows × units) by PCA;
    zeros when they have no spread or are not finite (a diverged network)."""
    from sklearn.decomposition import PCA  # loaded when the screen first asks

    data = np.asarray(activations, dtype=np.float64)
    points = np.zeros((len(data), COMPONENTS))
    if not np.isfinite(data).all() or len(data) < 2 or not data.var(axis=0).any():
        return points, 0.0, float("nan")
    count = min(COMPONENTS, data.shape[1])
    solver = "covariance_eigh" if data.shape[1] <= EIGH_UNITS else "randomized"
    pca = PCA(n_components=count, svd_solver=solver, random_state=0)
    fitted, _ = orient(pca.fit(data).transform(data), pca.components_)
    points[:, :count] = fitted
    return points, float(pca.explained_variance_ratio_.sum()), separation(points, classes)


def layer_name(sizes: tuple[int, ...], layer: int, hidden: str, output: str) -> str:
    """``layer`` of a network of ``sizes`` in words."""
    if layer == 0:
        return f"input layer ({sizes[0]} inputs)"
    if layer == len(sizes) - 1:
        return f"output layer ({sizes[layer]} {output} units)"
    return f"layer {layer} ({sizes[layer]} {hidden} units)"


class InputProjection:
    """The inputs' projection, kept while the test inputs stay the same (they do not change
    as the network trains: MNIST's 784 pixels are the costly layer to project)."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._projection: tuple[np.ndarray, float, float] | None = None

    def __call__(self, inputs: np.ndarray, classes: np.ndarray
                 ) -> tuple[np.ndarray, float, float]:
        key = (inputs.shape, inputs.dtype.str, float(inputs.sum()), classes.tobytes())
        if key != self._key or self._projection is None:
            self._key, self._projection = key, project(inputs, classes)
        return self._projection


def build_projection(session: TrainingSession, layer: int,
                     inputs: InputProjection | None = None) -> Projections | None:
    """The inputs and layer ``layer`` (clamped to 1 … the output) of ``session`` projected,
    the inputs through ``inputs`` when given; None for a data set without classes."""
    dataset, net = session.dataset, session.network
    if dataset.task != "classes":
        return None
    rows = min(VIEW_ROWS, len(session.x_test))
    classes = session.y_test[:rows].argmax(axis=1)
    classes.flags.writeable = False
    layers = len(net.sizes) - 1
    layer = min(max(1, layer), layers)
    with np.errstate(all="ignore"):
        trace = net.forward(session.x_test[:rows])

    def projected(index: int) -> Projection:
        measure = inputs if index == 0 and inputs is not None else project
        points, explained, spread = measure(trace.a[index], classes)
        name = layer_name(net.sizes, index, net.hidden.name, net.loss.output.name)
        return Projection(index, name, frozen(points), explained, spread)

    labels = dataset.labels or tuple(str(k) for k in range(net.sizes[-1]))
    return Projections(session.step_count, rows, len(session.x_test), classes, labels,
                       projected(0), projected(layer), layers)
