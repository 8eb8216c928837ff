"""The boundary of a multi-class and a regression 2-D set: one colour per class at each
pixel (the argmax of an independent forward pass), the predicted value for regression."""

from __future__ import annotations

import numpy as np

from backprop_tui.app.widgets.boundary import pixel_colours
from backprop_tui.app.widgets.colours import CLASS_COLOURS, NEUTRAL
from backprop_tui.live.boundary import BoundaryRequest, build_boundary, pixel_centres
from backprop_tui.live.config import RunConfig, build_session


def forward(net, x):
    """The network's softmax output, computed here from its weights."""
    for layer, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        x = x @ w + b.ravel()
        if layer < len(net.weights) - 1:
            x = np.tanh(x)
    shifted = np.exp(x - x.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def test_each_pixel_has_the_colour_of_its_likeliest_class():
    config = RunConfig(dataset="blobs", data_options={"classes": 5}, hidden_sizes=(8,))
    session, _ = build_session(config)
    session.run(300)
    boundary = build_boundary(session, BoundaryRequest(cols=30, rows=20))
    expected = forward(session.network, pixel_centres(30, 20)).argmax(axis=1).reshape(20, 30)
    np.testing.assert_array_equal(boundary.classes, expected)
    assert len(np.unique(expected)) == 5
    colours = pixel_colours(boundary, boundary.values)  # the pixels as built, no resampling
    neutral = np.array([int(NEUTRAL[i:i + 2], 16) for i in (1, 3, 5)])
    for (row, col), cls in np.ndenumerate(expected):
        pixel = np.array([int(colours[row][col][i:i + 2], 16) for i in (1, 3, 5)])
        target = np.array([int(CLASS_COLOURS[cls][i:i + 2], 16) for i in (1, 3, 5)])
        direction = pixel - neutral  # a step from neutral towards this class's colour only
        assert np.allclose(np.cross(direction, target - neutral), 0, atol=3 * 255) \
            and direction @ (target - neutral) > 0
    points = boundary.points
    np.testing.assert_array_equal(points[:len(session.x_train), 2],
                                  session.y_train.argmax(axis=1))


def test_regression_plane_shows_the_predicted_value():
    session, _ = build_session(RunConfig(dataset="plane", hidden_sizes=(8,)))
    session.run(200)
    boundary = build_boundary(session, BoundaryRequest(cols=12, rows=8))
    assert boundary.classes is None and boundary.label == "output value"
    predicted = session.network.predict(pixel_centres(12, 8))[:, 0].reshape(8, 12)
    np.testing.assert_allclose(boundary.values, predicted)
    assert boundary.scale == np.abs(predicted).max()
