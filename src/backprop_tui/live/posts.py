"""The three blog posts backprop-tui started from, their set-ups as written, in one table.

The ``-post`` presets are built from this table (see :mod:`backprop_tui.live.config`), and
the tests check every built session against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PostSetup:
    """One post's network, data and training, as the post writes them."""

    post: str
    """The post's title."""
    dataset: str
    data_options: dict[str, object]
    sizes: tuple[int, ...]
    """Inputs, hidden…, outputs."""
    hidden: str
    output: str
    loss: str
    init: str
    """``uniform`` U[0, 1), ``normal`` N(0, 1), ``normal0.1`` N(0, 1)·0.1 (weights and biases)."""
    bias: bool
    learning_rate: float
    batch_size: int
    epochs: int
    expect: str
    """What the person will see, said on screen when the preset starts."""
    optimizer: str = "sgd"
    notes: tuple[str, ...] = field(default=())
    """Where the preset has to differ from the post, and why."""


POSTS: dict[str, PostSetup] = {
    "adder-post": PostSetup(
        post="Simple backpropogation in Python and numpy",
        dataset="adder", data_options={},  # 4 bits, 45 sums to train on, 19 held out
        sizes=(8, 12, 12, 4), hidden="sigmoid", output="sigmoid", loss="mse",
        init="uniform", bias=True, learning_rate=0.1, batch_size=1, epochs=100_000,
        expect="as in the post: it fits the training sums but fails on unseen ones (0 % test "
               "word accuracy for a long while); the adder preset shows the fix",
    ),
    "regression-post": PostSetup(
        post="vectorised backpropagation (10-60-140-50-10-1, no biases)",
        dataset="regression",
        data_options={"samples": 100, "train_ratio": 0.5, "labels": "random",
                      "standardise": False},
        sizes=(10, 60, 140, 50, 10, 1), hidden="sigmoid", output="sigmoid", loss="mse",
        init="normal", bias=False, learning_rate=0.05, batch_size=1, epochs=100,
        expect="as in the post: a sigmoid output lies in (0, 1), so it can never reach the "
               "negative labels (about half of them); the regression preset shows the fix",
        notes=("the post trains on all 50 samples; 50 more random ones are held out as a "
               "test set",),
    ),
    "mnist-post": PostSetup(
        post="Neural Network from Scratch",
        dataset="mnist", data_options={"train_ratio": 0.67, "scaling": "minmax"},
        sizes=(784, 16, 10), hidden="relu", output="sigmoid", loss="mse",
        init="normal0.1", bias=True, learning_rate=0.1, batch_size=64, epochs=50,
        expect="as in the post: about 94 % test accuracy after 50 epochs of plain SGD; the "
               "mnist preset (softmax, Adam) gets there in one",
        notes=("where MNIST is not on disk the 8×8 digits stand in, scaled and split the "
               "same way",),
    ),
}
