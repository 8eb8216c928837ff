"""In the app: after divergence the notice's advice, typed as written, trains on."""

from __future__ import annotations

import re
from dataclasses import replace

from backprop_tui.live.config import PRESETS

from .conftest import make_app, started, wait_for

ADVICE = re.compile(r"diverged at step \d+: .* — weights restored to step \d+; lower the "
                    r"learning rate to ([\d.e-]+): press - (once|(\d+) times), then space")


async def test_digits_at_lr_10_recovers_with_the_keys_the_notice_names():
    hyper = replace(PRESETS["digits"].config.hyper, learning_rate=10.0)
    app = make_app("digits", hyper=hyper)  # --dataset digits --lr 10
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.snapshot.status == "diverged")
        notice = ADVICE.fullmatch(app.snapshot.message)
        assert notice, app.snapshot.message
        assert any(n.message == app.snapshot.message for n in app._notifications)
        presses = 1 if notice[2] == "once" else int(notice[3])
        for _ in range(presses):
            await pilot.press("minus")
        await wait_for(pilot, lambda: app.snapshot.hyper.learning_rate == float(notice[1]))
        start = app.snapshot.step
        await pilot.press("space")
        await wait_for(pilot, lambda: app.snapshot.step >= start + 50
                       or app.snapshot.status == "diverged")
        assert app.snapshot.status == "running" and app.snapshot.step >= start + 50
