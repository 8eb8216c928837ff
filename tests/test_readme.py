"""Every shell line in the README's ```bash blocks works, as pasted in a clone.

Each line is one test (its id is the line). A line runs in a fresh temporary directory holding
a copy of ``assets/`` (so relative paths resolve as in the clone and files it writes land
there), with ``HOME`` pointed at an empty folder in it (``~`` is expanded as a shell would).
``backprop-tui ARGS`` runs as ``backprop_tui.cli.main(ARGS)`` (the console script's entry
point), in-process, changed only by these mechanical rules so that it ends quickly:

- ``train``: ``--epochs N`` becomes ``--steps 20``, ``--steps N`` is capped at 20, and a line
  with neither (its length from the defaults or a ``--config`` file) gets ``--steps 20``.
- the app (no subcommand): ``train`` with the same options plus ``--steps 5 --quiet``; with
  ``--record FILE``, the app's recording without its screen instead: the options parsed by the
  CLI's own parser and ``config_from``, a Trainer recording to FILE takes 5 steps and finishes
  the file.
- ``replay FILE``: as written.
- ``race``: as written; it must race headless (``--json``: the screen does not run here).
- ``serve``: a subprocess on a free port (the line's ``--port`` value replaced), fetched once
  (HTTP 200 with the page), then stopped.
- A file the line reads (``--load``, ``--config``, ``replay FILE``) that no asset provides is
  made first by running the README line that writes it (``--save``, ``--metrics``, ``--record``).

The quick start's lines are checked, not run (the suite does not install itself again): each
creates ``.venv`` with ``python3 -m venv``, installs the project with extras it defines, and
ends in either the test command, which ``.ci/run`` must run verbatim, or
``.venv/bin/backprop-tui`` with no options, which then runs by the app rule above.
``source .venv/bin/activate`` is checked to activate the environment the quick start makes.
Any other line fails: a new kind of README command needs a rule here.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from cli.serving import fetch, served

from backprop_tui import cli
from backprop_tui.live.commands import Step
from backprop_tui.live.trainer import Trainer

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINES = [line for block in re.findall(r"^```bash\n(.*?)^```", README, re.S | re.M)
         for line in block.splitlines() if line.strip()]
APP_STEPS = 5
MAX_STEPS = 20
SUBCOMMANDS = ("train", "replay", "serve", "race")
WRITES = ("--save", "--metrics", "--record")
READS = ("--load", "--config")
VENV = "python3 -m venv .venv"


def words(line: str) -> list[str]:
    """The line's words as a shell splits them (comments dropped, ``~`` expanded)."""
    return [os.path.expanduser(word) for word in shlex.split(line, comments=True)]


def value(argv: list[str], flag: str) -> str | None:
    return argv[argv.index(flag) + 1] if flag in argv else None


def without(argv: list[str], flag: str) -> list[str]:
    """``argv`` without ``flag`` and its value."""
    if flag not in argv:
        return argv
    at = argv.index(flag)
    return argv[:at] + argv[at + 2:]


def reads(argv: list[str]) -> list[str]:
    files = [value(argv, flag) for flag in READS]
    if argv[1:2] == ["replay"]:
        files.append(argv[2])
    return [file for file in files if file]


def writer_of(path: str) -> str:
    """The README line that writes ``path``."""
    for line in LINES:
        argv = words(line)
        if any(value(argv, flag) == path for flag in WRITES):
            return line
    raise AssertionError(f"no README line writes {path}, which another line reads")


def capped(argv: list[str]) -> list[str]:
    """``train`` options with the run's length capped at MAX_STEPS steps."""
    steps = min(int(value(argv, "--steps") or MAX_STEPS), MAX_STEPS)
    return without(without(argv, "--epochs"), "--steps") + ["--steps", str(steps)]


def record(options: list[str]) -> None:
    """What ``backprop-tui OPTIONS --record FILE`` records, without the screen."""
    given = cli.gather(cli.parser().parse_args(options))
    path = given.pop("record")
    trainer = Trainer(replace(cli.config_from(given), record=path, paused=True))
    trainer.apply(Step(APP_STEPS))
    trainer.close()


def check_quick_start(line: str) -> None:
    commands = line.split(" && ")
    assert commands[0] == VENV, "the quick start creates its virtual environment"
    install = shlex.split(commands[1])
    assert install[:2] == [".venv/bin/pip", "install"], "it installs into that environment"
    extras = re.findall(r"\[(.*)\]", install[-1])
    defined = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for extra in (extras[0].split(",") if extras else []):
        assert extra in defined["optional-dependencies"], f"no extra {extra!r}"
    if commands[-1] == ".venv/bin/python -m pytest":
        ci = (ROOT / ".ci" / "run").read_text().splitlines()
        assert line in ci, ".ci/run must run the README's test command verbatim"
    else:
        assert commands[2:] == [".venv/bin/backprop-tui"], "the app, with no options"
        run("backprop-tui")


def run(line: str) -> None:
    """Run one README line by the rules in the module's docstring."""
    if line.startswith(VENV):
        return check_quick_start(line)
    argv = words(line)
    if argv == ["source", ".venv/bin/activate"]:
        assert any(other.startswith(VENV + " && ") for other in LINES)
        return None
    assert argv[0] == "backprop-tui", f"no rule runs this README line: {line}"
    for path in reads(argv):
        if not Path(path).exists():
            run(writer_of(path))
    command, options = (argv[1], argv[2:]) if argv[1:2] and argv[1] in SUBCOMMANDS \
        else (None, argv[1:])
    if command == "serve":
        with served(*without(options, "--port")) as server:
            status, page = fetch(server.url + "/")
            assert status == 200 and "<html" in page.lower()
    elif command == "train":
        assert cli.main(["train", *capped(options)]) == 0
    elif command == "replay":
        assert cli.main(argv[1:]) == 0
    elif command == "race":
        assert "--json" in options and cli.main(argv[1:]) == 0
    elif "--record" in options:
        record(options)
        assert Path(str(value(options, "--record"))).is_file()
    else:
        assert cli.main(["train", *options, "--steps", str(APP_STEPS), "--quiet"]) == 0
    return None


def test_the_readme_has_shell_lines():
    assert len(LINES) >= 10 and sum(line.startswith(VENV) for line in LINES) == 2


@pytest.mark.parametrize("line", LINES, ids=[line.split("  #")[0].strip() for line in LINES])
def test_readme_line_works(line, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "assets", tmp_path / "assets", ignore=shutil.ignore_patterns("*.svg"))
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    run(line)


@pytest.mark.parametrize("block", re.findall(r"^```python\n(.*?)^```", README, re.S | re.M),
                         ids=lambda block: block.splitlines()[0])
def test_readme_python_block_runs_and_prints_what_it_promises(block, capsys):
    """Each ```python block runs as written; a ``# {…}`` comment on a print line is what it
    prints, with ``…`` standing for the digits left out."""
    exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    promised = [line.split("# ", 1)[1] for line in block.splitlines()
                if line.startswith("print(") and "# " in line]
    assert len(printed) == len(promised)
    for shown, promise in zip(printed, promised, strict=True):
        pattern = ".*".join(re.escape(part) for part in promise.split("…"))
        assert re.fullmatch(pattern, shown), (shown, promise)
