"""The boundary of a session fed engineered features: the grid goes through the same map,
the points stay in the plane, and the features command reshapes the first layer."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.data.toy2d import feature_map
from backprop_tui.errors import BackpropError
from backprop_tui.live.boundary import (
    BoundaryRequest,
    build_boundary,
    pixel_centres,
    toggle_feature,
)
from backprop_tui.live.commands import Regenerate, Want
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.trainer import Trainer


def featured_config(name: str = "xor", features: str = "x1,x2,x1x2"):
    config = PRESETS[name].config
    return replace(config, data_options={**config.data_options, "features": features},
                   paused=True)


def test_boundary_grid_goes_through_the_feature_map():
    session, _ = build_session(featured_config())
    session.run(30)
    assert session.network.sizes[0] == 3
    boundary = build_boundary(session, BoundaryRequest(cols=12, rows=8))
    assert boundary.features == ("x1", "x2", "x1x2")
    predicted = session.network.predict(feature_map(pixel_centres(12, 8), "x1,x2,x1x2"))
    np.testing.assert_allclose(boundary.values.ravel(), predicted[:, 0] - 0.5)
    train = boundary.points[boundary.points[:, 3] == 0]
    np.testing.assert_array_equal(train[:, :2], session.dataset.points[0])


def test_features_command_reshapes_the_first_layer():
    trainer = Trainer(replace(PRESETS["circle"].config, paused=True))
    sizes, hyper = trainer.session.network.sizes, trainer.session.hyper
    trainer.apply(Want("boundary", BoundaryRequest(cols=10, rows=8)))
    trainer.apply(Regenerate("features", "x1x2,x1,x2"))
    net = trainer.session.network
    assert net.sizes == (3, *sizes[1:]) and trainer.session.hyper == hyper
    assert trainer.message == (f"inputs x1, x2, x1x2: first layer now 3→{sizes[1]}, "
                               "weights re-initialised")
    assert trainer.snapshot().boundary.features == ("x1", "x2", "x1x2")
    trainer.apply(Regenerate("features", "x1^2"))
    assert trainer.session.network.sizes[0] == 1 and trainer.snapshot().boundary is not None
    with pytest.raises(BackpropError, match="unknown feature"):
        trainer.apply(Regenerate("features", "x3"))
    assert trainer.session.network.sizes[0] == 1


def test_toggle_feature():
    assert toggle_feature(("x1", "x2"), "x1x2") == ("x1", "x2", "x1x2")
    assert toggle_feature(("x1", "x2"), "x1") == ("x2",)
    with pytest.raises(ValueError, match="only input feature"):
        toggle_feature(("x2",), "x2")
