"""``backprop-tui serve``: the app in a browser through textual-serve."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from backprop_tui.cli import common_options, main, parser
from backprop_tui.serve import app_argv, app_command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 60.0) -> tuple[int, str]:
    """The status and text of ``url``, polled until the server (another process, with no
    way to say it listens) answers; ``timeout`` only turns a dead server into a failure."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read().decode()
        except OSError:  # refused, reset or timed out while it starts
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_answers_with_the_app_page():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "backprop_tui", "serve", "--port", str(port), "--dataset", "xor"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        status, page = fetch(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<html" in page.lower()
    finally:
        server.terminate()
        try:
            _, err = server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            _, err = server.communicate()
    assert f"http://127.0.0.1:{port}" in err.decode()


def test_the_served_command_keeps_the_app_options():
    args = parser().parse_args(["serve", "--dataset", "xor", "--lr", "0.1", "--paused",
                                "--no-early-stopping", "--port", "9000"])
    given = {k: v for k, v in vars(args).items() if k not in ("command", "port")}
    argv = app_argv(given, common_options()._actions)
    assert argv == ["--dataset", "xor", "--lr", "0.1", "--no-early-stopping", "--paused"]
    assert app_command(argv).endswith("-m backprop_tui --dataset xor --lr 0.1 "
                                      "--no-early-stopping --paused")


@pytest.mark.parametrize("port", ["0", "70000"])
def test_a_bad_port_is_one_line(capsys, port):
    assert main(["serve", "--port", port]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"port must be between 1 and 65535, not {port}" in err
