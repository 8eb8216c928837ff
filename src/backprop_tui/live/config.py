"""What a run starts from: a data set, an architecture and hyperparameters, plus presets."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from backprop_tui.engine import Hyperparameters, Network, TrainingSession, format_sizes, rebuild
from backprop_tui.engine.io import load
from backprop_tui.errors import BackpropError
from backprop_tui.live.posts import POSTS

if TYPE_CHECKING:
    from backprop_tui.data import Dataset

SPEEDS: tuple[float | None, ...] = (1, 3, 10, 30, 100, 300, 1000, 3000, None)
"""Training speeds in steps per second; None is flat out."""


@dataclass(frozen=True)
class RunConfig:
    """Everything needed to build a training session from scratch, reproducibly."""

    dataset: str = "adder"
    data_options: dict[str, object] = field(default_factory=dict)
    hidden_sizes: tuple[int, ...] = (32, 32)
    hidden: str = "tanh"
    output: str | None = None
    """Output activation; None takes the data set's recommendation (so does ``loss``)."""
    loss: str | None = None
    init: str = "auto"
    bias: bool = True
    """False: layers without biases (see backprop_tui.engine.network)."""
    norm: str = "none"
    """Hidden layers' normalisation: none, batch or layer (see backprop_tui.engine.norm)."""
    dtype: str = "float64"
    hyper: Hyperparameters = field(default_factory=Hyperparameters)
    seed: int = 0
    speed: float | None = 300
    paused: bool = False
    preset: str = ""
    io_sizes: tuple[int, int] | None = None
    """Input and output sizes the person asked for with a full architecture (checked)."""
    weights: str = ""
    """A network file (``--load``) to start from: its architecture, activations, weights and
    normalisation replace ``hidden_sizes``, ``hidden``, ``output``, ``loss``, ``init`` and
    ``norm``."""
    record: str = ""
    """A file to record the session's commands to (``--record``; see backprop_tui.live.record)."""
    epochs: int | None = None
    """How long ``train`` runs without ``--epochs`` or ``--steps`` (None: its default)."""

    def with_arch(self, sizes: tuple[int, ...]) -> RunConfig:
        """Take a full architecture (inputs, hidden…, outputs), checked when built."""
        return replace(self, hidden_sizes=sizes[1:-1], io_sizes=(sizes[0], sizes[-1]))


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    config: RunConfig
    expect: str = ""
    """What the person should expect to see, said on screen when the preset starts."""
    patient: bool = False
    """A set-up shown because it trains badly (the posts', deep-sigmoid): the training doctor
    has something to say about it, where on every other preset it must stay silent."""


def _preset(name: str, title: str, dataset: str, hidden_sizes: tuple[int, ...], hidden: str,
            hyper: Hyperparameters, **settings: Any) -> Preset:
    config = RunConfig(dataset=dataset, hidden_sizes=hidden_sizes, hidden=hidden, hyper=hyper,
                       preset=name, **settings)
    return Preset(name, title, config)


def _post_preset(name: str, title: str, speed: float | None) -> Preset:
    """The preset that reproduces a post's set-up as :data:`POSTS` lists it."""
    post = POSTS[name]
    hyper = Hyperparameters(learning_rate=post.learning_rate, batch_size=post.batch_size,
                            optimizer=post.optimizer)
    config = RunConfig(dataset=post.dataset, data_options=dict(post.data_options),
                       hidden_sizes=post.sizes[1:-1], hidden=post.hidden, output=post.output,
                       loss=post.loss, init=post.init, bias=post.bias, hyper=hyper,
                       speed=speed, preset=name, epochs=post.epochs)
    return Preset(name, title, config, post.expect, patient=True)


def expectation(config: RunConfig, before: str = "") -> str:
    """What a preset that reproduces a post will show, after ``before`` (empty for other
    runs)."""
    preset = PRESETS.get(config.preset)
    return before + preset.expect if preset and preset.expect else ""


PRESETS: dict[str, Preset] = {p.name: p for p in (
    _preset("adder", "4-bit adder, modern: tanh, Adam, L2 — 100 % on unseen sums",
            "adder", (32, 32), "tanh",
            Hyperparameters(learning_rate=0.01, batch_size=16, optimizer="adam", l2=1e-3)),
    _post_preset("adder-post", "4-bit adder as in the post: 8-12-12-4 sigmoid, U[0,1), MSE, "
                 "SGD 0.1", speed=3000),
    _post_preset("regression-post", "Random regression as in the post: 10-60-140-50-10-1 "
                 "sigmoid, no biases, N(0,1), SGD 0.05", speed=300),
    _preset("regression", "Random regression, modern: 10-64-64-1 ReLU, Adam",
            "regression", (64, 64), "relu",
            Hyperparameters(learning_rate=0.003, batch_size=32, optimizer="adam")),
    _post_preset("mnist-post", "MNIST as in the post: 784-16-10 ReLU → sigmoid, MSE, SGD 0.1, "
                 "batch 64", speed=None),
    _preset("mnist", "MNIST, modern: 784-128-10 ReLU → softmax, Adam", "mnist", (128,), "relu",
            Hyperparameters(learning_rate=0.001, batch_size=64, optimizer="adam"), speed=None),
    _preset("digits", "8×8 digits: 64-128-10 ReLU → softmax, Adam, L2", "digits", (128,), "relu",
            Hyperparameters(learning_rate=0.002, batch_size=32, optimizer="adam", l2=1e-4)),
    _preset("celsius", "Fahrenheit → Celsius: 1-8-1 tanh, Adam", "celsius", (8,), "tanh",
            Hyperparameters(learning_rate=0.01, batch_size=16, optimizer="adam")),
    *(
        _preset(name, f"2-D {name} (as in TensorFlow Playground): tanh, SGD 0.03, batch 10",
                name, (8, 8), "tanh", Hyperparameters(learning_rate=0.03, batch_size=10,
                                                      momentum=0.9, optimizer="momentum"))
        for name in ("circle", "xor", "gauss", "moons", "blobs", "function", "plane")
    ),
    _preset("spiral", "2-D spiral (as in TensorFlow Playground): ReLU 16-16-8, Adam 0.003, "
            "batch 10", "spiral", (16, 16, 8), "relu",
            Hyperparameters(learning_rate=0.003, batch_size=10, optimizer="adam")),
    _preset("gaussians", "2-D mixture of Gaussians (regression): tanh 16-16, Adam 0.01, "
            "batch 10", "gaussians", (16, 16), "tanh",
            Hyperparameters(learning_rate=0.01, batch_size=10, optimizer="adam")),
    Preset("deep-sigmoid", "8×8 digits, 8 sigmoid layers of 32: barely trains; N adds batch "
           "norm", RunConfig(dataset="digits", hidden_sizes=(32,) * 8, hidden="sigmoid",
                             hyper=Hyperparameters(learning_rate=0.003, batch_size=32,
                                                   optimizer="adam"), preset="deep-sigmoid"),
           "eight sigmoid layers without normalisation barely train (test accuracy ≈ 0.29 "
           "after 1,000 steps); N switches on batch norm (≈ 0.96) or layer norm (≈ 0.96)",
           patient=True),
)}
DEFAULT_PRESET = "adder"


