"""The registry, and what every built-in data set promises."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import backprop_tui.data as data
from backprop_tui.data import Dataset, load, names
from backprop_tui.errors import BackpropError

BUILT_IN = ["adder", "blobs", "celsius", "circle", "digits", "function", "gauss", "gaussians",
            "moons", "plane", "regression", "spiral", "xor"]


def test_every_data_set_is_registered() -> None:
    assert set(names()) == set(BUILT_IN) | {"csv", "mnist"}
    assert sorted(data.__all__) == ["Dataset", "load", "names", "register"]


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(BackpropError, match="unknown data set 'nope'") as caught:
        load("nope")
    assert "adder" in str(caught.value) and "csv:PATH" in str(caught.value)


def test_unknown_option_is_a_backprop_error() -> None:
    with pytest.raises(BackpropError, match="colour"):
        load("adder", colour="red")


def test_importing_the_package_does_not_import_sklearn() -> None:
    code = "import sys, backprop_tui.data; print('sklearn' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.fixture(scope="module", params=BUILT_IN)
def dataset(request: pytest.FixtureRequest) -> Dataset:
    return load(request.param)


def test_arrays_are_row_major_float64(dataset: Dataset) -> None:
    for array in (dataset.x_train, dataset.y_train, dataset.x_test, dataset.y_test):
        assert array.dtype == np.float64 and array.ndim == 2 and array.flags.c_contiguous
        assert np.isfinite(array).all()
    assert len(dataset.x_train) == len(dataset.y_train) > 0
    assert len(dataset.x_test) == len(dataset.y_test) > 0
    assert dataset.x_test.shape[1] == dataset.n_inputs
    assert dataset.y_test.shape[1] == dataset.n_outputs


def test_task_output_and_loss_match(dataset: Dataset) -> None:
    expected = {
        "classes": ("softmax", "cross_entropy"),
        "bits": ("sigmoid", "binary_cross_entropy"),
        "regression": ("linear", "mse"),
    }
    assert (dataset.output, dataset.loss) == expected[dataset.task]
    if dataset.task == "classes":
        assert len(dataset.labels) == dataset.n_outputs
        assert np.all(dataset.y_train.sum(axis=1) == 1)
    assert dataset.summary.endswith(f"{len(dataset.x_train)} train / {len(dataset.x_test)} test")


def test_options_reload_the_same_data(dataset: Dataset) -> None:
    again = load(dataset.name, **dataset.options)
    assert again.options == dataset.options
    np.testing.assert_array_equal(again.x_train, dataset.x_train)
    np.testing.assert_array_equal(again.y_test, dataset.y_test)


def test_another_seed_gives_another_split(dataset: Dataset) -> None:
    other = load(dataset.name, seed=1)
    assert other.x_train.shape == dataset.x_train.shape
    assert not np.array_equal(other.x_train, dataset.x_train)


def test_describe_is_one_line(dataset: Dataset) -> None:
    line = dataset.describe(dataset.x_test[0], dataset.y_test[0], dataset.y_test[0])
    assert isinstance(line, str) and line and "\n" not in line


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"seed": -1}, "seed must be from 0"),
        ({"seed": 1.5}, "seed must be a whole number"),
        ({"train_ratio": 1.0}, "train_ratio must be between 0 and 1"),
        ({"train_ratio": "half"}, "train_ratio must be a number"),
    ],
)
def test_bad_common_options(options: dict[str, object], problem: str) -> None:
    for name in ("adder", "celsius", "digits", "xor"):
        with pytest.raises(BackpropError, match=problem):
            load(name, **options)
