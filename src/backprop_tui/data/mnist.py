"""Real 28×28 MNIST, from IDX files, an .npz, or OpenML (cached).

Sources, by ``path``: a folder with the four IDX files (``train-images-idx3-ubyte``,
``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, each
optionally ``.gz``); an ``.npz`` with ``x_train, y_train, x_test, y_test``; or, with no path,
``fetch_openml("mnist_784")`` cached under ``cache``. The standard 60000 / 10000 split is kept.
"""

from __future__ import annotations

import gzip
import math
import os
import socket
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError

import numpy as np

from backprop_tui.data._common import check_int, check_ratio, check_seed, split
from backprop_tui.data.base import Dataset, register
from backprop_tui.data.images import digit_images, scaled
from backprop_tui.errors import BackpropError

IDX_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
OFFLINE_ADVICE = "download the four IDX files and pass --dataset mnist --data-path DIR (or an .npz)"
NETWORK_TIMEOUT = 20.0
"""Seconds a stalled OpenML connection may block before giving up."""
TEST_SIZE = 10_000

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
Arrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def default_cache() -> Path:
    """``$XDG_CACHE_HOME/backprop-tui``, else ``~/.cache/backprop-tui``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "backprop-tui"


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """An IDX file (gzip-compressed if it ends in ``.gz``) as an array of its declared shape.

    Raises BackpropError naming the file if it cannot be read, is not IDX, or is truncated.
    """
    path = Path(path)
    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as handle:
            data = handle.read()
    except (OSError, EOFError, zlib.error) as error:  # gzip.BadGzipFile is an OSError
        raise BackpropError(
            f"cannot read {path}: {getattr(error, 'strerror', None) or error}"
        ) from None
    if len(data) < 4 or data[0] or data[1] or data[2] not in _IDX_TYPES or not data[3]:
        raise BackpropError(f"{path} is not an IDX file (bad magic number {data[:4].hex()!r})")
    header = 4 + 4 * data[3]
    if len(data) < header:
        raise BackpropError(f"{path} is truncated: its IDX header is incomplete")
    dims = struct.unpack_from(f">{data[3]}I", data, 4)
    dtype = np.dtype(_IDX_TYPES[data[2]])
    expected = header + math.prod(dims) * dtype.itemsize
    if len(data) != expected:
        problem = "is truncated" if len(data) < expected else "has trailing data"
        raise BackpropError(
            f"{path} {problem}: {len(data)} bytes, but its header {dims} needs {expected}"
        )
    return np.frombuffer(data, dtype, offset=header).reshape(dims)


def _find_idx(folder: Path, stem: str) -> Path:
    for name in (stem, stem.replace("-idx", ".idx")):
        for suffix in ("", ".gz"):
            if (folder / (name + suffix)).is_file():
                return folder / (name + suffix)
    raise BackpropError(
        f"{folder} has no {stem} (or {stem}.gz); MNIST needs {', '.join(IDX_FILES)}"
    )


def _read_idx_folder(folder: Path) -> Arrays:
    x_train, y_train, x_test, y_test = (read_idx(_find_idx(folder, stem)) for stem in IDX_FILES)
    return x_train, y_train, x_test, y_test


def _read_npz(path: Path) -> Arrays:
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array")
        with archive:
            missing = [key for key in NPZ_KEYS if key not in archive.files]
            if missing:
                raise BackpropError(
                    f"{path} lacks {', '.join(missing)}; an MNIST .npz needs " + ", ".join(NPZ_KEYS)
                )
            x_train, y_train, x_test, y_test = (archive[key] for key in NPZ_KEYS)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise BackpropError(
            f"cannot read {path} as an .npz ({error}); pass a folder of IDX files or an .npz"
        ) from None
    return x_train, y_train, x_test, y_test


@contextmanager
def _network_timeout(seconds: float) -> Iterator[None]:
    """Give sockets a timeout (sklearn's downloads set none), restoring the old default."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds if previous is None else previous)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _fetch_openml(cache: str | os.PathLike[str]) -> Arrays:
    from sklearn.datasets import fetch_openml

    try:
        with _network_timeout(NETWORK_TIMEOUT), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "network error … Retrying" warnings
            x, y = fetch_openml(
                "mnist_784",
                version=1,
                data_home=str(cache),
                as_frame=False,
                parser="liac-arff",
                return_X_y=True,
                n_retries=1,
                delay=0.1,
            )
    except (URLError, TimeoutError, ConnectionError) as error:
        raise BackpropError(
            f"MNIST is not cached and OpenML cannot be reached; {OFFLINE_ADVICE}"
        ) from error
    except Exception as error:  # a corrupt cache, an unexpected reply …
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise BackpropError(
            f"fetching MNIST from OpenML failed ({reason}); {OFFLINE_ADVICE}"
        ) from error
    return x[:-TEST_SIZE], y[:-TEST_SIZE], x[-TEST_SIZE:], y[-TEST_SIZE:]


def _checked(images: np.ndarray, labels: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Images as float64 rows in [0, 1] and labels as int codes 0..9, or a BackpropError."""
    images = np.asarray(images)
    if images.shape[1:] not in ((28, 28), (784,)):
        raise BackpropError(f"MNIST {what} images have shape {images.shape}; expected (n, 28, 28)")
    try:
        codes = np.asarray(labels).ravel().astype(np.float64)
    except (TypeError, ValueError):
        raise BackpropError(f"MNIST {what} labels are not numbers") from None
    if len(codes) != len(images):
        raise BackpropError(f"MNIST {what} has {len(images)} images but {len(codes)} labels")
    if len(codes) and (codes.min() < 0 or codes.max() > 9 or np.any(codes % 1)):
        raise BackpropError(f"MNIST {what} labels must be whole numbers 0..9")
    pixels = images.reshape(len(images), 784).astype(np.float64)
    if pixels.size and (pixels.min() < 0 or pixels.max() > 255):
        raise BackpropError(f"MNIST {what} pixels must be 0..255")
    return pixels / 255.0, codes.astype(np.int64)


@register("mnist")
def mnist(
    path: str | None = None,
    cache: str | None = None,
    limit: int | None = None,
    seed: int = 0,
    train_ratio: float | None = None,
    scaling: str = "fixed",
) -> Dataset:
    """MNIST digits, pixels / 255 (or see SCALINGS), the standard split; ``limit`` keeps the
    first N train images.

    ``train_ratio`` pools both splits and draws a seeded stratified split instead (the seed
    matters only then).
    """
    seed = check_seed(seed)
    if train_ratio is not None:
        train_ratio = check_ratio(train_ratio)
    if limit is not None:
        limit = check_int("limit", limit, 1)
    if path is None:
        arrays = _fetch_openml(cache if cache is not None else default_cache())
    else:
        source = Path(path).expanduser()
        if source.is_dir():
            arrays = _read_idx_folder(source)
        elif source.is_file():
            arrays = _read_npz(source)
        else:
            raise BackpropError(f"MNIST path not found: {source}")
    x_train, y_train, x_test, y_test = arrays
    x_train, codes_train = _checked(x_train[:limit], y_train[:limit], "train")
    x_test, codes_test = _checked(x_test, y_test, "test")
    if not len(x_train) or not len(x_test):
        raise BackpropError("MNIST source has an empty train or test set")
    if train_ratio is not None:
        x_train, x_test, codes_train, codes_test = split(
            np.vstack([x_train, x_test]), np.concatenate([codes_train, codes_test]),
            train_ratio=train_ratio, seed=seed, stratify=np.concatenate([codes_train, codes_test]))
    x_train, x_test, levels = scaled(x_train, x_test, scaling)
    return digit_images(
        "mnist",
        x_train,
        codes_train,
        x_test,
        codes_test,
        image_shape=(28, 28),
        levels=levels,
        summary="MNIST 28×28" + (", min-max scaled" if scaling == "minmax" else ""),
        options={"path": path, "cache": cache, "limit": limit, "seed": seed,
                 **({"train_ratio": train_ratio} if train_ratio is not None else {}),
                 **({"scaling": scaling} if scaling != "fixed" else {})},
    )
