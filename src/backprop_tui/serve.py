"""``backprop-tui serve``: the app in a web browser, through textual-serve, on 127.0.0.1.

Every browser tab runs its own ``backprop-tui`` process with the options ``serve`` was given.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Iterable, Mapping

from backprop_tui.errors import BackpropError

HOST = "127.0.0.1"
DEFAULT_PORT = 8000


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
    """The shell command that opens the app with ``argv``, in this Python."""
    return shlex.join([sys.executable, "-m", "backprop_tui", *argv])


def check_port(port: int) -> int:
    if not 1 <= port <= 65535:
        raise BackpropError(f"port must be between 1 and 65535, not {port}")
    return port


def serve(argv: list[str], port: int) -> int:
    """Serve the app with options ``argv`` at http://127.0.0.1:PORT until Ctrl+C or SIGTERM."""
    from textual_serve.server import Server

    server = Server(app_command(argv), host=HOST, port=check_port(port), title="backprop-tui")
    print(f"backprop-tui: serving the app at http://{HOST}:{port} (Ctrl+C stops)",
          file=sys.stderr, flush=True)
    try:
        server.serve()
    except OSError as error:
        raise BackpropError(f"cannot serve on {HOST}:{port}: {error.strerror or error}") from None
    return 0
