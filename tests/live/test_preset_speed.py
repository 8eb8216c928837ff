"""Every 2-D preset makes its point in the app's first 10 s: ≥ 95 % test accuracy in 3,000 steps."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sklearn.metrics import accuracy_score

from backprop_tui.live.config import PRESETS, build_session

STEPS = 3000
"""The first 10 s at the app's default pace of 300 steps per second."""


@pytest.mark.parametrize("seed", [0, 1])  # seeds 2–4 pass too (checked headless)
@pytest.mark.parametrize("name", ["circle", "xor", "gauss", "spiral", "moons"])
def test_two_d_preset_learns_within_ten_seconds(name, seed):
    config = PRESETS[name].config
    assert config.speed == 300
    session, _ = build_session(replace(config, seed=seed))
    session.run(STEPS)
    predicted = session.network.predict(session.x_test).argmax(axis=1)
    assert accuracy_score(session.y_test.argmax(axis=1), predicted) >= 0.95
