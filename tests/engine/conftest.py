"""Small hand-made data sets for engine tests (the real ones are tested in tests/data)."""

import numpy as np
import pytest

from backprop_tui.data.base import Dataset


def make_dataset(task: str = "classes", rows: int = 60, inputs: int = 5, outputs: int = 3,
                 seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, inputs))
    if task == "classes":
        y = np.eye(outputs)[np.argmax(x[:, :outputs], axis=1)]
        output, loss = "softmax", "cross_entropy"
    elif task == "bits":
        y = (x[:, :outputs] > 0).astype(float)
        output, loss = "sigmoid", "binary_cross_entropy"
    else:
        y = np.sin(x[:, :outputs])
        output, loss = "linear", "mse"
    cut = rows * 2 // 3
    return Dataset("toy", x[:cut], y[:cut], x[cut:], y[cut:], task, output, loss,  # type: ignore[arg-type]
                   describe=lambda x, y, p: "")


@pytest.fixture
def toy() -> Dataset:
    return make_dataset()
