"""Editing a session's training rows by hand: add, remove, clear. The test set never
changes, the weights stay, and the epoch starts a fresh shuffled pass over the rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from backprop_tui.errors import BackpropError

if TYPE_CHECKING:
    from backprop_tui.engine.hyper import Hyperparameters


class NoTrainingRows(BackpropError):
    """Raised instead of a step when every training row has been removed."""


class EditableRows:
    """The row edits of :class:`~backprop_tui.engine.session.TrainingSession`."""

    x_train: np.ndarray
    y_train: np.ndarray
    hyper: Hyperparameters

    def _split(self, hyper: Hyperparameters) -> None:
        raise NotImplementedError

    def _restart_epoch(self) -> None:
        raise NotImplementedError

    def add_rows(self, X: np.ndarray, Y: np.ndarray) -> None:
        """Append training rows: inputs ``X`` (n × inputs) and targets ``Y`` encoded like
        the training targets (n × outputs). The test set is untouched, the weights stay and
        the epoch starts a fresh shuffled pass over the new rows."""
        x = np.asarray(X, dtype=self.x_train.dtype)
        y = np.asarray(Y, dtype=self.y_train.dtype)
        inputs, outputs = self.x_train.shape[1], self.y_train.shape[1]
        if x.ndim != 2 or x.shape[1] != inputs or y.shape != (len(x), outputs):
            raise BackpropError(f"rows need {inputs} inputs, {outputs} targets; got {x.shape}, "
                                f"{y.shape}")
        self._set_training_rows(np.concatenate([self.x_train, x]),
                                np.concatenate([self.y_train, y]))

    def remove_rows(self, indices: np.ndarray | list[int]) -> None:
        """Remove the training rows at ``indices`` (into :attr:`x_train`); the test set is
        untouched, the weights stay and the epoch starts a fresh pass over the rows left."""
        rows = np.asarray(indices, dtype=np.intp).ravel()
        if len(rows) and (rows.min() < 0 or rows.max() >= len(self.x_train)):
            raise BackpropError(f"training rows are numbered 0 to {len(self.x_train) - 1}, "
                                f"not {rows.min()} to {rows.max()}")
        keep = np.ones(len(self.x_train), dtype=bool)
        keep[rows] = False
        self._set_training_rows(self.x_train[keep], self.y_train[keep])

    def clear_rows(self) -> None:
        """Remove every training row: steps raise :class:`NoTrainingRows` until rows are
        added."""
        self.remove_rows(np.arange(len(self.x_train)))

    def _set_training_rows(self, x: np.ndarray, y: np.ndarray) -> None:
        """Train on rows ``x``, ``y`` from the next step (new arrays: copies share the old
        ones); a split that cannot be made leaves everything as it was."""
        old = self.x_train, self.y_train
        self.x_train, self.y_train = x, y
        try:
            self._split(self.hyper)
        except BackpropError:
            self.x_train, self.y_train = old
            raise
        self._restart_epoch()
