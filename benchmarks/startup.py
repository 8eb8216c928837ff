"""How long ``backprop-tui`` takes to show its first frame and its first live step.

    python benchmarks/startup.py [--runs 5] [--src PATH] [-- app options…]

Starts the real console command (``backprop-tui`` beside this Python, else ``python -m
backprop_tui``; the default preset unless app options follow ``--``) in a pseudo-terminal
of 100×32 with TERM=xterm-256color, and times from the start of the process:

- **first frame**: the first output that draws the app's screen (a panel's title or the
  status bar's text);
- **first step**: the first drawn status that reads ``step N`` with N ≥ 1.

Then presses ``q`` and checks that the app, and every process it started, has gone. Prints
each run and the median of the runs, with the machine's load average. ``--src`` puts another
checkout's ``src`` first on the path (e.g. the code before a change, to compare).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

COLUMNS, LINES = 100, 32
ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
FIRST_FRAME = re.compile(r"starting the trainer|RUNNING|PAUSED|weights per layer")
LIVE_STEP = re.compile(r"step (\d[\d,]*)")
TIMEOUT = 30.0


def visible(raw: bytes) -> str:
    """The text in ``raw`` terminal output, escape sequences removed."""
    return ESCAPE.sub("", raw.decode("utf-8", "replace"))


def session_processes(sid: int) -> list[int]:
    """Process ids still alive in session ``sid`` (zombies excluded)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds to the first frame, to the first live step, and from ``q`` until every
    process has gone, for one start of the app."""
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=terminal, stdout=terminal, stderr=terminal,
                               env=env, start_new_session=True, close_fds=True)
    os.close(terminal)
    first_frame = first_step = None
    seen = b""
    try:
        while first_step is None:
            if time.perf_counter() - start > TIMEOUT:
                raise RuntimeError(f"no live step within {TIMEOUT:g} s:\n{visible(seen)[-600:]}")
            ready, _, _ = select.select([controller], [], [], 0.05)
            if not ready:
                continue
            chunk = os.read(controller, 65536)
            now = time.perf_counter() - start
            seen += chunk
            text = visible(seen[-8192:])
            if first_frame is None and FIRST_FRAME.search(text):
                first_frame = now
            if first_frame is not None and any(
                    int(n.replace(",", "")) >= 1 for n in LIVE_STEP.findall(text)):
                first_step = now
        os.write(controller, b"q")
        quitting = time.perf_counter()
        drain_until_exit(controller, process)
        quit_time = time.perf_counter() - quitting
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(controller)
    left = session_processes(process.pid)
    if left:
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        raise RuntimeError(f"processes left behind after quitting: {left}")
    assert first_frame is not None
    return first_frame, first_step, quit_time


def drain_until_exit(controller: int, process: subprocess.Popen[bytes]) -> None:
    """Read the terminal (so the app never blocks writing) until the app exits."""
    deadline = time.perf_counter() + 10
    while process.poll() is None:
        if time.perf_counter() > deadline:
            raise RuntimeError("the app did not quit within 10 s of q")
        ready, _, _ = select.select([controller], [], [], 0.05)
        if ready:
            try:
                os.read(controller, 65536)
            except OSError:
                break
    process.wait(timeout=10)
    # the trainer may still be finishing: give the session a moment to empty
    for _ in range(100):
        if not session_processes(process.pid):
            return
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", help="a checkout's src folder to run instead of this one's")
    parser.add_argument("options", nargs="*", help="app options (after --)")
    args = parser.parse_args()
    src = Path(args.src or Path(__file__).resolve().parents[1] / "src").resolve()
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor",
               PYTHONPATH=str(src), COLUMNS=str(COLUMNS), LINES=str(LINES))
    script = Path(sys.executable).with_name("backprop-tui")  # the installed console command
    command = [str(script) if script.exists() else sys.executable, *(
        [] if script.exists() else ["-m", "backprop_tui"]), *args.options]
    print(f"{src}  load average {os.getloadavg()[0]:.2f}")
    frames, steps = [], []
    for run in range(args.runs):
        frame, step, quit_time = run_once(command, env)
        frames.append(frame)
        steps.append(step)
        print(f"run {run + 1}: first frame {frame:.3f} s  first step {step:.3f} s  "
              f"(quit and gone in {quit_time:.2f} s)")
    print(f"median of {args.runs}: first frame {statistics.median(frames):.3f} s  "
          f"first step {statistics.median(steps):.3f} s  "
          f"(load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
