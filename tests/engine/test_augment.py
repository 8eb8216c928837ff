"""Augmentation of image batches against references written here: np.roll with zero fill for
shifts, scipy's rotation, the noise's standard deviation, and a plain training loop for the
session (labels kept, one seeded stream, nothing drawn and bit-identical weights when off)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy import ndimage

from backprop_tui import data
from backprop_tui.engine import Hyperparameters, Network, TrainingSession, make_optimizer
from backprop_tui.engine.augment import (
    NOISE_STD,
    STREAM,
    augmented,
    canonical,
    max_shift,
    rotated,
    shifted,
)
from backprop_tui.errors import BackpropError
from backprop_tui.live.config import PRESETS

ALL = "shift,rotate,noise"


@pytest.fixture(scope="module")
def digits():
    return data.load("digits")


def rolled(image: np.ndarray, down: int, right: int) -> np.ndarray:
    """``image`` moved by np.roll, the rows and columns that wrapped around set to 0."""
    moved = np.roll(image, (down, right), axis=(0, 1))
    if down > 0:
        moved[:down] = 0
    elif down < 0:
        moved[down:] = 0
    if right > 0:
        moved[:, :right] = 0
    elif right < 0:
        moved[:, right:] = 0
    return moved


@pytest.mark.parametrize(("text", "expected"), [
    ("off", "off"), ("", "off"), ("none", "off"), ("all", ALL), ("on", ALL),
    ("noise, shift", "shift,noise"), ("ROTATE", "rotate"), ("shift,shift", "shift"),
])
def test_spellings_become_one(text, expected):
    assert canonical(text) == expected
    assert Hyperparameters(augment=text).augment == expected


@pytest.mark.parametrize("text", ["flip", "shift,blur", "all,noise", 3])
def test_a_bad_value_is_one_line(text):
    with pytest.raises(BackpropError, match="augment") as error:
        Hyperparameters(augment=text)
    assert "\n" not in str(error.value)


def test_off_by_default():
    assert Hyperparameters().augment == "off"
    assert all(preset.config.hyper.augment == "off" for preset in PRESETS.values())


def test_shifts_are_np_roll_with_zero_fill():
    images = np.random.default_rng(0).random((9, 5, 6)) + 0.5  # no pixel is 0 by chance
    moves = [(dy, dx) for dy in (-2, 0, 1) for dx in (-1, 0, 2)]
    down, right = (np.array(m) for m in zip(*moves, strict=True))
    result = shifted(images, down, right)
    for k, (dy, dx) in enumerate(moves):
        np.testing.assert_array_equal(result[k], rolled(images[k], dy, dx))


def test_largest_shift_is_one_pixel_on_8x8_and_two_on_28x28():
    assert (max_shift((8, 8)), max_shift((28, 28))) == (1, 2)


def test_rotation_by_zero_is_the_identity_and_others_match_scipy():
    images = np.random.default_rng(1).random((3, 8, 8))
    np.testing.assert_array_equal(rotated(images, np.zeros(3)), images)
    for degrees in (-12.0, 7.5, 12.0):
        ours = rotated(images, np.full(3, degrees))
        for image, turned in zip(images, ours, strict=True):
            reference = ndimage.rotate(image, degrees, reshape=False, order=1,
                                       mode="grid-constant", cval=0.0)
            np.testing.assert_allclose(turned, reference, atol=1e-12)


def test_noise_has_the_stated_spread_and_stays_in_range(digits):
    grey = np.full((400, 64), 0.5)
    noised = augmented(grey, digits, "noise", np.random.default_rng(2))
    assert np.std(noised - grey) == pytest.approx(NOISE_STD, rel=0.02)
    assert abs(np.mean(noised - grey)) < 0.002
    full = augmented(np.ones((50, 64)), digits, "noise", np.random.default_rng(2))
    assert full.max() == 1.0 and full.min() >= 0.0


def test_min_max_scaled_images_are_augmented_as_pixels():
    """The same draws give the min-max scaled copy of the fixed-scale augmentation: blank
    pixels shifted in become each column's scaled value of 0, not 0."""
    fixed, minmax = data.load("digits"), data.load("digits", scaling="minmax")
    pixels = fixed.x_train  # pixels / 16, the same split
    low, high = pixels.min(axis=0), pixels.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    np.testing.assert_allclose(minmax.x_train, (pixels - low) / span)
    rows = slice(0, 64)
    for augment in ("shift", ALL):
        ours = augmented(minmax.x_train[rows], minmax, augment, np.random.default_rng(3))
        plain = augmented(pixels[rows], fixed, augment, np.random.default_rng(3))
        np.testing.assert_allclose(ours, (plain - low) / span, atol=1e-12)


