"""The status bar: what the trainer is doing and every hyperparameter in force."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from backprop_tui.engine import format_sizes
from backprop_tui.live.snapshot import Snapshot

STATUS_STYLES = {"running": "bold green", "paused": "bold yellow", "diverged": "bold white on red"}
LOSS_NAMES = {"binary_cross_entropy": "BCE", "cross_entropy": "CE", "mse": "MSE"}
METRIC_LABELS = {
    "accuracy": "accuracy", "word_accuracy": "word acc", "bit_accuracy": "bit acc",
    "r2": "R²", "mae": "MAE",
}


def percent_or_number(name: str, value: float) -> str:
    if name in ("r2", "mae"):
        return f"{value:.3g}"
    return f"{100 * value:.1f} %"


def status_text(snapshot: Snapshot) -> Text:
    """Two lines: progress, then hyperparameters (then the trainer's message, if any)."""
    s, h = snapshot, snapshot.hyper
    text = Text()
    text.append(f" {s.status.upper()} ", STATUS_STYLES.get(s.status, "bold"))
    text.append(f"  {s.dataset_summary or s.dataset}", "bold")
    text.append(f"  {format_sizes(s.sizes)} {s.hidden} → {s.output} + "
                f"{LOSS_NAMES.get(s.loss, s.loss)}")
    text.append(f"  epoch {s.epoch} ({100 * s.epoch_progress:.0f} %)  step {s.step:,}")
    if s.status == "running":
        text.append(f"  {s.samples_per_second:,.0f} samples/s")
    for name in s.metric_names:
        value = s.metrics.get(f"test_{name}")
        if value is not None:
            text.append(f"  test {METRIC_LABELS.get(name, name)} ", "dim")
            text.append(percent_or_number(name, value), "bold cyan")
    text.append("\n")
    speed = "flat out" if s.speed is None else f"{s.speed:g} steps/s"
    fields = [
        ("η", f"{h.learning_rate:g}"), ("batch", str(h.batch_size)), ("opt", h.optimizer),
        ("μ", f"{h.momentum:g}"), ("L2", f"{h.l2:g}"), ("L1", f"{h.l1:g}"),
        ("init", s.init), ("dtype", s.dtype), ("speed", speed),
    ]
    if h.clip:
        fields.insert(6, ("clip", f"{h.clip:g}"))
    if s.preset:
        fields.append(("preset", s.preset))
    for label, value in fields:
        text.append(f" {label} ", "dim")
        text.append(value, "bold")
        text.append(" ")
    if s.message:
        style = "bold red" if s.status == "diverged" else "italic"
        text.append("\n " + s.message, style)
    return text


class StatusBar(Static):
    """Running / paused / diverged, progress, speed and every current hyperparameter."""

    DEFAULT_CSS = "StatusBar { height: auto; }"

    def show(self, snapshot: Snapshot) -> None:
        self.update(status_text(snapshot))
