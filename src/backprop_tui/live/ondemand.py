"""Data built only while the UI asks for it: ``Want(view, params)`` adds ``view``'s payload
to every snapshot's ``extras`` until ``Want(view, None)``.

A new view is a builder here and one line in :data:`BUILDERS`; its widget reads
``snapshot.extras[view]``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backprop_tui.engine import TrainingSession
from backprop_tui.errors import BackpropError
from backprop_tui.live.augment import AugmentStrip, StripRequest, build_strip
from backprop_tui.live.boundary import Boundary, BoundaryRequest, build_boundary, on_plane
from backprop_tui.live.drawing import Drawing, DrawRequest, build_drawing
from backprop_tui.live.health import HealthHistory, HealthSeries
from backprop_tui.live.projection import InputProjection, Projections, build_projection
from backprop_tui.live.views import InitialWeights, Views, build_views


@dataclass
class Memo:
    """What builders keep from one snapshot to the next (one per trainer)."""

    initial_weights: InitialWeights = field(default_factory=InitialWeights)
    inputs_projected: InputProjection = field(default_factory=InputProjection)
    health: HealthHistory = field(default_factory=HealthHistory)
    """Recorded by the trainer after each step (see :meth:`Trainer.train_step`)."""


@dataclass(frozen=True)
class Evaluation:
    """Train and test metrics of the weights at ``step``, answering the request ``tag`` (a
    race tells its runs' answers from older snapshots by it)."""

    tag: int
    step: int
    train: dict[str, float]
    test: dict[str, float]


def evaluation(session: TrainingSession, memo: Memo, tag: int) -> Evaluation:
    """The session's final-weights metrics on both splits, tagged ``tag``."""
    return Evaluation(tag, session.step_count, session.evaluate("train"),
                      session.evaluate("test"))


def views(session: TrainingSession, memo: Memo, params: object) -> Views:
    """The classification views (``params``: any but None)."""
    return build_views(session, memo.initial_weights(session))


def boundary(session: TrainingSession, memo: Memo, request: BoundaryRequest) -> Boundary | None:
    """The decision boundary as ``request`` asks for it; None off the plane."""
    return build_boundary(session, request) if on_plane(session) else None


def projection(session: TrainingSession, memo: Memo, layer: int) -> Projections | None:
    """The inputs and layer ``layer`` projected by PCA; None without classes."""
    return build_projection(session, layer, memo.inputs_projected)


def draw(session: TrainingSession, memo: Memo, request: DrawRequest) -> Drawing | None:
    """The network's answer for a drawing; None off image data sets."""
    return build_drawing(session, request)


def health(session: TrainingSession, memo: Memo, points: int) -> HealthSeries:
    """The per-layer health history, at most ``points`` rows (the plot's width)."""
    return memo.health.view(session.step_count, points)


def augment_strip(session: TrainingSession, memo: Memo, request: StripRequest
                  ) -> AugmentStrip | None:
    """A training image and augmented copies of it; None unless the rows are images."""
    return build_strip(session, request)


Builder = Callable[[TrainingSession, Memo, Any], object | None]
"""(session, memo, params) → the payload, or None when there is nothing to show."""
BUILDERS: dict[str, Builder] = {"views": views, "boundary": boundary,
                               "projection": projection, "draw": draw,
                               "evaluation": evaluation, "health": health,
                               "augment": augment_strip}


def want(wanted: dict[str, object], view: str, params: object) -> None:
    """Record in ``wanted`` that ``view`` is wanted with ``params`` (None: no longer)."""
    if view not in BUILDERS:
        raise BackpropError(f"unknown view {view!r}; there are: {', '.join(BUILDERS)}")
    if params is None:
        wanted.pop(view, None)
    else:
        wanted[view] = params


def build_extras(session: TrainingSession, memo: Memo, wanted: Mapping[str, object],
                 reuse: Mapping[str, object]) -> dict[str, object]:
    """Each wanted view's payload, taken from ``reuse`` where that has one."""
    extras = {}
    for view, params in wanted.items():
        payload = reuse.get(view)
        if payload is None:
            payload = BUILDERS[view](session, memo, params)
        if payload is not None:
            extras[view] = payload
    return extras
