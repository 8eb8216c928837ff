"""Layer sizes as people write them: ``8-12-12-4`` (inputs, hidden…, outputs)."""

from __future__ import annotations

from collections.abc import Sequence

from backprop_tui.errors import BackpropError

MAX_WIDTH = 100_000


def parse_sizes(spec: str | Sequence[int]) -> tuple[int, ...]:
    """``"8-12-12-4"`` (or ``[8, 12, 12, 4]``) → ``(8, 12, 12, 4)``: inputs, hidden…, outputs."""
    if isinstance(spec, str):
        parts = [p.strip() for p in spec.replace(",", "-").replace("x", "-").split("-")]
        if not all(p.isdigit() for p in parts):
            raise BackpropError(
                f"bad architecture {spec!r}: write layer sizes separated by dashes, e.g. 8-12-12-4"
            )
        sizes = tuple(int(p) for p in parts)
    else:
        sizes = tuple(int(s) for s in spec)
    if len(sizes) < 2:
        raise BackpropError(f"architecture {spec!r} needs at least an input and an output size")
    if not all(1 <= s <= MAX_WIDTH for s in sizes):
        raise BackpropError(f"architecture {spec!r}: every layer needs 1 to {MAX_WIDTH} neurons")
    return sizes


def format_sizes(sizes: Sequence[int]) -> str:
    return "-".join(str(s) for s in sizes)
