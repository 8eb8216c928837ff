"""Every optimizer, step by step, against its textbook update written out in references.py.

Training is full-batch (batch size ≥ the training rows), so each step's mini-batch is the whole
training set whatever the shuffle, and the reference gradient is taken on a copy of the
reference weights: nothing here reads the session's optimizer or its row order.
"""

from __future__ import annotations

import numpy as np
import pytest

from backprop_tui.engine import Hyperparameters, Network, TrainingSession

from .conftest import make_dataset
from .references import REFERENCES, clipped, gradient, load, parameters

STEPS = 8
CHANGE_AT = 4
"""At this step the learning rate and the momentum change (set_hyperparameters)."""


def full_batch_session(optimizer: str, **hyper: float) -> tuple[TrainingSession, Network]:
    """A fresh session on the toy classes and a copy of its initial network."""
    dataset = make_dataset(rows=30)
    network = Network("5-4-3", hidden="tanh", seed=1)
    reference = network.copy()
    settings = Hyperparameters(batch_size=len(dataset.x_train), optimizer=optimizer,
                               **hyper)  # type: ignore[arg-type]  # floats for float fields
    return TrainingSession(dataset, network, settings, seed=3), reference


@pytest.mark.parametrize("optimizer", REFERENCES)
@pytest.mark.parametrize(("l2", "l1", "clip_fraction"),
                         [(0.0, 0.0, 0.0), (0.02, 0.005, 0.0), (0.0, 0.0, 0.6)],
                         ids=["plain", "weight-decay", "clipped"])
def test_every_step_is_the_textbook_update(optimizer, l2, l1, clip_fraction):
    dataset = make_dataset(rows=30)
    x, y = dataset.x_train, dataset.y_train
    start = Network("5-4-3", hidden="tanh", seed=1)
    clip = clip_fraction * float(np.linalg.norm(gradient(start, x, y)))
    lr, mu = 0.05, 0.8
    session, reference = full_batch_session(optimizer, learning_rate=lr, momentum=mu, l2=l2,
                                            l1=l1, clip=clip)
    textbook = REFERENCES[optimizer](reference.n_params)
    clipped_steps = 0
    for step in range(STEPS):
        if step == CHANGE_AT:
            lr, mu = 0.02, 0.5
            session.set_hyperparameters(learning_rate=lr, momentum=mu)
        g = gradient(reference, x, y, l2, l1)
        clipped_steps += bool(clip) and np.linalg.norm(g) > clip
        load(reference, textbook.step(parameters(reference), clipped(g, clip), lr, mu))
        session.step()
        np.testing.assert_allclose(parameters(session.network), parameters(reference),
                                   rtol=1e-9, atol=1e-12, err_msg=f"after step {step + 1}")
    assert clipped_steps >= 2 if clip else clipped_steps == 0


def test_weight_decay_and_clipping_really_change_the_steps():
    """The penalised and clipped runs above differ from the plain one (so they test something)."""
    finals = []
    for hyper in ({}, {"l2": 0.02, "l1": 0.005}, {"clip": 0.01}):
        session, _ = full_batch_session("momentum", learning_rate=0.05, **hyper)
        session.run(STEPS)
        finals.append(parameters(session.network))
    assert not np.allclose(finals[0], finals[1]) and not np.allclose(finals[0], finals[2])


TORCH_OPTIMIZERS = {
    "sgd": lambda torch, p, lr, mu: torch.optim.SGD(p, lr=lr),
    "momentum": lambda torch, p, lr, mu: torch.optim.SGD(p, lr=lr, momentum=mu),
    "nesterov": lambda torch, p, lr, mu: torch.optim.SGD(p, lr=lr, momentum=mu, nesterov=True),
    "adam": lambda torch, p, lr, mu: torch.optim.Adam(p, lr=lr, betas=(0.9, 0.999), eps=1e-8),
    "rmsprop": lambda torch, p, lr, mu: torch.optim.RMSprop(p, lr=lr, alpha=0.9, eps=1e-8),
}


@pytest.mark.parametrize("optimizer", TORCH_OPTIMIZERS)
def test_matches_torch_optim(optimizer):
    """At a constant rate, torch's forms (η outside the velocity; ε added to √ŝ in Adam) give
    the same steps up to ε-sized differences."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (optional reference)")
    lr, mu = 0.05, 0.8
    session, reference = full_batch_session(optimizer, learning_rate=lr, momentum=mu)
    x, y = session.dataset.x_train, session.dataset.y_train
    param = torch.tensor(parameters(reference), dtype=torch.float64, requires_grad=True)
    torch_optimizer = TORCH_OPTIMIZERS[optimizer](torch, [param], lr, mu)
    for _ in range(STEPS):
        load(reference, param.detach().numpy())
        param.grad = torch.tensor(gradient(reference, x, y), dtype=torch.float64)
        torch_optimizer.step()
        session.step()
    np.testing.assert_allclose(parameters(session.network), param.detach().numpy(),
                               rtol=1e-6, atol=1e-9)
