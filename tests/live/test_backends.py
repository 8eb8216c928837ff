"""The trainer behind both backends: commands in, snapshots out, nothing left running."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.live import trainer as trainer_module
from backprop_tui.live.backend import Failure, ProcessBackend, ThreadBackend
from backprop_tui.live.commands import Inspect, SetHyper, Step
from backprop_tui.live.config import PRESETS
from backprop_tui.live.snapshot import PLOT_POINTS, Snapshot
from backprop_tui.live.trainer import Trainer

MESSAGES = 2000
"""Most trainer messages a test reads while it waits for one (a bound, not a time)."""


def first_snapshot(backend, condition) -> Snapshot:
    """The first snapshot from ``backend`` for which ``condition`` holds."""
    for _ in range(MESSAGES):
        message = backend.receive(timeout=60)
        assert message is not None, "the trainer went quiet"
        if isinstance(message, Snapshot) and condition(message):
            return message
    raise AssertionError(f"no such snapshot among {MESSAGES} messages")


def test_process_backend_trains_and_leaves_no_child_behind():
    backend = ProcessBackend(replace(PRESETS["adder"].config, speed=None))
    backend.start()
    try:
        first = backend.receive(timeout=60)
        assert isinstance(first, Snapshot) and first.status == "running"
        snapshot = first_snapshot(backend, lambda s: s.step > 50 and s.samples_per_second > 0)
        assert snapshot.status == "running"
        assert backend.alive()
    finally:
        backend.close()
    assert not backend.process.is_alive()
    assert backend.process.exitcode == 0  # it quit when asked, it was not killed


def test_process_child_exits_when_the_ui_vanishes():
    backend = ProcessBackend(PRESETS["adder"].config)
    backend.start()
    assert backend.receive(timeout=60) is not None
    backend._commands.close()  # as if the UI process died: its pipe end closes
    backend.process.join(timeout=60)  # only a bound against a hang: it exits on EOF
    assert not backend.process.is_alive()


def test_thread_backend_reports_bad_commands_and_goes_on():
    backend = ThreadBackend(replace(PRESETS["adder"].config, paused=True))
    backend.start()
    try:
        assert isinstance(backend.receive(timeout=60), Snapshot)
        backend.send(SetHyper({"learning_rate": -1}))
        failure = backend.receive(timeout=60)
        assert isinstance(failure, Failure) and "learning rate must be positive" in failure.message
        backend.send(Step(2))
        snapshot = first_snapshot(backend, lambda s: s.step > 0)  # the answer to the step
        assert snapshot.step == 2 and snapshot.status == "paused"
    finally:
        backend.close()
    assert not backend.alive()


@pytest.mark.parametrize("kind", [ThreadBackend, ProcessBackend])
def test_close_stops_a_trainer_nobody_reads(kind):
    backend = kind(replace(PRESETS["adder"].config, paused=True))
    backend.start()
    assert isinstance(backend.receive(timeout=60), Snapshot)
    for _ in range(50):  # 50 inspections do not fit in a pipe: it blocks sending the replies
        backend.send(Inspect())
    backend.close()  # … unless close() reads them, it never gets to the quit
    assert not backend.alive()
    if kind is ProcessBackend:
        assert backend.process.exitcode == 0  # it quit, it was not terminated


def test_start_failure_is_reported_as_fatal(tmp_path):
    config = replace(PRESETS["adder"].config, dataset=f"csv:{tmp_path / 'missing.csv'}")
    backend = ThreadBackend(config)
    backend.start()
    try:
        failure = backend.receive(timeout=30)
        assert isinstance(failure, Failure) and failure.fatal and "missing.csv" in failure.message
    finally:
        backend.close()


class Clock:
    """Stands in for the trainer's clock: time moves only when the test sleeps."""

    def __init__(self) -> None:
        self.now = 100.0

    def perf_counter(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_speed_limit_is_kept(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(trainer_module, "time", clock)
    trainer = Trainer(replace(PRESETS["adder"].config, speed=100))
    while clock.now < 100.5:  # half a second of the trainer's time, at 100 steps a second
        clock.sleep(trainer.work(0.02))
    assert 50 <= trainer.session.step_count <= 51


def test_snapshots_are_bounded_copies():
    trainer = Trainer(replace(PRESETS["adder"].config, speed=None))
    trainer.session.run(5000)
    snapshot = trainer.snapshot()
    assert len(snapshot.cost) <= PLOT_POINTS and len(snapshot.epoch_steps) <= PLOT_POINTS
    assert not snapshot.cost.flags.writeable
    before = snapshot.topology.weights[0].copy()
    trainer.session.run(50)
    np.testing.assert_array_equal(snapshot.topology.weights[0], before)  # no shared memory


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_builds_and_snapshots(preset):
    trainer = Trainer(PRESETS[preset].config)
    trainer.session.run(3)
    snapshot = trainer.snapshot()
    assert snapshot.step == 3 and snapshot.predictions
    if preset.startswith("mnist"):
        assert snapshot.sizes[0] in (64, 784)  # digits stands in when MNIST is not on disk


def test_early_stopping_pauses_the_trainer_with_a_message():
    from backprop_tui.engine import Hyperparameters

    hyper = Hyperparameters(learning_rate=0.01, batch_size=16, optimizer="adam",
                            early_stopping=True, patience=2, validation_fraction=0.2)
    trainer = Trainer(replace(PRESETS["adder"].config, hyper=hyper, speed=None))
    while trainer.running and trainer.session.step_count < 100_000:  # a bound, not a time
        trainer.work(0.05)
    assert not trainer.running and trainer.session.stopped
    snapshot = trainer.snapshot()
    assert snapshot.status == "paused" and "early stopping" in snapshot.message
