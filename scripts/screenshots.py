"""Regenerate the README's screenshots in assets/ (SVG, from a seeded run).

    python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from backprop_tui.app.app import BackpropApp
from backprop_tui.live.backend import ThreadBackend
from backprop_tui.live.commands import Step
from backprop_tui.live.config import PRESETS

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SHOTS = [  # preset, steps, size, keys pressed after the steps, file name's suffix
    ("adder", 1500, (120, 40), "", ""), ("digits", 400, (120, 40), "", ""),
    ("adder", 1500, (80, 24), "", ""), ("adder-post", 3000, (100, 32), "D", "-doctor"),
    ("adder", 1500, (100, 32), "H", "-health"), ("digits", 1500, (100, 32), "j", "-projection"),
    ("digits", 1500, (100, 32), "ti", "-draw"),
]


async def shoot(preset: str, steps: int, size: tuple[int, int], keys: str, suffix: str) -> Path:
    config = replace(PRESETS[preset].config, paused=True)
    backend = ThreadBackend(config)
    backend.start()
    app = BackpropApp(config, backend)
    async with app.run_test(size=size) as pilot:
        while app.snapshot is None:
            await pilot.pause(0.05)
        app.send(Step(steps))
        while app.snapshot.step < steps:
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(1.0)  # a script, not a test: let the screen draw its payload
        name = f"{preset}{suffix}-{size[0]}x{size[1]}.svg"
        app.save_screenshot(name, str(ASSETS))
    return ASSETS / name


def main() -> None:
    ASSETS.mkdir(exist_ok=True)
    for shot in SHOTS:
        print(asyncio.run(shoot(*shot)))


if __name__ == "__main__":
    main()
