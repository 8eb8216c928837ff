"""The inspector's "update" stage against the textbook optimizer updates (tests/engine's
references), not against another engine step.

The session trains full-batch, so the next mini-batch is the whole training set and the
reference can follow every step on its own copy of the weights and its own optimizer state.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from engine.conftest import make_dataset
from engine.references import REFERENCES, clipped, gradient, load, parameters

from backprop_tui.engine import Hyperparameters, Network, TrainingSession
from backprop_tui.live.inspector import Inspection, inspect

LR, MU = 0.05, 0.8


def update_stage(inspection: Inspection, network: Network) -> Network:
    """The inspected ΔW, Δb of every layer, as a network's weights and biases."""
    change = network.copy()
    for stage in inspection.stages:
        if stage.kind == "update":
            dw, db = stage.numbers
            assert dw.full is not None and db.full is not None  # small enough to show in full
            change.weights[stage.layer - 1][...] = dw.full
            change.biases[stage.layer - 1][...] = db.full
    return change


@pytest.mark.parametrize("optimizer", REFERENCES)
@pytest.mark.parametrize(("l2", "l1", "clip"), [(0.0, 0.0, 0.0), (0.02, 0.005, 0.05)],
                         ids=["plain", "decay-and-clip"])
@pytest.mark.parametrize("sample", [None, 7], ids=["batch", "row"])
def test_update_stage_is_the_textbook_update(optimizer, l2, l1, clip, sample):
    dataset = make_dataset(rows=30)
    x, y = dataset.x_train, dataset.y_train
    network = Network("5-4-3", hidden="tanh", seed=1)
    reference = network.copy()
    hyper = Hyperparameters(learning_rate=LR, momentum=MU, batch_size=len(x),
                            optimizer=optimizer, l2=l2, l1=l1, clip=clip)
    session = TrainingSession(dataset, network, hyper, seed=3)
    textbook = REFERENCES[optimizer](network.n_params)
    for _ in range(3):  # build up momentum and moment estimates
        g = clipped(gradient(reference, x, y, l2, l1), clip)
        load(reference, textbook.step(parameters(reference), g, LR, MU))
        session.step()
    before = parameters(network)
    rows = slice(None) if sample is None else slice(sample, sample + 1)
    g = clipped(gradient(reference, x[rows], y[rows], l2, l1), clip)
    p = parameters(reference)
    expected = copy.deepcopy(textbook).step(p, g, LR, MU) - p
    shown = parameters(update_stage(inspect(session, sample=sample), network))
    np.testing.assert_allclose(shown, expected, rtol=1e-9, atol=1e-13)
    assert np.abs(expected).max() > 1e-4
    np.testing.assert_array_equal(parameters(network), before)  # nothing was applied
