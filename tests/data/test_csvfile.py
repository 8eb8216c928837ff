"""Any CSV file: task detection, overrides, and errors that name the row and column."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from backprop_tui.data import load
from backprop_tui.errors import BackpropError

SPECIES = ("setosa", "versicolor", "virginica")


def write(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def flowers(tmp_path: Path) -> str:
    rng = np.random.default_rng(1)
    lines = ["petal_length,petal_width,species"]
    for index in range(60):
        kind = index % 3
        length, width = rng.normal([1.5 + 2 * kind, 0.3 + 0.8 * kind], 0.2)
        lines.append(f"{length:.2f},{width:.2f},{SPECIES[kind]}")
    return write(tmp_path, "\n".join(lines) + "\n", "flowers.csv")


@pytest.fixture
def houses(tmp_path: Path) -> str:
    rng = np.random.default_rng(2)
    lines = ["rooms,age,price"]
    for _ in range(50):
        rooms, age = int(rng.integers(1, 6)), float(rng.uniform(0, 50))
        lines.append(f"{rooms},{age:.1f},{10 + 2.5 * rooms - 0.1 * age:.2f}")
    return write(tmp_path, "\n".join(lines) + "\n", "houses.csv")


def test_text_target_is_classes(flowers: str) -> None:
    data = load(f"csv:{flowers}")
    assert (data.task, data.output, data.loss) == ("classes", "softmax", "cross_entropy")
    assert data.labels == SPECIES
    assert data.x_train.shape == (48, 2) and data.y_train.shape == (48, 3)
    np.testing.assert_array_equal(data.y_train.sum(axis=0), [16, 16, 16])  # stratified
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-12)  # standardised
    assert data.summary == "flowers.csv → species (3 classes), 48 train / 12 test"
    assert data.options == {
        "path": flowers,
        "target": None,
        "task": "classes",
        "train_ratio": 0.8,
        "seed": 0,
    }
    line = data.describe(data.x_test[0], np.eye(3)[0], np.array([0.91, 0.05, 0.04]))
    assert line == "species: setosa, predicted setosa (91 %)"


def test_real_target_is_regression(houses: str) -> None:
    data = load("csv", path=houses)
    assert (data.task, data.output, data.loss) == ("regression", "linear", "mse")
    assert data.x_train.shape == (40, 2) and data.y_train.shape == (40, 1)
    np.testing.assert_allclose(data.y_train.std(), 1)
    assert data.target_scale > 1
    line = data.describe(data.x_test[0], data.y_test[0], data.y_test[0])
    match = re.fullmatch(r"price: (-?[\d.]+), predicted (-?[\d.]+)", line)
    assert match and match[1] == match[2], line


def test_few_whole_numbers_are_classes_and_target_option(houses: str) -> None:
    data = load(f"csv:{houses}", target="rooms")
    assert data.task == "classes" and data.labels == ("1", "2", "3", "4", "5")
    assert data.x_train.shape[1] == 2  # age and price
    assert load(f"csv:{houses}", target="rooms", task="regression").task == "regression"


def test_task_override_to_classes(tmp_path: Path) -> None:
    path = write(tmp_path, "x,y\n" + "".join(f"{i},{i % 2 + 0.5}\n" for i in range(30)))
    assert load(f"csv:{path}").task == "regression"  # few values, but not whole numbers
    assert load(f"csv:{path}", task="classes").labels == ("0.5", "1.5")


def test_many_whole_numbers_are_regression(tmp_path: Path) -> None:
    path = write(tmp_path, "x,y\n" + "".join(f"{i},{i * 3}\n" for i in range(30)))
    assert load(f"csv:{path}").task == "regression"
    assert load(f"csv:{path}", task="classes").n_outputs == 30


def test_utf8_bom_and_blank_lines_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffa,b\n1,x\n\n2,y\n3,x\n4,y\n".encode())
    data = load(f"csv:{path}", seed=3)
    assert data.labels == ("x", "y") and len(data.x_train) + len(data.x_test) == 4


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("a,b,kind\n1,2,x\n\n3,red,y\n", r"row 4, column 'b': 'red' is not a number"),
        ("a,b,kind\n1,,x\n", r"row 2, column 'b': missing value"),
        ("a,b,kind\n1,NaN,x\n", r"row 2, column 'b': missing value \(NaN\)"),
        ("a,b,kind\n1,inf,x\n", r"row 2, column 'b': 'inf' is not a finite number"),
        ("a,b,kind\n1,2,x\n1,2,\n", r"row 3, column 'kind': missing value"),
        ("a,b\n1,2\n3,4,5\n", r"row 3: 3 values, but the header has 2 columns"),
        ("", r"is empty"),
        ("a,b\n", r"has a header row but no data rows"),
        ("a,a\n1,2\n", r"column 'a' appears twice"),
        ("a,,b\n1,2,3\n", r"header column 2 has no name"),
        ("kind\nx\ny\n", r"no feature columns"),
        ("a,kind\n1,x\n2,x\n", r"target 'kind' has a single class \(x\)"),
    ],
)
def test_bad_contents_name_the_row_and_column(tmp_path: Path, text: str, pattern: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(BackpropError, match=pattern) as caught:
        load(f"csv:{path}")
    assert "\n" not in str(caught.value)


def test_missing_target_lists_the_columns(flowers: str) -> None:
    with pytest.raises(BackpropError, match="no column 'colour'; columns are: petal_length, "):
        load(f"csv:{flowers}", target="colour")


def test_regression_override_needs_numbers(flowers: str) -> None:
    with pytest.raises(BackpropError, match="row 2, column 'species': 'setosa' is not a number"):
        load(f"csv:{flowers}", task="regression")
    with pytest.raises(BackpropError, match="unknown task 'guess'"):
        load(f"csv:{flowers}", task="guess")


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(BackpropError, match="CSV file not found"):
        load(f"csv:{tmp_path / 'absent.csv'}")
    with pytest.raises(BackpropError, match="is a directory"):
        load(f"csv:{tmp_path}")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("größe,kind\n1,x\n".encode("latin-1"))
    with pytest.raises(BackpropError, match="is not UTF-8 text"):
        load(f"csv:{latin}")
    with pytest.raises(BackpropError, match="missing a required argument: 'path'"):
        load("csv")


def test_seeded_split(flowers: str) -> None:
    first, again = load(f"csv:{flowers}", seed=4), load(f"csv:{flowers}", seed=4)
    np.testing.assert_array_equal(first.x_test, again.x_test)
    assert not np.array_equal(first.x_test, load(f"csv:{flowers}", seed=5).x_test)
