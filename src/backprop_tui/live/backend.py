"""Backends run a trainer beside the UI behind one small interface.

``ProcessBackend`` (real use) runs it in a spawned child process, so training does not share
the GIL with the UI; ``ThreadBackend`` (tests) runs the same loop, :func:`serve`, in a thread.
Both talk over a command pipe and a snapshot pipe.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from backprop_tui.errors import BackpropError
from backprop_tui.live.commands import Command, Quit
from backprop_tui.live.config import RunConfig
from backprop_tui.live.gradcheck import GradientReport
from backprop_tui.live.inspector import Inspection
from backprop_tui.live.overfit import OverfitReport
from backprop_tui.live.snapshot import Snapshot

SNAPSHOT_INTERVAL = 1 / 15
"""Seconds between snapshots while training."""
COMMAND_INTERVAL = 1 / 50
"""Longest stretch of training between two looks at the command queue."""


@dataclass(frozen=True)
class Failure:
    """A command (or the start) could not be carried out; ``message`` is one line."""

    message: str
    fatal: bool = False


Message = Snapshot | Failure | GradientReport | Inspection | OverfitReport


class Backend:
    """Start a trainer for ``config``; ``send`` commands, ``receive`` snapshots, ``close``."""

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self._commands, self._child_commands = multiprocessing.Pipe(duplex=False)[::-1]
        self._child_snapshots, self._snapshots = multiprocessing.Pipe(duplex=False)[::-1]
        self._send_lock = threading.Lock()
        self._receive_lock = threading.Lock()
        self.closed = False

    def start(self) -> None:
        raise NotImplementedError

    def send(self, command: Command) -> None:
        """Queue a command for the trainer (ignored once closed)."""
        if self.closed:
            return
        with self._send_lock:
            try:
                self._commands.send(command)
            except (BrokenPipeError, OSError):
                self.closed = True

    def receive(self, timeout: float | None = None) -> Message | None:
        """The next message from the trainer, or None on timeout or when it has gone."""
        try:
            with self._receive_lock:
                if self._snapshots.poll(timeout):
                    message: Message = self._snapshots.recv()
                    return message
        except (EOFError, OSError):
            self.closed = True
        return None

    def alive(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        """Ask the trainer to quit and wait for it; never leaves it running."""
        self.send(Quit())
        self.closed = True
        self._stop()
        for connection in (self._commands, self._snapshots):
            connection.close()

    def _drain_until_stopped(self, seconds: float) -> None:
        """Wait up to ``seconds`` for the trainer to end, dropping what it still sends: one
        blocked on a full snapshot pipe would never read the quit."""
        deadline = time.monotonic() + seconds
        while self.alive() and time.monotonic() < deadline:
            self.receive(timeout=0.05)

    def _stop(self) -> None:
        raise NotImplementedError


class ProcessBackend(Backend):
    """The trainer in a child process (spawned, one BLAS thread)."""

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.process = context.Process(
            target=_child_main, args=(self.config, self._child_commands, self._child_snapshots),
            name="backprop-tui trainer", daemon=True,
        )
        self.process.start()
        self._child_commands.close()
        self._child_snapshots.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def _stop(self) -> None:
        self._drain_until_stopped(2)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class ThreadBackend(Backend):
    """The trainer in a thread of this process: deterministic tests, no spawn cost."""

    def start(self) -> None:
        self.thread = threading.Thread(
            target=serve, args=(self.config, self._child_commands, self._child_snapshots),
            name="backprop-tui trainer", daemon=True,
        )
        self.thread.start()

    def alive(self) -> bool:
        return self.thread.is_alive()

    def _stop(self) -> None:
        self._drain_until_stopped(5)
        self.thread.join(timeout=5)
        for connection in (self._child_commands, self._child_snapshots):
            connection.close()


def _child_main(config: RunConfig, commands: Connection, snapshots: Connection) -> None:
    """Entry point of the trainer process: one BLAS thread, quiet on Ctrl+C."""
    import signal

    from threadpoolctl import threadpool_limits

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the UI decides when we stop
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with threadpool_limits(1):
        serve(config, commands, snapshots)


def serve(config: RunConfig, commands: Connection, snapshots: Connection) -> None:
    """The trainer's loop: read commands, train, publish snapshots, until :class:`Quit` or
    the other end goes away."""
    from backprop_tui.live.trainer import Trainer  # the UI process starts the trainer sooner

    try:
        trainer = Trainer(config)
    except BackpropError as error:
        snapshots.send(Failure(str(error), fatal=True))
        return
    try:
        snapshots.send(trainer.snapshot())
        sent_at, sent_state = time.perf_counter(), trainer.state()
        wait = 0.0
        while True:
            changed = False
            while commands.poll(wait):
                command = commands.recv()
                try:
                    trainer.apply(command)
                except BackpropError as error:
                    snapshots.send(Failure(str(error)))
                if isinstance(command, Quit):
                    return
                if trainer.reply is not None:
                    snapshots.send(trainer.reply)
                    trainer.reply = None
                changed, wait = True, 0.0
            until_snapshot = sent_at + SNAPSHOT_INTERVAL - time.perf_counter()
            wait = trainer.work(min(COMMAND_INTERVAL, until_snapshot) if until_snapshot > 0.001
                                else COMMAND_INTERVAL)
            now = time.perf_counter()
            due = now - sent_at >= SNAPSHOT_INTERVAL
            if changed or (due and trainer.state() != sent_state):
                light = not changed and trainer.running
                snapshots.send(trainer.snapshot(light))
                sent_at, sent_state = now, trainer.state()
            if trainer.running:
                wait = min(wait, max(0.0, sent_at + SNAPSHOT_INTERVAL - time.perf_counter()))
    except (EOFError, BrokenPipeError, OSError):
        return  # the UI went away
