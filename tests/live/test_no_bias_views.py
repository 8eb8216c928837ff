"""A network without biases (regression-post) says "no bias" where others show b, ∂C/∂b and
Δb: in the inspector's stages and in the gradient check's table."""

from __future__ import annotations

from backprop_tui.app.screens.gradcheck import cells
from backprop_tui.live.config import PRESETS, build_session
from backprop_tui.live.gradcheck import check_gradients
from backprop_tui.live.inspector import inspect


def session_of(preset: str):
    session, _ = build_session(PRESETS[preset].config)
    session.run(3)
    return session


def test_the_inspector_names_no_bias_and_shows_no_bias_numbers():
    session = session_of("regression-post")
    assert session.network.bias is False
    stages = inspect(session).stages
    with_b = [s for s in stages if s.kind in ("forward", "gradient", "update")]
    assert with_b and all("(no bias)" in s.equation for s in with_b)
    for stage in stages:
        text = stage.equation + stage.shapes + " ".join(n.name for n in stage.numbers)
        assert "b₁" not in text and "∂C/∂b" not in text and "Δb" not in text


def test_the_inspector_shows_biases_where_the_network_has_them():
    stages = inspect(session_of("adder")).stages
    gradient = next(s for s in stages if s.kind == "gradient")
    assert "(no bias)" not in gradient.equation
    assert [n.name[:5] for n in gradient.numbers] == ["∂C/∂W", "∂C/∂b"]


def test_the_gradient_check_says_no_bias_instead_of_a_zero_error():
    report = check_gradients(session_of("regression-post"))
    assert report.ok and all(row.bias_error is None for row in report.rows)
    assert {row[3] for row in cells(report)} == {"no bias"}
    with_bias = check_gradients(session_of("adder"))
    assert all(row.bias_error is not None for row in with_bias.rows)
    assert "no bias" not in {row[3] for row in cells(with_bias)}
