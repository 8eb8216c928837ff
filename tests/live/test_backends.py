"""The trainer behind both backends: commands in, snapshots out, nothing left running."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.live.backend import Failure, ProcessBackend, ThreadBackend
from backprop_tui.live.commands import SetHyper, Step
from backprop_tui.live.config import PRESETS
from backprop_tui.live.snapshot import PLOT_POINTS, Snapshot
from backprop_tui.live.trainer import Trainer


def latest(backend, wait: float = 0.0) -> Snapshot | None:
    time.sleep(wait)
    newest = None
    while (message := backend.receive(timeout=0.05)) is not None:
        if isinstance(message, Snapshot):
            newest = message
    return newest


def test_process_backend_trains_and_leaves_no_child_behind():
    backend = ProcessBackend(replace(PRESETS["adder"].config, speed=None))
    backend.start()
    try:
        first = backend.receive(timeout=60)
        assert isinstance(first, Snapshot) and first.status == "running"
        snapshot = latest(backend, wait=1.0)
        assert snapshot.step > 50 and snapshot.samples_per_second > 0
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
    backend.process.join(timeout=10)
    assert not backend.process.is_alive()


def test_thread_backend_reports_bad_commands_and_goes_on():
    backend = ThreadBackend(replace(PRESETS["adder"].config, paused=True))
    backend.start()
    try:
        assert isinstance(backend.receive(timeout=30), Snapshot)
        backend.send(SetHyper({"learning_rate": -1}))
        failure = backend.receive(timeout=5)
        assert isinstance(failure, Failure) and "learning rate must be positive" in failure.message
        backend.send(Step(2))
        snapshot = latest(backend, wait=0.3)
        assert snapshot.step == 2 and snapshot.status == "paused"
    finally:
        backend.close()
    assert not backend.alive()


def test_start_failure_is_reported_as_fatal(tmp_path):
    config = replace(PRESETS["adder"].config, dataset=f"csv:{tmp_path / 'missing.csv'}")
    backend = ThreadBackend(config)
    backend.start()
    try:
        failure = backend.receive(timeout=30)
        assert isinstance(failure, Failure) and failure.fatal and "missing.csv" in failure.message
    finally:
        backend.close()


def test_speed_limit_is_kept():
    trainer = Trainer(replace(PRESETS["adder"].config, speed=100))
    start = time.perf_counter()
    while time.perf_counter() - start < 0.5:
        time.sleep(trainer.work(0.02))
    assert 30 <= trainer.session.step_count <= 60


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
    deadline = time.perf_counter() + 20
    while trainer.running and time.perf_counter() < deadline:
        trainer.work(0.05)
    assert not trainer.running
    snapshot = trainer.snapshot()
    assert snapshot.status == "paused" and "early stopping" in snapshot.message
