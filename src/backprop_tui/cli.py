"""``backprop-tui``: open the app (``backprop-tui [options]``), train without it
(``backprop-tui train [options]``) or serve it in a browser (``backprop-tui serve``), with one
definition of the options they take; ``backprop-tui replay FILE`` re-runs a ``--record`` file
and ``backprop-tui race RUN RUN`` races runs side by side.

Bad input ends here with one line on stderr and exit status 2, before the screen opens or
training starts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import fields, replace
from pathlib import Path
from typing import Any, NoReturn

from backprop_tui.engine import Hyperparameters
from backprop_tui.errors import BackpropError
from backprop_tui.live import runfile
from backprop_tui.live.config import (
    DEFAULT_PRESET,
    PRESETS,
    RunConfig,
    build_session,
    preset_for_dataset,
)

HYPER_HELP = {
    "learning_rate": "learning rate",
    "batch_size": "mini-batch size",
    "momentum": "momentum (momentum and nesterov optimizers)",
    "l2": "L2 penalty",
    "l1": "L1 penalty",
    "clip": "largest gradient norm (0: no clipping)",
}
"""Help for hyperparameter options; a field not named here shows its ``help`` metadata or
its name."""
DATA_FLAGS = {"classes": ("classes", "blobs"), "curve": ("f", "function")}
"""The options of one 2-D set: flag (destination) → (data option, the data set's name)."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (no usage block), exit status 2."""

    def error(self, message: str) -> NoReturn:
        hint = "" if "choose from" in message else f" (see {self.prog} --help)"
        self.exit(2, f"backprop-tui: error: {' '.join(message.split())}{hint}\n")


def common_options() -> Parser:
    """The options the app and every subcommand share, as a parent parser.

    Options not given stay out of the namespace, so a ``--config`` file fills them."""
    from backprop_tui.data.shapes2d import CLASSES, CURVES
    from backprop_tui.engine import HIDDEN_ACTIVATIONS, INITIALISATIONS, NORMS

    p = Parser(add_help=False, argument_default=argparse.SUPPRESS)
    p.add_argument("--config", metavar="FILE.toml", help="read options from a TOML file "
                   "(keys: the long option names, e.g. batch-size = 16); flags override it")
    p.add_argument("--preset", choices=list(PRESETS), help=f"start from a preset "
                   f"(default: {DEFAULT_PRESET}, or the data set's own)")
    p.add_argument("--dataset", help="adder, regression, celsius, digits, mnist, circle, xor, "
                   "gauss, spiral, moons, or csv:PATH")
    p.add_argument("--data-path", help="MNIST IDX folder or .npz file")
    p.add_argument("--target", help="CSV target column (default: the last one)")
    p.add_argument("--classes", type=int, choices=range(CLASSES[0], CLASSES[1] + 1),
                   metavar="N", help=f"blobs: how many classes, {CLASSES[0]} to {CLASSES[1]} "
                   "(default 3)")
    p.add_argument("--curve", choices=list(CURVES), help="function: the boundary y = f(x): "
                   "sin, cubic (x³ − x) or abs (|x|) (default sin)")
    p.add_argument("--arch", help="layer sizes, e.g. 8-12-12-4 (inputs-hidden…-outputs)")
    p.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, help="hidden activation")
    p.add_argument("--init", choices=INITIALISATIONS,
                   help="weight initialisation: auto (He for ReLU, else Glorot), he, glorot; "
                        "normal N(0,1), normal0.1 N(0,1)·0.1, uniform U[0,1) (these three draw "
                        "the biases too)")
    p.add_argument("--norm", choices=NORMS, help="normalise each hidden layer: none, batch "
                   "(batch norm) or layer (layer norm); N cycles it in the app")
    add_hyperparameters(p)
    p.add_argument("--seed", type=int, help="random seed (default 0)")
    p.add_argument("--float32", action="store_true", help="train in float32")
    p.add_argument("--speed", type=float, help="steps per second (0: flat out)")
    p.add_argument("--paused", action="store_true", help="open paused")
    p.add_argument("--load", metavar="FILE.npz", help="start from a saved network: its "
                   "architecture, activations and weights (hyperparameters from the options)")
    return p


