"""n-bit binary addition (or subtraction): two operands' bits in, the result's bits out.

With the defaults this is the classic 8-12-12-4 exercise: 4-bit operands 0..7 (so every sum
fits in 4 bits), 64 pairs, 45 to train on and 19 held out.
"""

from __future__ import annotations

import numpy as np

from backprop_tui.data._common import check_int, check_ratio, check_seed, counts, rows, split
from backprop_tui.data.base import Dataset, Describe, register
from backprop_tui.errors import BackpropError

OPERATIONS = {"add": "+", "subtract": "-"}
MAX_BITS = 12


def to_bits(values: np.ndarray, bits: int) -> np.ndarray:
    """Non-negative ints as rows of ``bits`` 0/1 columns, most significant bit first."""
    shifts = np.arange(bits - 1, -1, -1)
    return (np.asarray(values, dtype=np.int64)[:, None] >> shifts) & 1


def from_bits(row: np.ndarray) -> int:
    """A row of bits (or probabilities, thresholded at 0.5), most significant first, as an int."""
    bits = (np.ravel(row) >= 0.5).astype(np.int64)
    return int(bits @ (1 << np.arange(len(bits) - 1, -1, -1)))


def _pairs(
    bits: int, operation: str, max_pairs: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Every operand pair (or a seeded sample of ``max_pairs`` of them), as ``a, b`` arrays.

    add: ``a, b < 2**(bits-1)`` so ``a + b < 2**bits``; subtract: ``a, b < 2**bits``, ``a >= b``.
    Pairs are numbered so a sample never has to list them all.
    """
    side = 2 ** (bits - 1) if operation == "add" else 2**bits
    total = side * side if operation == "add" else side * (side + 1) // 2
    index = np.arange(total, dtype=np.int64)
    if total > max_pairs:
        index = np.sort(rng.choice(total, size=max_pairs, replace=False))
    if operation == "add":
        return np.divmod(index, side)
    # the k-th pair with a >= b, ordered by a then b: a is the triangular root of k
    a = ((np.sqrt(8 * index + 1) - 1) // 2).astype(np.int64)
    a -= a * (a + 1) // 2 > index  # guard against float rounding
    a += (a + 1) * (a + 2) // 2 <= index
    return a, index - a * (a + 1) // 2


def _describer(bits: int, symbol: str) -> Describe:
    def describe(x_row: np.ndarray, y_row: np.ndarray, prediction_row: np.ndarray) -> str:
        x = np.ravel(x_row)
        a, b, result = from_bits(x[:bits]), from_bits(x[bits:]), from_bits(y_row)
        guess = from_bits(prediction_row)
        a_bits, b_bits, result_bits, guess_bits = (
            format(value, f"0{bits}b") for value in (a, b, result, guess)
        )
        return (
            f"{a} {symbol} {b} = {result}  ({a_bits}{symbol}{b_bits} → {result_bits}, "
            f"predicted {guess_bits} = {guess})"
        )

    return describe


@register("adder")
def adder(
    bits: int = 4,
    operation: str = "add",
    seed: int = 0,
    train_ratio: float = 0.7,
    max_pairs: int = 65536,
) -> Dataset:
    """Binary ``a + b`` (or ``a - b`` with ``a >= b``) on ``bits``-bit numbers.

    Inputs: ``2 * bits`` columns (a's bits then b's, most significant first); targets:
    ``bits`` columns of the result. Wide adders are sampled down to ``max_pairs`` pairs.
    """
    bits = check_int("bits", bits, 1, MAX_BITS)
    if operation not in OPERATIONS:
        raise BackpropError(
            f"unknown operation {operation!r}; choose one of: {', '.join(OPERATIONS)}"
        )
    seed, train_ratio = check_seed(seed), check_ratio(train_ratio)
    max_pairs = check_int("max_pairs", max_pairs, 2)
    a, b = _pairs(bits, operation, max_pairs, np.random.default_rng(seed))
    result = a + b if operation == "add" else a - b
    x = rows(np.hstack([to_bits(a, bits), to_bits(b, bits)]))
    y = rows(to_bits(result, bits))
    x_train, x_test, y_train, y_test = split(x, y, train_ratio=train_ratio, seed=seed)
    kind = "adder" if operation == "add" else "subtractor"
    return Dataset(
        name="adder",
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        task="bits",
        output="sigmoid",
        loss="binary_cross_entropy",
        describe=_describer(bits, OPERATIONS[operation]),
        summary=f"{bits}-bit {kind}, {counts(x_train, x_test)}",
        options={
            "bits": bits,
            "operation": operation,
            "seed": seed,
            "train_ratio": train_ratio,
            "max_pairs": max_pairs,
        },
    )
