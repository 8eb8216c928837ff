"""Real-valued targets: a random smooth function of random inputs, and °F → °C.

Inputs and targets are standardised with scalers fit on the training rows (unless
``standardise`` is off); ``target_scale`` is the target's standard deviation, so an error in
standardised units times it is an error in the data set's own units.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from backprop_tui.data._common import (
    check_float,
    check_int,
    check_ratio,
    check_seed,
    regression_dataset,
    regression_describer,
    unscale,
)
from backprop_tui.data.base import Dataset, Describe, register
from backprop_tui.errors import BackpropError

FUNCTION_SEED = 20_240_917
"""The random function's own seed: every ``seed`` poses the same problem, sampled anew."""
HIDDEN = 16
LABELS = ("smooth", "random")


def _smooth_function(x: np.ndarray) -> np.ndarray:
    """A fixed random mix of tanh features of ``x``, scaled so its std is about 1."""
    features = x.shape[1]
    rng = np.random.default_rng([FUNCTION_SEED, features])
    weights = rng.standard_normal((features, HIDDEN)) * 1.5 / np.sqrt(features)
    bias = rng.uniform(-1.0, 1.0, HIDDEN)
    mix = rng.standard_normal(HIDDEN)
    reference = np.tanh(rng.standard_normal((4096, features)) @ weights + bias) @ mix
    y: np.ndarray = np.tanh(x @ weights + bias) @ (mix / reference.std())
    return y


@register("regression")
def regression(
    samples: int = 1000,
    features: int = 10,
    noise: float = 0.1,
    seed: int = 0,
    train_ratio: float = 0.8,
    labels: str = "smooth",
    standardise: bool = True,
) -> Dataset:
    """Standard-normal inputs → one smooth nonlinear target plus Gaussian ``noise`` (its std);
    ``labels="random"``: standard-normal labels that do not depend on the inputs at all (the
    seed post's set-up; ``noise`` is then unused)."""
    samples = check_int("samples", samples, 10, 1_000_000)
    features = check_int("features", features, 1, 1000)
    noise = check_float("noise", noise, 0.0)
    seed, train_ratio = check_seed(seed), check_ratio(train_ratio)
    if labels not in LABELS:
        raise BackpropError(f"unknown labels {labels!r}; choose one of: {', '.join(LABELS)}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, features))
    if labels == "random":
        y = rng.standard_normal(samples)
    else:
        y = _smooth_function(x) + noise * rng.standard_normal(samples)
    what = "random labels" if labels == "random" else f"noise {noise:g}"
    return regression_dataset(
        "regression",
        x,
        y,
        train_ratio=train_ratio,
        seed=seed,
        describer=lambda _x_scaler, y_scaler: regression_describer(y_scaler),
        summary=f"random regression, {features} features, {what}"
                + ("" if standardise else ", unscaled"),
        standardise=bool(standardise),
        options={
            "samples": samples,
            "features": features,
            "noise": noise,
            "seed": seed,
            "train_ratio": train_ratio,
            **({"labels": labels} if labels != "smooth" else {}),
            **({} if standardise else {"standardise": False}),
        },
    )


def _celsius_describer(x_scaler: Any, y_scaler: Any) -> Describe:
    def describe(x_row: np.ndarray, y_row: np.ndarray, prediction_row: np.ndarray) -> str:
        fahrenheit = unscale(x_scaler, x_row)[0]
        true, guess = unscale(y_scaler, y_row)[0], unscale(y_scaler, prediction_row)[0]
        return f"{fahrenheit:.1f} °F → {true:.1f} °C (predicted {guess:.1f})"

    return describe


@register("celsius")
def celsius(
    samples: int = 200, noise: float = 0.0, seed: int = 0, train_ratio: float = 0.8
) -> Dataset:
    """Fahrenheit uniform in [-40, 212] → Celsius ``(F - 32) * 5 / 9`` (+ ``noise`` °C std)."""
    samples = check_int("samples", samples, 10, 1_000_000)
    noise = check_float("noise", noise, 0.0)
    seed, train_ratio = check_seed(seed), check_ratio(train_ratio)
    rng = np.random.default_rng(seed)
    fahrenheit = rng.uniform(-40.0, 212.0, samples)
    degrees = (fahrenheit - 32.0) * 5.0 / 9.0 + noise * rng.standard_normal(samples)
    return regression_dataset(
        "celsius",
        fahrenheit,
        degrees,
        train_ratio=train_ratio,
        seed=seed,
        describer=_celsius_describer,
        summary="°F → °C" + (f", noise {noise:g} °C" if noise else ""),
        options={"samples": samples, "noise": noise, "seed": seed, "train_ratio": train_ratio},
    )