def add_hyperparameters(p: argparse.ArgumentParser) -> None:
    """One option per scalar field of Hyperparameters (``--lr`` for the learning rate)."""
    from backprop_tui.engine import OPTIMIZERS

    choices = {"optimizer": list(OPTIMIZERS)}
    for f in fields(Hyperparameters):
        kind = runfile.field_kind(f)
        if kind is None:
            continue
        flags = [f"--{name}" for name in runfile.hyper_flags(f.name)]
        text = HYPER_HELP.get(f.name) or f.metadata.get("help") or f.name.replace("_", " ")
        how: dict[str, Any] = {"action": argparse.BooleanOptionalAction} if kind is bool \
            else {"type": kind, "choices": choices.get(f.name), "metavar": None
                  if f.name in choices else flags[0][2:].upper().replace("-", "_")}
        with suppress(argparse.ArgumentError):  # a field named like another option
            p.add_argument(*flags, dest=f.name, help=text, **how)


def add_train_options(p: argparse.ArgumentParser) -> None:
    """The options only ``train`` takes."""
    from backprop_tui.headless import TrainOptions

    length = p.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=int, metavar="N",
                        help=f"train N epochs (default: the preset's own, as a post "
                        f"trains, else {TrainOptions.epochs})")
    length.add_argument("--steps", type=int, metavar="N", help="train N mini-batches instead")
    p.add_argument("--json", action="store_true",
                   help="print one JSON summary line on stdout instead of the table")
    p.add_argument("--metrics", metavar="FILE.csv", help="write the per-epoch history as CSV")
    p.add_argument("--save", metavar="FILE.npz", help="save the trained network")
    p.add_argument("--save-points", metavar="FILE.csv", help="write a 2-D set's points, "
                   "training and test (a split column says which), as CSV; read them back "
                   "with --dataset csv:FILE.csv")
    p.add_argument("--force", action="store_true",
                   help="overwrite existing --save, --metrics and --save-points files")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no table")


def parsers() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The app's parser (with the subcommands) and the ``train`` subcommand's."""
    from backprop_tui.race import add_parser as add_race_parser
    from backprop_tui.serve import DEFAULT_PORT  # here: the trainer process imports this module

    common = common_options()
    app = Parser(
        prog="backprop-tui", parents=[common],
        description="Watch a neural network learn, and steer it, in your terminal.",
        epilog="Presets: " + ", ".join(PRESETS) + ".  Keys: press F1 in the app.",
    )
    commands = app.add_subparsers(dest="command", metavar="[COMMAND]", title="commands",
                                  description="without a command, the app opens")
    train = commands.add_parser(
        "train", parents=[common], argument_default=argparse.SUPPRESS,
        help="train without the UI (backprop-tui train --help)",
        description="Train without the UI: progress and a metrics table on stderr. Exit "
                    "status 0 when done, 1 if training diverged, 2 for bad input.",
    )
    add_train_options(train)
    app.add_argument("--record", metavar="FILE.jsonl", default=argparse.SUPPRESS,
                     help="record the configuration and every command that changes training "
                          "(backprop-tui replay FILE re-runs it)")
    replay = commands.add_parser(
        "replay", help="re-run a --record file without the UI and compare the final metrics",
        description="Re-run a recorded session without the UI: the final test metrics on "
                    "stderr, and whether they match the recording. Exit status 0 when "
                    "identical, 1 when different, 2 for a bad file.")
    replay.add_argument("file", metavar="FILE.jsonl", help="a file written with --record")
    replay.add_argument("--json", action="store_true", help="print one JSON line on stdout")
    serve = commands.add_parser(
        "serve", parents=[common], argument_default=argparse.SUPPRESS,
        help="serve the app in a web browser on 127.0.0.1 (textual-serve)",
        description="Serve the app, with these options, in a web browser on 127.0.0.1.")
    serve.add_argument("--port", type=int, metavar="N",
                       help=f"port to listen on (default {DEFAULT_PORT})")
    add_race_parser(commands)
    return app, train


def parser() -> argparse.ArgumentParser:
    return parsers()[0]


def config_keys() -> dict[str, runfile.Key]:
    """Every key a ``--config`` file may hold: the long options of ``train``."""
    return runfile.schema(parsers()[1]._actions)


def gather(args: argparse.Namespace) -> dict[str, Any]:
    """The options given, by destination: a ``--config`` file's, overridden by the flags."""
    given = {k: v for k, v in vars(args).items() if k != "command"}
    path = given.pop("config", None)
    if path is None:
        return given
    from_file = runfile.read(path, config_keys())
    for flag, other in (("steps", "epochs"), ("epochs", "steps")):
        if flag in given:
            from_file.pop(other, None)
    return from_file | given


