"""``backprop-tui``: parse the command line, start the trainer, open the app.

Bad input ends here with one line on stderr and exit status 2, before the screen opens.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace

from backprop_tui.errors import BackpropError
from backprop_tui.live.config import DEFAULT_PRESET, PRESETS, RunConfig, preset_for_dataset

START_TIMEOUT = 120.0
"""Seconds to wait for the trainer's first snapshot (MNIST may need to load)."""


def parser() -> argparse.ArgumentParser:
    from backprop_tui.engine import HIDDEN_ACTIVATIONS, INITIALISATIONS, OPTIMIZERS

    p = argparse.ArgumentParser(
        prog="backprop-tui",
        description="Watch a neural network learn, and steer it, in your terminal.",
        epilog="Presets: " + ", ".join(PRESETS) + ".  Keys: press F1 in the app.",
    )
    p.add_argument("--preset", choices=list(PRESETS), help=f"start from a preset "
                   f"(default: {DEFAULT_PRESET}, or the data set's own)")
    p.add_argument("--dataset", help="adder, regression, celsius, digits, mnist, circle, xor, "
                   "gauss, spiral, moons, or csv:PATH")
    p.add_argument("--data-path", help="MNIST IDX folder or .npz file")
    p.add_argument("--target", help="CSV target column (default: the last one)")
    p.add_argument("--arch", help="layer sizes, e.g. 8-12-12-4 (inputs-hidden…-outputs)")
    p.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, help="hidden activation")
    p.add_argument("--init", choices=INITIALISATIONS, help="weight initialisation")
    p.add_argument("--optimizer", choices=list(OPTIMIZERS))
    p.add_argument("--lr", type=float, help="learning rate")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--momentum", type=float)
    p.add_argument("--l2", type=float, help="L2 penalty")
    p.add_argument("--l1", type=float, help="L1 penalty")
    p.add_argument("--clip", type=float, help="largest gradient norm (0: no clipping)")
    p.add_argument("--seed", type=int, help="random seed (default 0)")
    p.add_argument("--float32", action="store_true", help="train in float32")
    p.add_argument("--speed", type=float, help="steps per second (0: flat out)")
    p.add_argument("--paused", action="store_true", help="open paused")
    return p


def config_from(args: argparse.Namespace) -> RunConfig:
    """A RunConfig from parsed arguments; raises BackpropError for bad values."""
    from backprop_tui.data import names
    from backprop_tui.engine import Hyperparameters, parse_sizes

    if args.preset:
        config = PRESETS[args.preset].config
    elif args.dataset:
        config = preset_for_dataset(args.dataset)
    else:
        config = PRESETS[DEFAULT_PRESET].config
    if args.dataset:
        name = args.dataset.split(":")[0]
        if name not in names():
            raise BackpropError(f"unknown data set {args.dataset!r}; choose one of: "
                                f"{', '.join(n for n in names() if n != 'csv')}, csv:PATH")
        if name == "csv" and not args.dataset[4:]:
            raise BackpropError("csv needs a path: --dataset csv:path/to/file.csv")
        config = replace(config, dataset=args.dataset)
    options = dict(config.data_options)
    if args.data_path:
        options["path"] = args.data_path
    if args.target:
        options["target"] = args.target
    config = replace(config, data_options=options)
    if args.arch:
        config = config.with_arch(parse_sizes(args.arch))
    hyper = {k: v for k, v in {
        "learning_rate": args.lr, "batch_size": args.batch_size, "optimizer": args.optimizer,
        "momentum": args.momentum, "l2": args.l2, "l1": args.l1, "clip": args.clip,
    }.items() if v is not None}
    config = replace(config, hyper=Hyperparameters(**{**vars(config.hyper), **hyper}))
    if args.speed is not None:
        if args.speed < 0:
            raise BackpropError(f"speed must be ≥ 0 steps per second, not {args.speed:g}")
        config = replace(config, speed=args.speed or None)
    settings = {"hidden": args.activation, "init": args.init, "seed": args.seed}
    config = replace(config, **{k: v for k, v in settings.items() if v is not None})
    if args.seed is not None and args.seed < 0:
        raise BackpropError(f"seed must be ≥ 0, not {args.seed}")
    return replace(config, dtype="float32" if args.float32 else config.dtype,
                   paused=args.paused or config.paused)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        config = config_from(args)
    except BackpropError as error:
        return fail(error)
    from backprop_tui.live.backend import ProcessBackend
    from backprop_tui.live.trainer import Failure

    backend = ProcessBackend(config)
    backend.start()
    try:
        from backprop_tui.app.app import BackpropApp  # imported while the trainer starts

        first = backend.receive(timeout=START_TIMEOUT)
        if first is None:
            return fail("the trainer did not start (see the messages above)")
        if isinstance(first, Failure):
            return fail(first.message)
        BackpropApp(config, backend, first).run()
    except KeyboardInterrupt:
        return 130
    finally:
        backend.close()
    return 0


def fail(error: object) -> int:
    print(f"backprop-tui: error: {error}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
