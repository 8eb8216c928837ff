"""The status bar: what the trainer is doing and every hyperparameter in force."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from backprop_tui.engine import format_sizes
from backprop_tui.engine.metrics import METRIC_TABLE, headline
from backprop_tui.live.snapshot import Snapshot

STATUS_STYLES = {"running": "bold green", "paused": "bold yellow", "diverged": "bold white on red"}
LOSS_NAMES = {"binary_cross_entropy": "BCE", "cross_entropy": "CE", "mse": "MSE"}


def status_text(snapshot: Snapshot) -> Text:
    """Two lines: progress and test metrics, then the network and every hyperparameter in
    force (then the trainer's message, if any)."""
    s = snapshot
    text = Text()
    text.append(f" {s.status.upper()} ", STATUS_STYLES.get(s.status, "bold"))
    text.append(f"  {s.dataset_summary or s.dataset}", "bold")
    text.append(f"  epoch {s.epoch} ({100 * s.epoch_progress:.0f} %)  step {s.step:,}")
    if s.status == "running":
        text.append(f"  {s.samples_per_second:,.0f} samples/s")
    for name in s.metric_names:  # a lone metric has room for its full label
        metric, value = METRIC_TABLE[name], s.metrics.get(f"test_{name}")
        if value is not None:
            label = metric.label if len(s.metric_names) == 1 else metric.short
            text.append(f"  test {label} ", "dim")
            text.append(metric.format(value), "bold cyan")
    text.append(f"\n {format_sizes(s.sizes)} {s.hidden} → {s.output} + "
                f"{LOSS_NAMES.get(s.loss, s.loss)} ")
    for label, setting in _hyperparameters(s):
        text.append(f" {label} ", "dim")
        text.append(setting, "bold")
    if s.message:  # a breakpoint's reason is the message, highlighted
        style = "bold yellow" if s.breakpoint else "italic"
        style = "bold red" if s.status == "diverged" else style
        text.append(("\n ⏸ " if s.breakpoint else "\n ") + s.message, style)
    return text


def _hyperparameters(s: Snapshot) -> list[tuple[str, str]]:
    """(label, value) for every hyperparameter; the optional ones only when in use."""
    h = s.hyper
    fields = [("η", f"{h.learning_rate:g}"), ("batch", str(h.batch_size)), ("opt", h.optimizer),
              ("μ", f"{h.momentum:g}"), ("L2", f"{h.l2:g}"), ("L1", f"{h.l1:g}")]
    if h.clip:
        fields.append(("clip", f"{h.clip:g}"))
    if h.dropout:
        fields.append(("dropout", str(h.dropout)))
    if h.schedule != "constant":
        fields.append(("schedule", h.schedule))
    if h.early_stopping:
        fields.append(("early stop", f"patience {h.patience}"))
    if s.init != "auto":
        fields.append(("init", s.init))
    if s.dtype != "float64":
        fields.append(("dtype", s.dtype))
    fields.append(("speed", "flat out" if s.speed is None else f"{s.speed:g}/s"))
    if s.preset:
        fields.append(("preset", s.preset))
    if watched := s.breakpoints.summary(target_label(s)):
        fields.append(("break", watched))
    return fields


def target_label(s: Snapshot) -> str:
    """The short name of the metric the target breakpoint compares."""
    return headline(s.task).short


class StatusBar(Static):
    """Running / paused / diverged, progress, speed and every current hyperparameter."""

    DEFAULT_CSS = "StatusBar { height: auto; }"

    def show(self, snapshot: Snapshot) -> None:
        self.update(status_text(snapshot))
