"""``backprop-tui serve``: the app in a web browser, through textual-serve, on 127.0.0.1.

Every browser tab runs its own ``backprop-tui`` process with the options ``serve`` was given.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import socket
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from backprop_tui.errors import BackpropError

if TYPE_CHECKING:
    from textual_serve.server import Server

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
QUIT_GRACE = 0.5
"""Seconds a tab's app may take to quit when the server stops, before it is killed (a served
app, left to itself, takes 2 to 3 s)."""


def app_argv(given: Mapping[str, object], actions: Iterable[argparse.Action]) -> list[str]:
    """The app's command-line options that give the values in ``given`` (by destination)."""
    argv: list[str] = []
    for action in actions:
        if action.dest not in given or not action.option_strings:
            continue
        value, flags = given[action.dest], action.option_strings
        if isinstance(action, argparse.BooleanOptionalAction):
            argv.append(flags[0] if value else next(f for f in flags if f.startswith("--no-")))
        elif action.nargs == 0:
            argv += [flags[0]] if value else []
        else:
            argv += [flags[0], str(value)]
    return argv


def app_command(argv: list[str]) -> str:
    """The shell command that opens the app with ``argv``, in this Python; ``exec`` makes the
    app the process textual-serve starts, so that stopping that process stops the app."""
    return "exec " + shlex.join([sys.executable, "-m", "backprop_tui", *argv])


def check_port(port: int) -> int:
    """``port``, if it is a port number that is free on HOST; else a BackpropError."""
    if not 1 <= port <= 65535:
        raise BackpropError(f"port must be between 1 and 65535, not {port}")
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio's server
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise BackpropError(port_taken(port, error)) from None
    return port


def port_taken(port: int, error: OSError) -> str:
    return f"cannot serve on {HOST}:{port}: {error.strerror or error} (pick another with --port N)"


def app_server(command: str, port: int) -> Server:
    """A textual-serve Server that ends its tabs at once when it stops.

    textual-serve on its own stops neither the tabs' apps nor their websockets when it stops,
    and aiohttp waits for every open websocket handler (about 20 s, until the heartbeat gives
    up); this one terminates each tab's app (killing it after QUIT_GRACE) and closes its tab.
    """
    from aiohttp import WSCloseCode
    from textual_serve.server import Server

    class AppServer(Server):
        def __init__(self) -> None:
            super().__init__(command, host=HOST, port=port, title="backprop-tui")
            self.tabs: set[tuple[Any, Any]] = set()
            """Each open tab's websocket and textual-serve AppService."""

        async def _process_messages(self, websocket: Any, app_service: Any) -> None:
            tab = (websocket, app_service)
            self.tabs.add(tab)
            try:
                await super()._process_messages(websocket, app_service)
            finally:
                self.tabs.discard(tab)

        async def on_shutdown(self, app: object) -> None:
            # textual-serve offers no public handle on a tab's process
            apps = [service._process for _, service in self.tabs if service._process]
            for process in apps:
                process.terminate()
            try:
                await asyncio.wait_for(asyncio.gather(*(p.wait() for p in apps)), QUIT_GRACE)
            except TimeoutError:
                for process in apps:
                    if process.returncode is None:
                        process.kill()
            await asyncio.gather(*(websocket.close(code=WSCloseCode.GOING_AWAY)
                                   for websocket, _ in self.tabs))

    return AppServer()


def serve(argv: list[str], port: int) -> int:
    """Serve the app with options ``argv`` at http://127.0.0.1:PORT until Ctrl+C or SIGTERM."""
    server = app_server(app_command(argv), check_port(port))
    print(f"backprop-tui: serving the app at http://{HOST}:{port} (Ctrl+C stops)",
          file=sys.stderr, flush=True)
    try:
        server.serve()
    except OSError as error:  # taken between the check and now
        raise BackpropError(port_taken(port, error)) from None
    return 0
