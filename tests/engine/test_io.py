"""Saving and loading networks: exact round trips, atomic writes, clear errors."""

import os

import numpy as np
import pytest

from backprop_tui.engine import BackpropError, Hyperparameters, Network
from backprop_tui.engine.io import load, save


def test_round_trip_gives_identical_predictions(tmp_path):
    net = Network("5-7-3", hidden="relu", seed=4, dtype="float32")
    hyper = Hyperparameters(learning_rate=0.03, optimizer="adam", l2=1e-4)
    path = save(net, tmp_path / "net.npz", hyper)
    loaded, loaded_hyper = load(path)
    x = np.random.default_rng(0).standard_normal((4, 5))
    np.testing.assert_array_equal(loaded.predict(x), net.predict(x))
    assert loaded.describe() == net.describe() and loaded.dtype == np.float32
    assert loaded_hyper == hyper


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    save(Network("2-2"), path)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError):
        save(Network("3-3"), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.npz"]  # no temporary file left behind


@pytest.mark.parametrize(("content", "message"), [
    (b"", "not a backprop-tui network file"),
    (b"PK\x03\x04 truncated", "not a backprop-tui network file"),
    (b"just text", "not a backprop-tui network file"),
])
def test_bad_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(BackpropError, match=message):
        load(path)


def test_truncated_and_foreign_npz(tmp_path):
    good = save(Network("5-7-3"), tmp_path / "good.npz")
    cut = tmp_path / "cut.npz"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(BackpropError, match="not a backprop-tui network file"):
        load(cut)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.ones(3))
    with pytest.raises(BackpropError, match="not a backprop-tui network file"):
        load(foreign)
    with pytest.raises(BackpropError, match="no such file"):
        load(tmp_path / "missing.npz")


def test_mismatched_parameter_count(tmp_path):
    path = save(Network("5-7-3"), tmp_path / "net.npz")
    with np.load(path) as archive:
        meta = archive["meta"]
    np.savez(path, meta=meta, params=np.zeros(10))
    with pytest.raises(BackpropError, match="holds 10 parameters"):
        load(path)


def test_unwritable_destination(tmp_path):
    with pytest.raises(BackpropError, match="cannot write"):
        save(Network("2-2"), tmp_path / "no" / "such" / "dir" / "net.npz")
    with pytest.raises(BackpropError, match="is a folder"):
        save(Network("2-2"), tmp_path)


def test_saved_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = save(Network("2-2"), tmp_path / "net.npz")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