def preset_for_dataset(dataset: str) -> RunConfig:
    """The starting configuration for a data set picked without a preset."""
    name = dataset.split(":")[0]
    if name in PRESETS:
        return replace(PRESETS[name].config, dataset=dataset, preset="")
    return RunConfig(dataset=dataset, hidden_sizes=(32, 32), hidden="relu",
                     hyper=Hyperparameters(learning_rate=0.003, optimizer="adam"))


def mnist_available(options: dict[str, object]) -> bool:
    """True if MNIST loads without a download: the path given exists, or (without one)
    OpenML's copy is cached (scikit-learn keeps its downloads as ``.gz`` files there)."""
    from backprop_tui.data.mnist import default_cache

    if options.get("path"):
        return Path(str(options["path"])).expanduser().exists()
    cache = Path(str(options.get("cache") or default_cache()))
    return cache.is_dir() and any(cache.rglob("*.gz"))


class BuiltSession(NamedTuple):
    """A new session, with a note for the person (e.g. that digits stands in for MNIST)."""

    session: TrainingSession
    note: str


def build_session(config: RunConfig) -> BuiltSession:
    """Load the data set and build a seeded session, with a note for the person (e.g. that
    MNIST is not on disk and digits stands in)."""
    from backprop_tui import data

    note = ""
    dataset_name, options = config.dataset, dict(config.data_options)
    if dataset_name == "mnist" and not mnist_available(options):
        where = f"at {options['path']}" if options.get("path") else "on disk (see --data-path)"
        dataset_name = "digits"  # scaled and split as MNIST would have been
        options = {k: v for k, v in options.items() if k in ("scaling", "train_ratio")}
        note = f"MNIST is not {where}: training on the 8×8 digits instead"
    dataset = data.load(dataset_name, **options)
    if config.weights:
        network = loaded_network(config, dataset)
        note = "; ".join(filter(None, [note, f"started from the weights in {config.weights}"]))
    else:
        network = fresh_network(config, dataset)
    return BuiltSession(TrainingSession(dataset, network, config.hyper, seed=config.seed), note)


def fresh_network(config: RunConfig, dataset: Dataset) -> Network:
    """A seeded network for ``dataset`` as ``config`` describes it."""
    if config.io_sizes and config.io_sizes != (dataset.n_inputs, dataset.n_outputs):
        want = f"{dataset.n_inputs}-…-{dataset.n_outputs}"
        raise BackpropError(
            f"architecture {config.io_sizes[0]}-…-{config.io_sizes[1]} does not fit data set "
            f"{dataset.name!r}: it needs {want} ({dataset.n_inputs} inputs, "
            f"{dataset.n_outputs} outputs)"
        )
    sizes = (dataset.n_inputs, *config.hidden_sizes, dataset.n_outputs)
    return Network(sizes, hidden=config.hidden, output=config.output or dataset.output,
                   loss=config.loss or dataset.loss, init=config.init, seed=config.seed,
                   dtype=config.dtype, bias=config.bias, norm=config.norm)


def loaded_network(config: RunConfig, dataset: Dataset) -> Network:
    """The network in ``config.weights``, checked against the data set's sizes (and a full
    ``--arch``), in ``config.dtype``."""
    network, _ = load(config.weights)
    held = f"{config.weights} holds a {format_sizes(network.sizes)} network"
    if (network.sizes[0], network.sizes[-1]) != (dataset.n_inputs, dataset.n_outputs):
        raise BackpropError(f"{held}; data set {dataset.name} needs "
                            f"{dataset.n_inputs}-…-{dataset.n_outputs}")
    if config.io_sizes:
        arch = (config.io_sizes[0], *config.hidden_sizes, config.io_sizes[1])
        if arch != network.sizes:
            raise BackpropError(f"{held}, not the {format_sizes(arch)} asked for with --arch")
    if network.dtype.name != config.dtype:
        converted = rebuild(network, dtype=config.dtype)
        converted.state[:] = network.state  # the parameters and running statistics
        network = converted
    return network
