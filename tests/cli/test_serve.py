"""``backprop-tui serve``: the app in a browser through textual-serve."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from backprop_tui.cli import common_options, main, parser
from backprop_tui.serve import app_argv, app_command

from .serving import fetch, free_port, served


def test_serve_answers_with_the_app_page():
    with served("--dataset", "xor") as server:
        status, page = fetch(server.url + "/")
        assert status == 200 and "<html" in page.lower()
    assert server.url in server.err


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


@pytest.mark.parametrize("options", [
    ["--arch", "3-4-2"],
    ["--dataset", "csv:bad.csv"],
    ["--taken"],
], ids=["bad-arch", "bad-csv", "taken-port"])
def test_bad_options_stop_serve_before_it_serves(options, tmp_path):
    """One line and exit status 2, as the plain app; nothing is served meanwhile."""
    (tmp_path / "bad.csv").write_text("x,y\n1,2\nhello,3\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1] if options == ["--taken"] else free_port()
        result = subprocess.run(
            [sys.executable, "-m", "backprop_tui", "serve", "--port", str(port),
             *(o for o in options if o != "--taken")],
            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("backprop-tui: error: ")
    assert "serving" not in result.stderr
    expected = {"bad-arch": "does not fit data set 'adder'", "bad-csv": "row 3",
                "taken-port": f"cannot serve on 127.0.0.1:{port}: Address already in use"}
    assert any(text in result.stderr for text in expected.values())


def descendants(pid: int) -> set[int]:
    """The processes under ``pid``, from Linux's /proc."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in map(int, (task / "children").read_text().split()):
            found |= {child} | descendants(child)
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


STOP_LIMIT = 10.0
"""Seconds the stop test waits for the server and its apps to exit (the poll's limit)."""


async def open_tab_then_stop(url: str, stop) -> None:
    """Open a tab (the app's websocket) and wait until its app has drawn; then ``stop()`` and
    read on, as a browser does, until the server closes the tab (within STOP_LIMIT)."""
    async with aiohttp.ClientSession() as session, \
            session.ws_connect(f"{url}/ws?width=80&height=24") as tab:
        drawn = await tab.receive(timeout=30)
        assert drawn.type == aiohttp.WSMsgType.BINARY, drawn
        stop()
        closing = {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING,
                   aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR}
        async with asyncio.timeout(STOP_LIMIT):
            while (await tab.receive()).type not in closing:
                pass


@pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
                    reason="needs Linux's /proc/PID/task/TID/children")
@pytest.mark.parametrize("ctrl_c", [False, True], ids=["SIGTERM", "Ctrl+C"])
def test_stopping_with_a_tab_open_ends_the_server_and_its_apps(ctrl_c):
    """SIGTERM to the server, or SIGINT to its process group as Ctrl+C in its terminal sends,
    while a tab's app runs: the server exits, and so do the tab's app and its trainer (each
    waited for, STOP_LIMIT seconds after the signal at most; textual-serve alone takes 20 s)."""
    with served("--dataset", "xor") as server:
        fetch(server.url + "/")
        pid, apps, stopped_at = server.process.pid, set(), []

        def stop() -> None:
            apps.update(descendants(pid))
            stopped_at.append(time.monotonic())
            if ctrl_c:
                os.killpg(pid, signal.SIGINT)
            else:
                os.kill(pid, signal.SIGTERM)

        asyncio.run(open_tab_then_stop(server.url, stop))
        deadline = stopped_at[0] + STOP_LIMIT
        assert len(apps) >= 2  # the tab's app and its trainer
        assert server.process.wait(timeout=max(0.0, deadline - time.monotonic())) == 0
    while any(map(running, apps)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(running, apps))
