"""The one-way import graph: app → live → engine, data (and errors), with the command-line
modules (cli, headless, serve, replay, …) on top. Every import counts, also one inside a
function or an ``if TYPE_CHECKING:`` block."""

from __future__ import annotations

import ast
from pathlib import Path

import backprop_tui

PACKAGE = Path(backprop_tui.__file__).parent
LAYERS = {"engine": 0, "data": 0, "errors": 0, "live": 1, "app": 2}
"""The layer of each part of the package; any other module is on top."""
TOP = 3


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.get(parts[1], TOP) if len(parts) > 1 else TOP


def is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported(source: str, module: str) -> set[str]:
    """The backprop_tui modules ``source`` imports; ``module`` is its name (a package's
    ``__init__`` included), which relative imports start from."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".")[:-node.level]
                base = ".".join([*here, base] if base else here)
            found.update(f"{base}.{alias.name}" if is_module(f"{base}.{alias.name}") else base
                         for alias in node.names)
    return {name for name in found if name.split(".")[0] == "backprop_tui"}


def upward(sources: dict[str, str]) -> list[str]:
    """Each import of a module from a higher layer, as ``importer → imported``."""
    return [f"{module} → {target}"
            for module, source in sorted(sources.items())
            for target in sorted(imported(source, module))
            if layer(target) > layer(module)]


def package_sources() -> dict[str, str]:
    """Every module's source by name (``backprop_tui.live.__init__`` for a package)."""
    return {".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts): path.read_text()
            for path in PACKAGE.rglob("*.py")}


def test_no_module_imports_from_a_layer_above_it():
    sources = package_sources()
    assert len(sources) > 40 and "backprop_tui.live.trainer" in sources
    assert upward(sources) == []


def test_the_check_finds_an_upward_import_wherever_it_hides():
    hidden = {
        "backprop_tui.engine.fake": "from backprop_tui.live import trainer\n",
        "backprop_tui.live.fake": "def f():\n    from backprop_tui.app.app import BackpropApp\n",
        "backprop_tui.data.fake": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                  "    import backprop_tui.replay\n",
        "backprop_tui.app.fake": "from .. import cli\n",
        "backprop_tui.live.fine": "from backprop_tui.engine import Network\nfrom . import config\n"
                                  "from backprop_tui.errors import BackpropError\n",
    }
    assert upward(hidden) == [
        "backprop_tui.app.fake → backprop_tui.cli",
        "backprop_tui.data.fake → backprop_tui.replay",
        "backprop_tui.engine.fake → backprop_tui.live.trainer",
        "backprop_tui.live.fake → backprop_tui.app.app",
    ]
