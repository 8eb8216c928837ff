"""Any UTF-8 CSV file with a header row: numeric feature columns and one target column.

``load("csv:PATH", target="species")``. The target (default: the last column but ``split``)
is treated as classes when it is non-numeric or holds at most 20 distinct whole numbers, else
as a regression target; ``task`` overrides that. Features are standardised on the training rows.

A column named ``split`` holding ``train`` or ``test`` on every row decides the split (then
``train_ratio`` and ``seed`` are not used). A 2-D set's file (feature columns ``x1`` and
``x2`` and a ``split`` column, as the boundary screen saves it) loads as a 2-D set: its
points stay where they were (not standardised), a target named ``value`` is a regression
target (kept in its units), and class names that are the 2-D sets' colours keep their order.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np

from backprop_tui.data._common import (
    check_ratio,
    check_seed,
    class_describer,
    classes_dataset,
    regression_dataset,
    regression_describer,
    split,
    standardise,
)
from backprop_tui.data.base import Dataset, register
from backprop_tui.data.shapes2d import COLOURS
from backprop_tui.data.toy2d import PLAIN, split_plane_dataset
from backprop_tui.errors import BackpropError

MAX_CLASS_VALUES = 20
"""A numeric target with at most this many distinct whole numbers is taken as classes."""
TASKS = ("classes", "regression")
SPLIT = "split"
"""The column that names each row's part, ``train`` or ``test``."""
PLANE = PLAIN.split(",")
"""A 2-D set's feature columns."""
Row = tuple[int, list[str]]
"""A data row with its 1-based line number in the file."""


def _read(path: Path) -> list[Row]:
    """The file's non-blank rows (header first), cells stripped, each with its line number."""
    if path.is_dir():
        raise BackpropError(f"{path} is a directory, not a CSV file")
    found: list[Row] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            for row in reader:
                cells = [cell.strip() for cell in row]
                if any(cells):
                    found.append((reader.line_num, cells))
    except FileNotFoundError:
        raise BackpropError(f"CSV file not found: {path}") from None
    except UnicodeDecodeError:
        raise BackpropError(f"{path} is not UTF-8 text") from None
    except csv.Error as error:
        raise BackpropError(f"{path}, line {reader.line_num}: {error}") from None
    except OSError as error:
        raise BackpropError(f"cannot read {path}: {error.strerror or error}") from None
    return found


def _table(path: Path, found: list[Row]) -> tuple[list[str], list[Row]]:
    """Header and data rows, checked for names and row lengths."""
    if not found:
        raise BackpropError(f"{path} is empty; a CSV needs a header row and data rows")
    (_, header), body = found[0], found[1:]
    if not body:
        raise BackpropError(f"{path} has a header row but no data rows")
    for position, name in enumerate(header, start=1):
        if not name:
            raise BackpropError(f"{path}: header column {position} has no name")
        if header.index(name) != position - 1:
            raise BackpropError(f"{path}: column {name!r} appears twice in the header")
    for line, row in body:
        if len(row) != len(header):
            raise BackpropError(
                f"{path}, row {line}: {len(row)} values, but the header has {len(header)} columns"
            )
    return header, body


def _number(text: str, where: str, hint: str = "") -> float:
    """``text`` as a finite float; ``where`` (file, row, column) leads any error message."""
    if not text:
        raise BackpropError(f"{where}: missing value")
    try:
        value = float(text)
    except ValueError:
        raise BackpropError(f"{where}: {text!r} is not a number{hint}") from None
    if math.isnan(value):
        raise BackpropError(f"{where}: missing value ({text})")
    if math.isinf(value):
        raise BackpropError(f"{where}: {text!r} is not a finite number")
    return value


def _column(path: Path, body: list[Row], position: int, name: str, hint: str = "") -> np.ndarray:
    """One column as finite floats, or a BackpropError naming the first bad row."""
    return np.array(
        [_number(row[position], f"{path}, row {line}, column {name!r}", hint) for line, row in body]
    )


def _is_numeric(texts: list[str]) -> bool:
    try:
        for text in texts:
            float(text)
    except ValueError:
        return False
    return True


def _detect_task(values: np.ndarray | None) -> str:
    """classes for text, or for at most MAX_CLASS_VALUES distinct whole numbers; else regression."""
    if values is None:
        return "classes"
    few = len(np.unique(values)) <= MAX_CLASS_VALUES
    return "classes" if few and bool(np.all(values % 1 == 0)) else "regression"


def _label(value: object) -> str:
    """A class name: numbers without a pointless ``.0``."""
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value)


