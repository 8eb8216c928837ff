"""MNIST from IDX files, an .npz, or (faked) OpenML; every failure is a BackpropError."""

from __future__ import annotations

import gzip
import socket
import struct
from pathlib import Path
from urllib.error import URLError

import numpy as np
import pytest
import sklearn.datasets

from backprop_tui.data import Dataset, load
from backprop_tui.data.mnist import IDX_FILES, NETWORK_TIMEOUT, read_idx
from backprop_tui.errors import BackpropError

RNG = np.random.default_rng(0)
X_TRAIN = RNG.integers(0, 256, (12, 28, 28), dtype=np.uint8)
Y_TRAIN = np.arange(12, dtype=np.uint8) % 10
X_TEST = RNG.integers(0, 256, (5, 28, 28), dtype=np.uint8)
Y_TEST = np.array([3, 1, 4, 1, 5], dtype=np.uint8)


def idx_bytes(array: np.ndarray) -> bytes:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    return header + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def write_idx_folder(folder: Path, compress: bool) -> Path:
    folder.mkdir(exist_ok=True)
    for stem, array in zip(IDX_FILES, (X_TRAIN, Y_TRAIN, X_TEST, Y_TEST), strict=True):
        if compress:
            (folder / f"{stem}.gz").write_bytes(gzip.compress(idx_bytes(array)))
        else:
            (folder / stem).write_bytes(idx_bytes(array))
    return folder


def check(data: Dataset, train: int = 12) -> None:
    assert data.x_train.shape == (train, 784) and data.x_test.shape == (5, 784)
    assert data.x_train.dtype == np.float64 and data.image_shape == (28, 28)
    np.testing.assert_allclose(data.x_train, X_TRAIN[:train].reshape(train, 784) / 255)
    np.testing.assert_array_equal(data.y_train.argmax(axis=1), Y_TRAIN[:train])
    np.testing.assert_array_equal(data.y_test.argmax(axis=1), Y_TEST)
    assert data.labels == tuple("0123456789")
    assert data.summary == f"MNIST 28×28, {train} train / 5 test"


@pytest.mark.parametrize("compress", [False, True])
def test_idx_folder(tmp_path: Path, compress: bool) -> None:
    folder = write_idx_folder(tmp_path / "mnist", compress)
    check(load("mnist", path=str(folder)))
    check(load("mnist", path=str(folder), limit=7), train=7)


@pytest.mark.parametrize("flat", [False, True])
def test_npz(tmp_path: Path, flat: bool) -> None:
    path = tmp_path / "mnist.npz"
    shape = (-1, 784) if flat else (-1, 28, 28)
    np.savez(
        path,
        x_train=X_TRAIN.reshape(shape),
        y_train=Y_TRAIN.astype(np.int64),
        x_test=X_TEST.reshape(shape),
        y_test=Y_TEST,
    )
    data = load("mnist", path=str(path))
    check(data)
    line = data.describe(data.x_test[0], data.y_test[0], np.eye(10)[3] * 0.9 + 0.01)
    assert line == "true 3, predicted 3 (91 %)"


