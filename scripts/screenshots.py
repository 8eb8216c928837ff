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
SHOTS = [("adder", 1500, (120, 40)), ("digits", 400, (120, 40)), ("adder", 1500, (80, 24))]


async def shoot(preset: str, steps: int, size: tuple[int, int]) -> Path:
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
        name = f"{preset}-{size[0]}x{size[1]}.svg"
        app.save_screenshot(name, str(ASSETS))
    return ASSETS / name


def main() -> None:
    ASSETS.mkdir(exist_ok=True)
    for preset, steps, size in SHOTS:
        print(asyncio.run(shoot(preset, steps, size)))


if __name__ == "__main__":
    main()