def _test_rows(path: Path, header: list[str], body: list[Row], plane: bool) -> np.ndarray:
    """The SPLIT column as a mask of the test rows; a 2-D set's file may have no training
    rows (all removed), any other needs some to standardise on."""
    position = header.index(SPLIT)
    for line, row in body:
        if row[position] not in ("train", "test"):
            raise BackpropError(f"{path}, row {line}, column {SPLIT!r}: {row[position]!r} is "
                                "neither train nor test")
    test = np.array([row[position] == "test" for _, row in body])
    if test.all() and not plane or not test.any():
        raise BackpropError(f"{path}: the {SPLIT!r} column names no "
                            f"{'test' if not test.any() else 'train'} rows")
    return test


def _classes(values: list[str] | np.ndarray, plane: bool) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class codes and names (sorted; a 2-D set's colour names in their colour order)."""
    from sklearn.preprocessing import LabelEncoder

    encoder = LabelEncoder()
    codes = encoder.fit_transform(values)
    labels = tuple(_label(value) for value in encoder.classes_)
    if plane and set(labels) <= set(COLOURS):
        ordered = tuple(colour for colour in COLOURS if colour in labels)
        codes = np.array([ordered.index(labels[code]) for code in codes], dtype=np.int64)
        labels = ordered
    return codes, labels


@register("csv")
def csv_file(
    path: str | os.PathLike[str],
    target: str | None = None,
    task: str | None = None,
    train_ratio: float = 0.8,
    seed: int = 0,
) -> Dataset:
    """A CSV file's numeric columns predicting ``target`` (classes or regression)."""
    seed, train_ratio = check_seed(seed), check_ratio(train_ratio)
    if task is not None and task not in TASKS:
        raise BackpropError(f"unknown task {task!r}; choose one of: {', '.join(TASKS)}")
    source = Path(path).expanduser()
    header, body = _table(source, _read(source))
    named = [column for column in header if column != SPLIT] or header
    name = named[-1] if target is None else target
    if name not in header:
        raise BackpropError(f"{source} has no column {name!r}; columns are: {', '.join(header)}")
    hint = f" (feature columns must be numeric; the target is {name!r})"
    by_file = SPLIT in header and name != SPLIT
    features = [column for column in header if column not in (name, SPLIT if by_file else "")]
    if not features:
        raise BackpropError(f"{source} has no feature columns besides the target {name!r}")
    plane = by_file and features == PLANE
    test_rows = _test_rows(source, header, body, plane) if by_file else None
    x = np.column_stack(
        [_column(source, body, header.index(column), column, hint) for column in features]
    )
    position = header.index(name)
    for line, row in body:
        if not row[position]:
            raise BackpropError(f"{source}, row {line}, column {name!r}: missing value")
    texts = [row[position] for _, row in body]
    values = _column(source, body, position, name) if _is_numeric(texts) else None
    task = task or ("regression" if plane and name == "value" else _detect_task(values))
    options: dict[str, object] = {"path": path, "target": target, "task": task}
    if not by_file:
        options |= {"train_ratio": train_ratio, "seed": seed}
    if task == "regression":
        targets = _column(source, body, position, name) if values is None else values
        if plane and test_rows is not None:
            return _plane(source, x, targets, test_rows, (), f"{name} (regression)", options)
        return regression_dataset(
            "csv",
            x,
            targets,
            train_ratio=train_ratio,
            seed=seed,
            describer=lambda _x_scaler, y_scaler: regression_describer(y_scaler, f"{name}:"),
            summary=f"{source.name} → {name} (regression)",
            options=options,
            test_rows=test_rows,
        )
    codes, labels = _classes(texts if values is None else values, plane)
    if len(labels) < 2:
        raise BackpropError(f"{source}: target {name!r} has a single class ({labels[0]})")
    if plane and test_rows is not None:
        return _plane(source, x, codes, test_rows, labels, f"{name} ({len(labels)} classes)",
                      options)
    if test_rows is None:
        x_train, x_test, codes_train, codes_test = split(
            x, codes, train_ratio=train_ratio, seed=seed, stratify=codes
        )
    else:
        x_train, x_test = x[~test_rows], x[test_rows]
        codes_train, codes_test = codes[~test_rows], codes[test_rows]
    x_train, x_test, _ = standardise(x_train, x_test)
    return classes_dataset(
        "csv",
        x_train,
        codes_train,
        x_test,
        codes_test,
        labels=labels,
        describe=class_describer(labels, f"{name}:"),
        summary=f"{source.name} → {name} ({len(labels)} classes)",
        options=options,
    )


def _plane(source: Path, x: np.ndarray, targets: np.ndarray, test_rows: np.ndarray,
           labels: tuple[str, ...], what: str, options: dict[str, object]) -> Dataset:
    """A 2-D set's file as the 2-D set it was: points and targets as written, split as the
    SPLIT column says."""
    train = x[~test_rows], targets[~test_rows]
    return split_plane_dataset("csv", train, (x[test_rows], targets[test_rows]),
                               tuple(PLANE), labels, f"{source.name}: 2-D points → {what}",
                               options)
