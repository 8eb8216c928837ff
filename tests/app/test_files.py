"""Files from the app: save the model, export SVG and CSV, write the configuration."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import replace

import numpy as np

from backprop_tui.app.app import BackpropApp
from backprop_tui.app.screens.prompt import PathPrompt
from backprop_tui.cli import config_from, main, parser
from backprop_tui.engine.io import load
from backprop_tui.live.backend import ThreadBackend

from .conftest import make_app, started, wait_for

SIZE = (80, 24)
"""The smallest full screen: every panel, and the quickest to draw behind a prompt."""


def app_for(*flags: str) -> BackpropApp:
    """The app as ``backprop-tui FLAGS --paused`` opens it, with an in-process trainer."""
    config = config_from(parser().parse_args([*flags, "--paused"]))
    backend = ThreadBackend(config)
    backend.start()
    return BackpropApp(config, backend)


async def prompt(pilot, key: str, path=None) -> PathPrompt:
    """Press ``key``, wait for the path prompt, and type ``path`` into it if given."""
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PathPrompt))
    if path is not None:
        pilot.app.screen.query_one("#path").value = str(path)
    return pilot.app.screen


def notified(app, text: str) -> bool:
    return any(text in n.message for n in app._notifications)


async def test_ctrl_s_saves_the_model_with_the_suggested_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("n", "n")
        await wait_for(pilot, lambda: app.snapshot.step == 2)
        screen = await prompt(pilot, "ctrl+s")
        assert screen.query_one("#path").value == "backprop-adder.npz"
        await pilot.press("enter")
        await wait_for(pilot, lambda: notified(app, "saved the 8-32-32-4 network (step 2)"))
    network, hyper = load(tmp_path / "backprop-adder.npz")
    assert network.sizes == (8, 32, 32, 4) and hyper == app.snapshot.hyper


async def test_app_steps_end_with_the_headless_weights(tmp_path):
    flags = ["--preset", "celsius", "--seed", "2", "--batch-size", "5"]
    headless, live = tmp_path / "headless.npz", tmp_path / "live.npz"
    assert main(["train", *flags, "--steps", "4", "--save", str(headless), "--quiet"]) == 0
    app = app_for(*flags)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        for _ in range(4):
            await pilot.press("n")
        await wait_for(pilot, lambda: app.snapshot.step == 4)
        await prompt(pilot, "ctrl+s", live)
        await pilot.press("enter")
        await wait_for(pilot, lambda: live.exists())
    np.testing.assert_array_equal(load(live)[0].flat, load(headless)[0].flat)


async def test_an_existing_file_asks_before_it_is_overwritten(tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        for key, name in (("ctrl+s", "net.npz"), ("ctrl+t", "cost.csv")):
            target = tmp_path / name
            target.write_bytes(b"precious")
            screen = await prompt(pilot, key, target)
            await pilot.press("enter")
            await wait_for(pilot, lambda s=screen: "exists: Enter again to overwrite"
                           in str(s.query_one("#prompt-warning").render()))
            assert app.screen is screen and target.read_bytes() == b"precious"
            await pilot.press("enter")
            await wait_for(pilot, lambda t=target: t.read_bytes() != b"precious")
    assert load(tmp_path / "net.npz")[0].sizes == (8, 32, 32, 4)
    assert (tmp_path / "cost.csv").read_text().startswith("step,cost,")


async def test_escape_cancels_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        for key in ("ctrl+s", "ctrl+e", "ctrl+t", "ctrl+w"):
            await prompt(pilot, key)
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, PathPrompt))
        await pilot.press("n")  # a round trip: the trainer has seen every earlier command
        await wait_for(pilot, lambda: app.snapshot.step == 1)
        assert list(tmp_path.iterdir()) == []


async def test_a_failed_save_is_reported(tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await prompt(pilot, "ctrl+s", tmp_path / "missing" / "net.npz")
        await pilot.press("enter")
        await wait_for(pilot, lambda: notified(app, "cannot write"))
    assert not (tmp_path / "missing").exists()


async def test_ctrl_e_exports_the_main_screen_as_svg(tmp_path):
    target = tmp_path / "screen.svg"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await prompt(pilot, "ctrl+e", target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: notified(app, f"wrote {target}"))
    text = target.read_text()
    assert text.startswith("<svg") and "predictions" in text
    assert "Save&#160;the&#160;screen" not in text  # the prompt is gone from the picture


async def test_ctrl_t_writes_the_cost_history(tmp_path):
    target = tmp_path / "cost.csv"
    app = make_app()  # adder: 3 steps an epoch
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.snapshot.epoch == 1 and app.snapshot.status == "paused")
        await pilot.press("e")
        await wait_for(pilot, lambda: app.snapshot.epoch == 2 and app.snapshot.status == "paused")
        await prompt(pilot, "ctrl+t", target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.exists())
        snapshot = app.snapshot
    with target.open() as file:
        rows = list(csv.DictReader(file))
    assert [int(r["step"]) for r in rows] == list(range(1, 7))
    np.testing.assert_allclose([float(r["cost"]) for r in rows], snapshot.cost)
    ends = [r for r in rows if r["test_cost"]]
    assert [int(r["step"]) for r in ends] == [3, 6]
    assert float(ends[-1]["test_cost"]) == snapshot.epoch_series["test_cost"][-1]


async def test_ctrl_w_writes_a_config_the_cli_reads_back(tmp_path):
    target = tmp_path / "run.toml"
    app = make_app(seed=7)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("plus", "a", "right_square_bracket")  # lr up, relu, one more layer
        await wait_for(pilot, lambda: app.snapshot.sizes == (8, 32, 32, 32, 4))
        await prompt(pilot, "ctrl+w", target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: target.exists())
        snapshot = app.snapshot
    assert tomllib.loads(target.read_text())["arch"] == "8-32-32-32-4"
    config = config_from(parser().parse_args(["--config", str(target)]))
    assert config.hyper == snapshot.hyper and config.hyper.learning_rate == 0.03
    assert config.hidden == "relu" and config.seed == 7 and config.dataset == "adder"
    assert (config.io_sizes[0], *config.hidden_sizes, config.io_sizes[1]) == snapshot.sizes


async def test_the_app_continues_from_loaded_weights(tmp_path):
    saved, again = tmp_path / "net.npz", tmp_path / "again.npz"
    assert main(["train", "--preset", "celsius", "--steps", "9", "--save", str(saved),
                 "--quiet"]) == 0
    app = app_for("--preset", "celsius", "--load", str(saved))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert app.snapshot.step == 0
        await wait_for(pilot, lambda: notified(app, "started from the weights in"))
        await prompt(pilot, "ctrl+s", again)
        await pilot.press("enter")
        await wait_for(pilot, lambda: again.exists())
    np.testing.assert_array_equal(load(again)[0].flat, load(saved)[0].flat)
    assert replace(app.config, weights="") != app.config
