"""The augmentation screen (``a`` on the views screen): a training image beside augmented
copies of it and the network's guess for each, live; keys switch each transform for training
and pick the row."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from backprop_tui.app.keys import AUGMENT, bindings, with_shared
from backprop_tui.app.link import TrainerLink
from backprop_tui.app.screens.live import LiveScreen, titled
from backprop_tui.app.widgets.augment_strip import AugmentStripView
from backprop_tui.live.augment import StripRequest, switched
from backprop_tui.live.commands import SetHyper, Want
from backprop_tui.live.snapshot import Snapshot


def switch_augmentation(screen: Screen[None], link: TrainerLink, transform: str | None) -> None:
    """Switch ``transform`` (None: all of them) on or off for training, and say so; a data
    set without images gets the trainer's reason instead."""
    snapshot = link.latest
    if snapshot is None:
        return
    augment = switched(snapshot.hyper.augment, transform)
    link.send(SetHyper({"augment": augment}))
    if any(p.image is not None for p in snapshot.predictions):
        screen.notify(f"augmentation: {augment.replace(',', ', ')}" + (
            " (training batches only; v then a shows copies)" if transform is None else ""),
            timeout=3)


class AugmentScreen(LiveScreen):
    """The strip from ``snapshot.extras["augment"]``; Escape goes back."""

    KEYS = with_shared(AUGMENT)
    BINDINGS = bindings(KEYS)
    OWN_FOOTER = True

    def __init__(self, link: TrainerLink) -> None:
        super().__init__(link)
        self.request = StripRequest()


    def compose(self) -> ComposeResult:
        yield titled(AugmentStripView(id="augment-strip"),
                     "augmented copies · 1 shift 2 rotate 3 noise")
        yield Footer()

    def on_mount(self) -> None:
        self.ask(self.request)
        if self.link.latest is not None:
            self.show(self.link.latest)

    def show(self, snapshot: Snapshot) -> None:
        if self.is_mounted:
            self.query_one(AugmentStripView).show(snapshot)

    def ask(self, request: StripRequest) -> None:
        """Ask the trainer for the strip as ``request`` says, in every snapshot from now."""
        self.request = request
        self.link.send(Want("augment", request))

    def action_row(self, direction: int) -> None:
        self.ask(replace(self.request, row=self.request.row + direction))

    def action_redraw(self) -> None:
        self.ask(replace(self.request, draw=self.request.draw + 1))

    def action_transform(self, name: str | None) -> None:
        switch_augmentation(self, self.link, name)

    def action_close(self) -> None:
        self.link.send(Want("augment", None))
        self.dismiss()