def config_from(args: argparse.Namespace | Mapping[str, Any]) -> RunConfig:
    """A RunConfig from parsed arguments (or gathered options); raises BackpropError for
    bad values."""
    from backprop_tui.data import names
    from backprop_tui.engine import parse_sizes

    given = gather(args) if isinstance(args, argparse.Namespace) else dict(args)
    dataset = given.get("dataset")
    if given.get("preset"):
        config = PRESETS[given["preset"]].config
    elif dataset:
        config = preset_for_dataset(dataset)
    else:
        config = PRESETS[DEFAULT_PRESET].config
    if dataset:
        name = dataset.split(":")[0]
        if name not in names():
            raise BackpropError(f"unknown data set {dataset!r}; choose one of: "
                                f"{', '.join(n for n in names() if n != 'csv')}, csv:PATH")
        if name == "csv" and not dataset[4:]:
            raise BackpropError("csv needs a path: --dataset csv:path/to/file.csv")
        config = replace(config, dataset=dataset)
    options = dict(config.data_options)
    if given.get("data_path"):
        options["path"] = given["data_path"]
    if given.get("target"):
        options["target"] = given["target"]
    for flag, (option, owner) in DATA_FLAGS.items():
        if given.get(flag) is not None:
            if config.dataset != owner:
                raise BackpropError(f"--{flag} is an option of the {owner} data set, not of "
                                    f"{config.dataset}")
            options[option] = given[flag]
    config = replace(config, data_options=options)
    if given.get("arch"):
        config = config.with_arch(parse_sizes(given["arch"]))
    hyper = {f.name: given[f.name] for f in fields(Hyperparameters) if f.name in given}
    config = replace(config, hyper=replace(config.hyper, **hyper))
    if given.get("speed") is not None:
        if given["speed"] < 0:
            raise BackpropError(f"speed must be ≥ 0 steps per second, not {given['speed']:g}")
        config = replace(config, speed=given["speed"] or None)
    if given.get("seed") is not None and given["seed"] < 0:
        raise BackpropError(f"seed must be ≥ 0, not {given['seed']}")
    settings: dict[str, Any] = {"hidden": given.get("activation"), "init": given.get("init"),
                                "seed": given.get("seed"), "norm": given.get("norm")}
    if given.get("load"):
        settings["weights"] = str(Path(given["load"]).expanduser())
    config = replace(config, **{k: v for k, v in settings.items() if v is not None})
    return replace(config, dtype="float32" if given.get("float32") else config.dtype,
                   paused=bool(given.get("paused")) or config.paused)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "replay":
            from backprop_tui.replay import main as replay

            return replay(args.file, args.json)
        if args.command == "race":
            from backprop_tui.race import main as race

            return race(args)
        given = gather(args)
        record = given.pop("record", None)
        if record and args.command:
            raise BackpropError(f"--record is an app option, not one of {args.command}'s")
        config = config_from(given)
        if args.command == "train":
            from backprop_tui.headless import train

            return train(config, given)
        check_own_input(config)
        if args.command == "serve":
            from backprop_tui.serve import DEFAULT_PORT, app_argv, serve

            options = {k: v for k, v in vars(args).items() if k not in ("command", "port")}
            return serve(app_argv(options, common_options()._actions),
                         getattr(args, "port", DEFAULT_PORT))
        if record:
            from backprop_tui.headless import check_target

            check_target(record, force=True)
            config = replace(config, record=record)
    except BackpropError as error:
        return fail(error)
    except KeyboardInterrupt:
        return 130
    return open_app(config)


def check_own_input(config: RunConfig) -> None:
    """Build a run made from the person's own files or sizes (or augmented without images),
    so that its mistakes are reported (as BackpropError) before the app opens or is served;
    the built-in data sets start straight away."""
    if (config.dataset.startswith("csv:") or config.io_sizes or config.weights
            or config.data_options.get("path")
            or (config.hyper.augment != "off" and config.dataset not in ("digits", "mnist"))):
        build_session(config)


def open_app(config: RunConfig) -> int:
    """Start the trainer and open the app at once; the panels fill when the trainer is ready."""
    from backprop_tui.live.backend import ProcessBackend

    backend = ProcessBackend(config)
    backend.start()
    try:
        from backprop_tui.app.app import BackpropApp  # imported while the trainer starts

        app = BackpropApp(config, backend)
        app.run()
    except KeyboardInterrupt:
        return 130
    finally:
        backend.close()
    return fail(app.fatal) if app.fatal else 0


def fail(error: object) -> int:
    print(f"backprop-tui: error: {error}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
