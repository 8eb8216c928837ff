"""A bounded time series that keeps the whole run's shape in fixed memory."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class History:
    """Rows of (step, value per column). When full, adjacent rows are averaged in pairs.

    Each stored row then stands for ``stride`` appended rows (the mean of their values, the
    step of the last one), so a million-step run costs the same memory as a short one.
    """

    def __init__(self, columns: Sequence[str], capacity: int = 4096) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be an even number ≥ 2")
        self.columns = tuple(columns)
        self.capacity = capacity
        self.stride = 1
        self._rows = np.zeros((capacity, 1 + len(self.columns)))
        self._size = 0
        self._pending = np.zeros(len(self.columns))
        self._pending_count = 0

    def __len__(self) -> int:
        return self._size

    def append(self, step: int, values: Sequence[float]) -> None:
        if self.stride == 1:
            self._push(step, values)
            return
        self._pending += values
        self._pending_count += 1
        if self._pending_count == self.stride:
            self._push(step, self._pending / self.stride)
            self._pending[:] = 0.0
            self._pending_count = 0

    def _push(self, step: int, values: Sequence[float] | np.ndarray) -> None:
        if self._size == self.capacity:
            rows = self._rows
            half = self.capacity // 2
            steps = rows[1::2, 0].copy()
            rows[:half] = 0.5 * (rows[0::2] + rows[1::2])
            rows[:half, 0] = steps
            self._size = half
            self.stride *= 2
        self._rows[self._size, 0] = step
        self._rows[self._size, 1:] = values
        self._size += 1

    def steps(self) -> np.ndarray:
        """A copy of the step column."""
        return self._rows[: self._size, 0].copy()

    def column(self, name: str) -> np.ndarray:
        """A copy of one value column."""
        return self._rows[: self._size, 1 + self.columns.index(name)].copy()

    def last(self) -> dict[str, float]:
        """The newest stored row by column name (empty if nothing was stored yet)."""
        if not self._size:
            return {}
        row = self._rows[self._size - 1]
        return {"step": float(row[0])} | dict(zip(self.columns, map(float, row[1:]), strict=True))

    def clear(self) -> None:
        self.stride = 1
        self._size = 0
        self._pending[:] = 0.0
        self._pending_count = 0
