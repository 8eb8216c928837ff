"""The commands that give the network a new shape or kind: what each asks of
:func:`~backprop_tui.engine.rebuild` (the weights start afresh from the run's seed)."""

from __future__ import annotations

from backprop_tui.engine import HIDDEN_ACTIVATIONS, NORMS, Network
from backprop_tui.errors import BackpropError
from backprop_tui.live.commands import AddLayer, Command, Cycle, Rebuild, RemoveLayer, Resize

MAX_HIDDEN_LAYERS = 8
MAX_WIDTH = 1024


def _following(options: tuple[str, ...] | list[str], current: str) -> str:
    return options[(options.index(current) + 1) % len(options)]


def changes(command: Command, network: Network) -> dict[str, object]:
    """The :func:`~backprop_tui.engine.rebuild` settings ``command`` asks for; a change that
    cannot be made raises BackpropError."""
    sizes = network.sizes
    match command:
        case AddLayer():
            if len(sizes) - 2 >= MAX_HIDDEN_LAYERS:
                raise BackpropError(f"at most {MAX_HIDDEN_LAYERS} hidden layers")
            return {"sizes": (*sizes[:-1], sizes[-2] if len(sizes) > 2 else 8, sizes[-1])}
        case RemoveLayer():
            if len(sizes) <= 2:
                raise BackpropError("there is no hidden layer left to remove")
            return {"sizes": (*sizes[:-2], sizes[-1])}
        case Resize(layer, direction):
            if not 0 < layer < len(sizes) - 1:
                raise BackpropError("select a hidden layer to change its width")
            width = sizes[layer]
            wider = max(1, min(MAX_WIDTH, width + direction * max(1, width // 8)))
            return {"sizes": (*sizes[:layer], wider, *sizes[layer + 1:])}
        case Rebuild():
            return command.settings(sizes)
        case Cycle("norm"):
            return {"norm": _following(NORMS, network.norm)}
        case Cycle():
            return {"hidden": _following(list(HIDDEN_ACTIVATIONS), network.hidden.name)}
    raise BackpropError(f"{command!r} does not reshape the network")
