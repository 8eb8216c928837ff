"""The classification views built from a trained session, and the trainer's views switch."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backprop_tui.engine import correct
from backprop_tui.live.commands import AddLayer, Reset, Step, Want
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.trainer import Trainer
from backprop_tui.live.views import NEURON_IMAGES, InitialWeights, build_views


@pytest.fixture(scope="module")
def digits():
    session, _ = build_session(PRESETS["digits"].config)
    session.run(60)
    return session, build_views(session, InitialWeights()(session))


def test_confusion_matrix_counts_every_test_row(digits):
    session, views = digits
    rows = len(session.x_test)
    assert views.rows == rows and views.confusion.sum() == rows
    accuracy = correct("classes", session.y_test, session.network.predict(session.x_test)).mean()
    assert np.trace(views.confusion) == round(accuracy * rows)
    assert views.labels == session.dataset.labels
    assert not views.confusion.flags.writeable


def test_mistakes_are_all_wrong(digits):
    session, views = digits
    assert 0 < len(views.mistakes) <= 12 and views.wrong == views.rows - np.trace(views.confusion)
    output = session.network.predict(session.x_test)
    for mistake in views.mistakes:
        assert not mistake.correct and mistake.image is not None
        assert output[mistake.row].argmax() != session.y_test[mistake.row].argmax()
        assert mistake.top[0][0] == session.dataset.labels[output[mistake.row].argmax()]


def test_first_layer_images_one_per_hidden_neuron(digits):
    session, views = digits
    hidden = session.network.sizes[1]
    assert len(views.images) == len(views.neurons) == min(hidden, NEURON_IMAGES)
    assert all(image.shape == session.dataset.image_shape for image in views.images)
    n = views.neurons[-1]
    np.testing.assert_array_equal(views.images[-1].ravel(), session.network.weights[0][:, n])


def test_histograms_differ_after_training_and_match_after_reset():
    trainer = Trainer(replace(PRESETS["digits"].config, paused=True))
    trainer.apply(Want("views", True))
    first = trainer.snapshot().views
    assert all(now == initial for now, initial in first.histograms)
    trainer.apply(Step(30))
    trained = trainer.snapshot().views
    assert all(now.histogram != initial.histogram for now, initial in trained.histograms)
    assert trained.histograms[0][1] != trained.histograms[0][0]
    trainer.apply(Reset())
    after_reset = trainer.snapshot().views
    assert all(now == initial for now, initial in after_reset.histograms)
    assert after_reset.histograms == first.histograms
    trainer.apply(AddLayer())
    assert all(now == initial for now, initial in trainer.snapshot().views.histograms)


def test_views_only_while_switched_on_and_reused_on_light_snapshots():
    trainer = Trainer(replace(PRESETS["digits"].config, paused=True))
    assert trainer.snapshot().views is None
    trainer.apply(Want("views", True))
    full = trainer.snapshot()
    assert full.views is not None
    snapshots = [full] + [trainer.snapshot(light=True) for _ in range(3)]
    assert any(b.views is a.views for a, b in zip(snapshots, snapshots[1:], strict=False))
    trainer.apply(Want("views", None))
    assert trainer.snapshot().views is None


@pytest.mark.parametrize("preset", ["adder", "celsius"])
def test_bits_and_regression(preset):
    session, _ = build_session(PRESETS[preset].config)
    session.run(20)
    views = build_views(session, InitialWeights()(session))
    assert views.confusion is None and views.images == ()
    if preset == "adder":
        assert len(views.bit_accuracy) == session.network.sizes[-1]
        assert all(0 <= a <= 1 for a in views.bit_accuracy)
    else:
        assert views.bit_accuracy == ()
