"""The test set's confusion matrix (rows true class, columns predicted), counts on a heat
colour: blue for right answers, orange for mistakes, darker for fewer; per-bit accuracy for
bit outputs and a note for regression."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.widgets import Static

from backprop_tui.app.widgets.colours import diverging_colour
from backprop_tui.live.snapshot import Snapshot
from backprop_tui.live.views import Views

DARK = "#1e1e1e"
"""The heat scale's zero: empty cells stay dark."""
WAITING = "waiting for the trainer's views…"


def first_fitting(texts: list[str], width: int) -> str:
    """The first of ``texts`` (longest first) that fits ``width`` cells, else the last."""
    return next((text for text in texts if len(text) <= width), texts[-1])


def _cell(count: int, share: float, right: bool, width: int) -> Text:
    if not count:
        return Text(" " * (width - 1) + "·", style="dim")
    colour = diverging_colour(share if right else -share, 1.0, neutral=DARK)
    return Text(f"{count:>{width}}", style=f"bold #ffffff on {colour}")


def confusion_text(views: Views, room: int = 80) -> Text:
    """The matrix with a header of predicted labels, each row its true label first: roomy
    cells where ``room`` columns allow, else as narrow as the counts and labels."""
    matrix = views.confusion
    assert matrix is not None
    labels = views.labels
    narrow = max(len(str(int(matrix.max(initial=0)))), *map(len, labels)) + 1
    label_width = max(4, *map(len, labels))
    width = max(4, narrow + 1)
    if label_width + 1 + width * len(labels) > room:
        label_width, width = max(map(len, labels)), narrow
    lines = [Text(first_fitting(["rows: true class · columns: predicted",
                                 "rows: true · columns: predicted"], room), style="dim"),
             Text.assemble(" " * (label_width + 1),
                           *((f"{label:>{width}}", "bold") for label in labels))]
    totals = np.maximum(matrix.sum(axis=1), 1)
    for i, label in enumerate(labels):
        cells = [_cell(int(c), c / totals[i], i == j, width) for j, c in enumerate(matrix[i])]
        lines.append(Text.assemble((f"{label:>{label_width}} ", "bold"), *cells))
    right = int(np.trace(matrix))
    lines.append(Text(f"{right} of {views.rows} test rows right "
                      f"({right / max(views.rows, 1) * 100:.1f} %)", style="dim"))
    return Text("\n").join(lines)


def bits_text(views: Views) -> Text:
    """One line per output bit: its accuracy over the test rows."""
    lines = [Text(f"per-bit accuracy on {views.rows} test rows", style="bold")]
    for label, accuracy in zip(views.labels, views.bit_accuracy, strict=True):
        colour = "green" if accuracy >= 0.99 else "yellow" if accuracy >= 0.9 else "red"
        lines.append(Text.assemble(f"bit {label:>2}  ", (f"{accuracy * 100:5.1f} %", colour)))
    return Text("\n").join(lines)


def views_text(snapshot: Snapshot, room: int = 80) -> Text:
    """What the panel shows for ``snapshot``'s task."""
    views = snapshot.views
    if snapshot.task == "regression":
        return Text("a confusion matrix applies to classes: this data set is a regression",
                    style="dim")
    if views is None:
        return Text(WAITING, style="dim")
    if views.confusion is None:
        return bits_text(views)
    return confusion_text(views, room)


class ConfusionView(Static):
    """The confusion matrix of the latest snapshot's views."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text(WAITING, style="dim"), id=id, markup=False)
        self.snapshot: Snapshot | None = None

    def show(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.update(views_text(snapshot, self.content_size.width or 80))

    def on_resize(self) -> None:
        if self.snapshot is not None:
            self.show(self.snapshot)
