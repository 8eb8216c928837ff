"""The draw screen (t, image data sets): draw a digit with the mouse or the keys and watch
the network's top-3 answer and its hidden layers' activations follow each stroke; load a
test image to edit, and add the drawing to the training set with a label."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.widgets import Footer

from backprop_tui.app.keys import DRAW, bindings, with_shared
from backprop_tui.app.link import TrainerLink
from backprop_tui.app.screens.live import LiveScreen, titled
from backprop_tui.app.screens.prompt import PathPrompt
from backprop_tui.app.widgets.drawing import DrawingAnswer, DrawingCanvas
from backprop_tui.app.widgets.topology import TopologyView
from backprop_tui.errors import BackpropError
from backprop_tui.live.commands import AddRows, SaveRows, Want
from backprop_tui.live.drawing import Drawing, DrawRequest, read_rows
from backprop_tui.live.runfile import default_name
from backprop_tui.live.snapshot import Snapshot

CANVAS_SHARE = 0.55
"""The canvas panel's largest share of the screen's width."""
CHROME = (4, 3)
"""Columns and rows around the canvas: the panel's border and padding, and the footer."""


class DrawScreen(LiveScreen):
    """Canvas, the network's answer and its activations for the drawing; Escape returns."""

    KEYS = with_shared(DRAW)
    BINDINGS = bindings(KEYS)

    def __init__(self, link: TrainerLink, shape: tuple[int, int]) -> None:
        super().__init__(link)
        self.shape = shape
        self.asking = False
        self.pending: int | None = None
        """The test row asked for, until its pixels arrive."""
        self.source = "your drawing"
        self.labelling = False
        """After ``a``: the next digit is the drawing's label."""
        self.drawing: Drawing | None = None
        self._rng = np.random.default_rng()

    def compose(self) -> ComposeResult:
        rows, cols = self.shape
        with Container(id="draw-panels"):
            yield titled(Container(DrawingCanvas(self.shape, id="canvas"), id="canvas-panel"),
                         f"draw {rows}×{cols} · x erases")
            with Vertical(id="draw-side"):
                yield titled(DrawingAnswer(id="draw-answer"), "answer")
                topology = TopologyView(id="draw-topology")
                topology.can_focus = False  # the arrows move the drawing cursor here
                yield titled(topology, "activations for the drawing")
        yield Footer()

    @property
    def canvas(self) -> DrawingCanvas:
        return self.query_one(DrawingCanvas)

    def on_mount(self) -> None:
        self.ask()
        if self.link.latest is not None:
            self.show(self.link.latest)

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        self.canvas.fit(int(width * CANVAS_SHARE) - CHROME[0], height - CHROME[1])

    @property
    def answered(self) -> bool:
        """Whether the answer shown is for the canvas as it is now."""
        return self.drawing is not None and self.drawing.serial == self.canvas.version

    def ask(self, test_row: int | None = None) -> None:
        """Send the canvas (and ``test_row`` to paste, if any) for the network to answer."""
        self.asking = False
        canvas = self.canvas
        self.link.send(Want("draw", DrawRequest(canvas.pixels, test_row, canvas.version)))

    @on(DrawingCanvas.Changed)
    def canvas_changed(self, event: DrawingCanvas.Changed) -> None:
        """Ask once per refresh, however many strokes came in between."""
        if event.stroke and self.source.startswith("test image") and "edited" not in self.source:
            self.source += ", edited"
        if not self.asking:
            self.asking = True
            self.call_after_refresh(self.ask)

    def show(self, snapshot: Snapshot) -> None:
        """Paste a test image that arrived; show the answer and the activations."""
        drawing = snapshot.extras.get("draw")
        if not self.is_mounted or not isinstance(drawing, Drawing):
            return
        self.drawing = drawing
        if drawing.test is not None and drawing.test.row == self.pending:
            self.pending = None
            self.canvas.paste(drawing.test.pixels)
            self.source = f"test image #{drawing.test.row}, true {drawing.test.label}"
        self.query_one(DrawingAnswer).show(drawing, self._caption())
        self.query_one(TopologyView).show(replace(snapshot, topology=drawing.topology))

    def _caption(self) -> str:
        added = self.drawing.added if self.drawing else 0
        prompt = "label? press 0–9 (Esc cancels)" if self.labelling else "a, then 0–9: add"
        return f"canvas: {self.source}\nadded to the training set: {added}\n{prompt}"

    def _refresh_answer(self) -> None:
        self.query_one(DrawingAnswer).show(self.drawing, self._caption())
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The labels apply after ``a``; saving rows once some were added."""
        if action == "label":
            return self.labelling or None
        if action == "save_rows":
            return (self.drawing is not None and self.drawing.added > 0) or None
        return super().check_action(action, parameters)

    # -- the draw screen's keys ----------------------------------------------------------------
    def action_move(self, d_row: int, d_col: int) -> None:
        self.canvas.move_cursor(d_row, d_col)

    def action_ink(self, paint: bool) -> None:
        self.canvas.ink_at_cursor(paint)

    def action_clear(self) -> None:
        self.source = "your drawing"
        self.canvas.clear()

    def action_test_image(self) -> None:
        """Ask for a random test row's pixels; :meth:`show` pastes them when they come."""
        snapshot = self.link.latest
        if snapshot is None or not snapshot.test_rows:
            return
        self.pending = int(self._rng.integers(snapshot.test_rows))
        self.ask(self.pending)

    def action_add(self) -> None:
        self.labelling = True
        self._refresh_answer()

    def action_label(self, digit: int) -> None:
        """Add the canvas to the training set labelled ``digit`` (one-hot, like digits')."""
        snapshot = self.link.latest
        self.labelling = False
        self._refresh_answer()
        if snapshot is None or digit >= snapshot.sizes[-1]:
            return
        target = tuple(float(k == digit) for k in range(snapshot.sizes[-1]))
        self.link.send(AddRows((self.canvas.pixels,), (target,)))

    @property
    def _rows_file(self) -> str:
        """The file name the row prompts suggest, e.g. ``backprop-digits-rows.npz``."""
        dataset = self.link.latest.dataset if self.link.latest else "draw"
        return default_name(f"{dataset}-rows", "npz")

    def action_save_rows(self) -> None:
        def chosen(path: str | None) -> None:
            if path is not None:
                self.link.send(SaveRows(path))

        self.app.push_screen(PathPrompt("Write the added training rows to", self._rows_file),
                             chosen)

    def action_open_rows(self) -> None:
        def chosen(path: str | None) -> None:
            snapshot = self.link.latest
            if path is None or snapshot is None:
                return
            try:
                features, targets = read_rows(path, snapshot.sizes[0], snapshot.sizes[-1])
            except BackpropError as error:
                self.notify(str(error), severity="error", timeout=6)
                return
            self.link.send(AddRows(tuple(map(tuple, features.tolist())),
                                   tuple(map(tuple, targets.tolist()))))

        self.app.push_screen(PathPrompt("Add the training rows in", self._rows_file,
                                        opening=True), chosen)

    def action_close(self) -> None:
        if self.labelling:
            self.labelling = False
            self._refresh_answer()
            return
        self.link.send(Want("draw", None))
        self.dismiss()
