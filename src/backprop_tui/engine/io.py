"""Save and load networks as ``.npz`` files, written atomically.

A file holds ``meta`` (JSON: architecture, activations, ``norm``, hyperparameters), ``params``
(the flat parameter vector: weights, biases, then γ over β of each normalised hidden layer)
and ``running`` (batch norm: each hidden layer's running mean over running variance; else
empty).
Files written before normalisation existed have no ``norm`` and load as ``none``.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO

import numpy as np

from backprop_tui.engine.network import Network
from backprop_tui.engine.session import Hyperparameters
from backprop_tui.errors import BackpropError

FORMAT = "backprop-tui network"
VERSION = 1


def atomic_write(path: str | Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it into place,
    so a crash never leaves a half-written file and an old file survives a failed write."""
    path = Path(path)
    if path.is_dir():
        raise BackpropError(f"cannot write {path}: it is a folder")
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    except OSError as error:
        raise BackpropError(f"cannot write {path}: {error.strerror}") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)  # as a plain open() would, not mkstemp's 0600
        with os.fdopen(handle, "wb") as file:
            write(file)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def save(network: Network, path: str | Path, hyper: Hyperparameters | None = None) -> Path:
    """Write the architecture, weights and (optionally) hyperparameters to ``path``."""
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "sizes": list(network.sizes),
        "hidden": network.hidden.name,
        "output": network.loss.output.name,
        "loss": network.loss.name,
        "init": network.init,
        "dtype": network.dtype.name,
        "bias": network.bias,
        "norm": network.norm,
        "hyperparameters": asdict(hyper) if hyper else None,
    }
    text = np.array(json.dumps(meta))
    running = network.state[network.n_params:]  # empty unless batch norm
    atomic_write(path, lambda file: np.savez(file, meta=text, params=network.flat,
                                             running=running))
    return Path(path)


def load(path: str | Path) -> tuple[Network, Hyperparameters | None]:
    """Read a file written by :func:`save`; any problem is one clear BackpropError."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(str(archive["meta"]))
            params = archive["params"]
            running = archive["running"] if "running" in archive.files else None
    except FileNotFoundError:
        raise BackpropError(f"{path}: no such file") from None
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, EOFError):
        raise BackpropError(f"{path}: not a backprop-tui network file (unreadable)") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BackpropError(f"{path}: not a backprop-tui network file")
    if meta.get("version") != VERSION:
        raise BackpropError(f"{path}: file format version {meta.get('version')} is not supported")
    try:
        network = Network(meta["sizes"], meta["hidden"], meta["output"], meta["loss"],
                          meta["init"], dtype=meta["dtype"], bias=meta.get("bias", True),
                          norm=meta.get("norm", "none"))
        hyper = Hyperparameters(**meta["hyperparameters"]) if meta["hyperparameters"] else None
    except (KeyError, TypeError) as error:
        raise BackpropError(f"{path}: incomplete network description ({error})") from None
    if params.shape != network.flat.shape:
        raise BackpropError(
            f"{path}: holds {params.size} parameters, but {network.describe()} needs "
            f"{network.flat.size}"
        )
    network.flat[:] = params
    if network.n_running:
        if running is None or running.shape != (network.n_running,):
            raise BackpropError(f"{path}: batch norm's running statistics are missing")
        network.state[network.n_params:] = running
    return network, hyper