def test_a_blank_pixel_is_the_scaled_value_of_0(digits):
    """Rows seen as 0.3 + 2·pixel: what shifts in is 0.3, and all of it is the scaled copy."""
    levels = (np.full(64, 0.3), np.full(64, 2.3))
    scaled = replace(digits, x_train=0.3 + 2 * digits.x_train, image_levels=levels)
    rows = slice(0, 64)
    for augment in ("shift", ALL):
        ours = augmented(scaled.x_train[rows], scaled, augment, np.random.default_rng(5))
        plain = augmented(digits.x_train[rows], digits, augment, np.random.default_rng(5))
        np.testing.assert_allclose(ours, 0.3 + 2 * plain, atol=1e-12)
    shifted_only = augmented(scaled.x_train[rows], scaled, "shift", np.random.default_rng(5))
    assert shifted_only.min() == pytest.approx(0.3) and (shifted_only < 0.3 + 1e-9).any()


def plain_loop(dataset, network: Network, hyper: Hyperparameters, seed: int, steps: int,
               augment: str | None) -> np.ndarray:
    """Mini-batch training written out: each epoch a permutation from the session's shuffle
    stream, the rows' own targets, augmented inputs drawn from the augmentation stream."""
    shuffle = np.random.default_rng([seed, 1])
    draws = np.random.default_rng([seed, STREAM])
    optimizer = make_optimizer(hyper.optimizer, network.flat)
    x, y, taken = dataset.x_train, dataset.y_train, 0
    while True:
        order = shuffle.permutation(len(x))
        for start in range(0, len(x), hyper.batch_size):
            rows = order[start:start + hyper.batch_size]
            inputs = x[rows] if augment is None else augmented(x[rows], dataset, augment, draws)
            trace = network.gradients(inputs, y[rows], l2=hyper.l2, l1=hyper.l1)
            optimizer.update(network.flat, trace.grad, hyper.learning_rate, hyper)
            taken += 1
            if taken == steps:
                return network.flat.copy()


@pytest.mark.parametrize("augment", ["off", ALL])
def test_training_follows_the_plain_loop(digits, augment):
    """Off: bit-identical to the loop without augmentation (nothing drawn, nothing changed).
    On: the loop's augmented inputs with the rows' own targets, over an epoch's end."""
    hyper = replace(PRESETS["digits"].config.hyper, augment=augment)
    network = Network("64-16-10", hidden="relu", output="softmax", loss="cross_entropy",
                      seed=4)
    reference = plain_loop(digits, network.copy(), hyper, 4, 45,
                           None if augment == "off" else augment)
    targets = digits.y_train.copy()
    session = TrainingSession(digits, network, hyper, seed=4)
    session.run(45)
    assert session.epoch == 1
    if augment == "off":
        np.testing.assert_array_equal(session.network.flat, reference)
    else:
        np.testing.assert_allclose(session.network.flat, reference, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(digits.y_train, targets)


def train(dataset, augment: str, seed: int, steps: int = 30) -> np.ndarray:
    network = Network("64-16-10", hidden="relu", output="softmax", loss="cross_entropy",
                      seed=0)
    session = TrainingSession(dataset, network, Hyperparameters(augment=augment), seed=seed)
    session.run(steps)
    return session.network.flat.copy()


def test_the_same_seed_gives_the_same_run_and_another_seed_another(digits):
    np.testing.assert_array_equal(train(digits, ALL, 0), train(digits, ALL, 0))
    assert not np.array_equal(train(digits, ALL, 0), train(digits, "off", 0))
    batch = digits.x_train[:32]
    first, again, other = (augmented(batch, digits, ALL, np.random.default_rng([seed, STREAM]))
                           for seed in (0, 0, 1))
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)


def test_a_reset_replays_the_augmented_stream(digits):
    network = Network("64-16-10", hidden="relu", output="softmax", loss="cross_entropy")
    session = TrainingSession(digits, network, Hyperparameters(augment=ALL))
    session.run(20)
    first = session.network.flat.copy()
    session.reset()
    session.run(20)
    np.testing.assert_array_equal(session.network.flat, first)


def test_only_image_data_sets_augment(digits):
    adder = data.load("adder")
    network = Network("8-8-4", output="sigmoid", loss="binary_cross_entropy")
    with pytest.raises(BackpropError, match="needs an image data set.*adder"):
        TrainingSession(adder, network, Hyperparameters(augment="shift"))
    session = TrainingSession(adder, network)
    with pytest.raises(BackpropError, match="needs an image data set"):
        session.set_hyperparameters(augment="noise")
    assert session.hyper.augment == "off"
