"""``backprop-tui serve`` in a subprocess, for the tests that talk to it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.error import URLError


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 20.0) -> tuple[int, str]:
    """The status and text of ``url``, retried until the server answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read().decode()
        except (URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    err: str = ""
    """The server's stderr, once it has stopped."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def served(*options: str) -> Iterator[Served]:
    """``backprop-tui serve OPTIONS`` on a free port, in its own process group (as a terminal
    would start it); stopped with SIGTERM at the end if it still runs."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "backprop_tui", "serve", "--port", str(port), *options],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    server = Served(process, port)
    try:
        yield server
    finally:
        process.terminate()
        try:
            _, err = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
        server.err = err.decode()
