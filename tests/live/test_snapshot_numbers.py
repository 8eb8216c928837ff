"""The snapshot's figures against computations written here from the weights and data."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.engine import OPTIMIZERS
from backprop_tui.live.breakpoints import probe_rows
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.snapshot import take_snapshot


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_update_ratio_is_the_step_taken_over_the_weights_after_it(optimizer):
    config = PRESETS["adder"].config
    session, _ = build_session(replace(config, hyper=replace(config.hyper, optimizer=optimizer,
                                                             learning_rate=0.01)))
    assert all(s.update_ratio == 0 for s in take_snapshot(session).layers)  # no step yet
    session.run(20)
    before = [w.copy() for w in session.network.weights]
    session.step()
    after = session.network.weights
    shown = [s.update_ratio for s in take_snapshot(session).layers]
    expected = [np.linalg.norm(a - b) / np.linalg.norm(a)
                for a, b in zip(after, before, strict=True)]
    np.testing.assert_allclose(shown, expected, rtol=1e-9)
    assert all(1e-6 < r < 1 for r in shown)


def test_output_saturation_counts_only_wrong_saturated_outputs():
    session, _ = build_session(PRESETS["adder"].config)
    session.run(300)
    out_layer = take_snapshot(session).layers[-1]
    assert out_layer.output and not any(s.output for s in take_snapshot(session).layers[:-1])
    rows = probe_rows(session)
    a = session.network.predict(session.x_train[rows])
    y = session.y_train[rows]
    saturated = (a < 0.01) | (a > 0.99)
    assert out_layer.inactive == pytest.approx(np.mean(saturated))
    assert out_layer.wrong_saturated == pytest.approx(np.mean(saturated & (abs(a - y) > 0.5)))