def test_read_idx_returns_the_declared_shape(tmp_path: Path) -> None:
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(idx_bytes(Y_TEST)))
    np.testing.assert_array_equal(read_idx(path), Y_TEST)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (idx_bytes(X_TEST)[:-10], "is truncated"),
        (idx_bytes(X_TEST)[:9], "header is incomplete"),
        (idx_bytes(X_TEST) + b"\0", "has trailing data"),
        (b"\x1f\x8b\x08\x00rest", "not an IDX file"),
        (b"PK\x03\x04" + bytes(20), "not an IDX file"),
        (b"", "not an IDX file"),
    ],
)
def test_broken_idx_files_name_the_file(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(content)
    with pytest.raises(BackpropError, match=problem) as caught:
        read_idx(path)
    assert str(path) in str(caught.value)


def test_bad_gzip_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(idx_bytes(Y_TEST))
    with pytest.raises(BackpropError, match="train-labels-idx1-ubyte.gz"):
        read_idx(path)


def test_truncated_file_in_a_folder(tmp_path: Path) -> None:
    folder = write_idx_folder(tmp_path / "mnist", compress=True)
    stem = folder / "t10k-labels-idx1-ubyte.gz"
    stem.write_bytes(gzip.compress(idx_bytes(Y_TEST)[:-2]))
    with pytest.raises(BackpropError, match="t10k-labels-idx1-ubyte.gz is truncated"):
        load("mnist", path=str(folder))


def test_missing_idx_file(tmp_path: Path) -> None:
    folder = write_idx_folder(tmp_path / "mnist", compress=False)
    (folder / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(BackpropError, match="has no train-labels-idx1-ubyte"):
        load("mnist", path=str(folder))


@pytest.mark.parametrize(
    ("arrays", "problem"),
    [
        ({"x_train": X_TRAIN}, "lacks y_train, x_test, y_test"),
        (
            {"x_train": X_TRAIN, "y_train": Y_TRAIN + 1, "x_test": X_TEST, "y_test": Y_TEST},
            "labels must be whole numbers 0..9",
        ),
        (
            {"x_train": X_TRAIN[:, :20], "y_train": Y_TRAIN, "x_test": X_TEST, "y_test": Y_TEST},
            r"shape \(12, 20, 28\)",
        ),
        (
            {"x_train": X_TRAIN, "y_train": Y_TRAIN[:5], "x_test": X_TEST, "y_test": Y_TEST},
            "12 images but 5 labels",
        ),
    ],
)
def test_bad_npz(tmp_path: Path, arrays: dict[str, np.ndarray], problem: str) -> None:
    path = tmp_path / "mnist.npz"
    np.savez(path, **arrays)  # type: ignore[arg-type]
    with pytest.raises(BackpropError, match=problem):
        load("mnist", path=str(path))


def test_not_an_npz_or_missing(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(BackpropError, match="cannot read .*notes.txt as an .npz"):
        load("mnist", path=str(path))
    with pytest.raises(BackpropError, match="MNIST path not found"):
        load("mnist", path=str(tmp_path / "absent"))


def test_offline_openml_fails_fast_with_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, object]] = []

    def offline(*args: object, **kwargs: object) -> None:
        calls.append(kwargs | {"socket_timeout": socket.getdefaulttimeout()})
        raise URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", offline)
    with pytest.raises(BackpropError, match="OpenML cannot be reached") as caught:
        load("mnist", cache=str(tmp_path))
    assert "--data-path" in str(caught.value)
    # fast: one attempt, one retry after 0.1 s, and no socket waits longer than the timeout
    assert len(calls) == 1 and calls[0]["data_home"] == str(tmp_path)
    assert calls[0]["n_retries"] == 1 and calls[0]["delay"] == 0.1
    assert calls[0]["socket_timeout"] == NETWORK_TIMEOUT
    assert socket.getdefaulttimeout() is None  # restored


def test_other_openml_failures_are_backprop_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("corrupt cache\nsecond line")

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", broken)
    with pytest.raises(BackpropError, match=r"failed \(corrupt cache\); download") as caught:
        load("mnist")
    assert "\n" not in str(caught.value)


def test_openml_keeps_the_last_10000_rows_for_testing(monkeypatch: pytest.MonkeyPatch) -> None:
    x = np.zeros((10_003, 784))
    y = np.array([str(i % 10) for i in range(10_003)], dtype=object)
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", lambda *a, **k: (x, y))
    data = load("mnist", limit=2)
    assert data.x_train.shape == (2, 784) and data.x_test.shape == (10_000, 784)
    np.testing.assert_array_equal(data.y_train.argmax(axis=1), [0, 1])
    assert data.y_test[0].argmax() == 3
