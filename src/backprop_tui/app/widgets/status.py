"""The status bar: what the trainer is doing and every hyperparameter in force, laid out for
80 columns first (short forms, legend in the help) and dropping the least needed fields
first when even those do not fit."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from backprop_tui.engine import OPTIMIZERS, format_sizes
from backprop_tui.engine.activations import ACTIVATIONS
from backprop_tui.engine.hyper import SYMBOLS
from backprop_tui.engine.metrics import METRIC_TABLE, headline
from backprop_tui.live.snapshot import Snapshot

STATUS_STYLES = {"running": "bold green", "paused": "bold yellow", "diverged": "bold white on red"}
LOSS_NAMES = {"binary_cross_entropy": "BCE", "cross_entropy": "CE", "mse": "MSE"}
Field = tuple[int, Text]
"""(priority, text): the higher the priority number, the sooner it is dropped."""


def status_text(snapshot: Snapshot, width: int = 200) -> Text:
    """Two lines of at most ``width`` cells — progress with the test metrics, then the network
    and every hyperparameter in force — then the trainer's message, if any."""
    s = snapshot
    lines = [fit(_progress(s), width), fit(_settings(s), width)]
    if s.message:  # a breakpoint's reason is the message, highlighted
        style = "bold yellow" if s.breakpoint else "italic"
        style = "bold red" if s.status == "diverged" else style
        lines.append(Text(("⏸ " if s.breakpoint else "") + s.message, style))
    return Text("\n").join(lines)


def fit(fields: list[Field], width: int) -> Text:
    """The fields in order, two spaces apart, without those least needed until it fits."""
    kept = list(fields)
    while len(kept) > 1 and sum(t.cell_len for _, t in kept) + 2 * (len(kept) - 1) > width:
        kept.remove(max(kept, key=lambda f: f[0]))
    line = Text("  ").join(text for _, text in kept)
    line.truncate(width, overflow="ellipsis")
    return line


def labelled(label: str, value: str, style: str = "bold") -> Text:
    return Text.assemble((label + " ", "dim"), (value, style))


def _progress(s: Snapshot) -> list[Field]:
    fields: list[Field] = [(0, Text(f" {s.status.upper()} ", STATUS_STYLES.get(s.status, "bold")))]
    fields.append((1, Text(f"step {s.step:,}")))
    fields.append((3, Text(f"epoch {s.epoch} ({100 * s.epoch_progress:.0f} %)")))
    top = headline(s.task).name
    for name in sorted(s.metric_names, key=lambda n: n != top):
        metric, value = METRIC_TABLE[name], s.measured.get(name)
        if value is not None:
            label = metric.label if len(s.metric_names) == 1 else metric.short
            fields.append((0 if name == top else 2, labelled(label, metric.format(value),
                                                             "bold cyan")))
    if s.measured:
        rows = "" if s.pool == s.test_rows else f", first {s.pool:,} rows"
        fields.append((1, Text(f"(test @{s.measured_step:,}{rows})", "dim")))
    if s.status == "running":
        fields.append((5, Text(f"{s.samples_per_second:,.0f} samples/s", "dim")))
    fields.append((4, Text(s.dataset_summary or s.dataset, "bold")))
    return fields


def _settings(s: Snapshot) -> list[Field]:
    """The network, then (priority, label value) for every hyperparameter in force."""
    h = s.hyper
    output = ACTIVATIONS[s.output].short if s.output in ACTIVATIONS else s.output
    fields: list[Field] = [
        (2, Text(f"{format_sizes(s.sizes)} {s.hidden}→{output} {LOSS_NAMES.get(s.loss, s.loss)}")),
        (0, labelled(SYMBOLS["learning_rate"], f"{h.learning_rate:g}")),
        (0, labelled(SYMBOLS["batch_size"], str(h.batch_size))),
        (0, labelled(SYMBOLS["optimizer"], h.optimizer)),
    ]
    fields += [(1, labelled(SYMBOLS[name], f"{getattr(h, name):g}"))
               for name in OPTIMIZERS[h.optimizer].uses]
    fields += [(1, labelled("L2", f"{h.l2:g}")), (1, labelled("L1", f"{h.l1:g}"))]
    optional = [(h.clip, "clip", f"{h.clip:g}"), (h.dropout, "dropout", str(h.dropout)),
                (h.schedule != "constant", "sched", h.schedule),
                (h.early_stopping, "early stop", f"patience {h.patience}"),
                (s.init != "auto", "init", s.init), (s.dtype != "float64", "dtype", s.dtype),
                (s.norm != "none", "norm", s.norm),
                (h.augment != "off", "aug", h.augment)]
    fields += [(1, labelled(label, value)) for used, label, value in optional if used]
    fields.append((3, labelled("speed", "flat out" if s.speed is None else f"{s.speed:g}/s")))
    if watched := s.breakpoints.summary(target_label(s)):
        fields.append((1, labelled("break", watched)))
    if s.preset:
        fields.append((4, labelled("preset", s.preset)))
    return fields


def target_label(s: Snapshot) -> str:
    """The short name of the metric the target breakpoint compares."""
    return headline(s.task).short


class StatusBar(Widget):
    """Running / paused / diverged, progress, speed and every current hyperparameter."""

    DEFAULT_CSS = "StatusBar { height: auto; }"

    _snapshot: Snapshot | None = None

    def __init__(self, waiting: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.waiting = waiting
        """What it says before the first snapshot."""

    def show(self, snapshot: Snapshot) -> None:
        old, self._snapshot = self._snapshot, snapshot
        self.refresh(layout=old is None or bool(old.message) != bool(snapshot.message))

    def render(self) -> RenderResult:
        if self._snapshot is None:
            return Text(self.waiting)
        return status_text(self._snapshot, self.size.width or 200)
