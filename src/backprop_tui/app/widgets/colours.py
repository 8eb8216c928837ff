"""Colour and number helpers shared by the network widgets.

The diverging scale follows TensorFlow Playground: negative → orange, zero → near-white,
positive → blue.
"""

from __future__ import annotations

import math
from functools import lru_cache

NEGATIVE = "#f59322"
POSITIVE = "#0877bd"
NEUTRAL = "#e8eaeb"
NOT_A_NUMBER = "#c026d3"
"""Magenta, outside the scale, so a NaN never passes for a plausible value."""
LEVELS = 64
"""Steps between neutral and either end: finer than the eye can tell, few enough to cache."""


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


@lru_cache(maxsize=4096)
def _mix(start: str, end: str, level: int) -> str:
    """``level`` / LEVELS of the way from ``start`` to ``end``."""
    t = level / LEVELS
    r, g, b = (round(s + (e - s) * t) for s, e in zip(_rgb(start), _rgb(end), strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _blend(level: int, neutral: str) -> str:
    return _mix(neutral, POSITIVE if level >= 0 else NEGATIVE, abs(level))


CLASS_COLOURS = (POSITIVE, NEGATIVE, "#2ca02c", "#8e44ad", "#d62728", "#17becf",
                 "#e377c2", "#8c564b", "#bcbd22", "#7f7f7f")
"""One colour per class, in the order of backprop_tui.data.shapes2d.COLOURS (blue, orange,
green, purple, red, teal), then pink, brown, olive and grey for up to 10 classes (digits);
two classes keep Playground's blue and orange."""


def class_hue(cls: int) -> str:
    """Class ``cls``'s colour at full strength."""
    return CLASS_COLOURS[cls % len(CLASS_COLOURS)]


def class_colour(cls: int, strength: float) -> str:
    """``#rrggbb`` for class ``cls``'s colour at ``strength`` (0 neutral … 1 full)."""
    if math.isnan(strength):
        return NOT_A_NUMBER
    level = round(max(0.0, min(1.0, strength)) * LEVELS)
    return _mix(NEUTRAL, class_hue(cls), level)


def diverging_colour(value: float, scale: float, neutral: str = NEUTRAL) -> str:
    """``#rrggbb`` for ``value`` on an orange–``neutral``–blue scale saturating at ±``scale``."""
    if math.isnan(value):
        return NOT_A_NUMBER
    if scale > 0 and math.isfinite(scale):
        t = max(-1.0, min(1.0, value / scale))
    else:
        t = 0.0 if value == 0 else math.copysign(1.0, value)
    return _blend(round(t * LEVELS), neutral)


def sign_colour(value: float) -> str:
    """Blue for positive, orange for negative, neutral for zero, magenta for NaN."""
    if math.isnan(value):
        return NOT_A_NUMBER
    return POSITIVE if value > 0 else NEGATIVE if value < 0 else NEUTRAL


def compact(value: float) -> str:
    """Three significant digits, ``inf``/``-inf``/``nan`` spelled out (e.g. ``-0.0123``)."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    return f"{value:.3g}".replace("e+0", "e+").replace("e-0", "e-")


LAYER_COLOURS = ("#4e9af1", "#f5a623", "#5cc25c", "#c38bf0", "#ef5350", "#26c6da", "#ffd54f",
                 "#f48fb1", "#bdbdbd")
"""One colour per weight layer (the network panel's layer labels, the health plots' lines):
blue, orange, green, lilac, red, teal, yellow, pink, grey, then again."""


def layer_colour(layer: int) -> str:
    """``#rrggbb`` of weight layer ``layer`` (0 = the first weights, into hidden layer 1)."""
    return LAYER_COLOURS[layer % len(LAYER_COLOURS)]
