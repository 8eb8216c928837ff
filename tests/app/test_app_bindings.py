"""Every key binding changes what it should, and the panels show it."""

from __future__ import annotations

import pytest

from backprop_tui.app.keys import MAIN as BINDINGS
from backprop_tui.app.screens.help import HelpScreen
from backprop_tui.app.screens.picker import PickerScreen
from backprop_tui.app.widgets.cost_plot import CostPlot
from backprop_tui.app.widgets.predictions import PredictionsView
from backprop_tui.app.widgets.status import StatusBar
from backprop_tui.app.widgets.topology import TopologyView
from backprop_tui.engine import Hyperparameters
from backprop_tui.live.commands import Step

from .conftest import make_app, screen_lines, started, wait_for


def status_of(app) -> str:
    return str(app.screen_stack[0].query_one(StatusBar).render())


async def test_opens_paused_and_step_trains_one_batch():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert app.snapshot.status == "paused" and app.snapshot.step == 0
        await pilot.press("n")
        await wait_for(pilot, lambda: app.snapshot.step == 1)
        assert app.snapshot.status == "paused"
        assert "step 1" in status_of(app) and "PAUSED" in status_of(app)


async def test_space_runs_and_pauses():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.snapshot.status == "running" and app.snapshot.step > 5)
        assert "RUNNING" in status_of(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.snapshot.status == "paused")
        step = app.snapshot.step
        await pilot.press("n")  # paused, it takes exactly the one step asked for
        await wait_for(pilot, lambda: app.snapshot.step > step)
        assert app.snapshot.step == step + 1 and app.snapshot.status == "paused"


async def test_epoch_trains_exactly_one_epoch():
    app = make_app()  # adder: 45 rows, batch 16 → 3 steps an epoch
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.snapshot.epoch == 1 and app.snapshot.status == "paused")
        assert app.snapshot.step == 3
        assert "epoch 1" in status_of(app)


async def test_reset_restarts_from_the_seeded_weights():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        first = app.snapshot.layers[0].weight_mean
        for _ in range(3):
            await pilot.press("n")
        await wait_for(pilot, lambda: app.snapshot.step == 3)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.snapshot.step == 0)
        assert app.snapshot.layers[0].weight_mean == first


@pytest.mark.parametrize(("keys", "field", "expected"), [
    ("plus", "learning_rate", 0.03),
    ("minus", "learning_rate", 0.003),
    ("b", "batch_size", 32),
    ("B", "batch_size", 8),
    ("M", "beta1", 0.8),  # the adder trains with Adam: m/M move its β₁
    ("m", "beta1", 0.95),
    ("l", "l2", 3e-3),
    ("L", "l2", 3e-4),
    ("k", "l1", 1e-5),
    ("o", "optimizer", "rmsprop"),
])
async def test_hyperparameter_keys_change_the_value_and_keep_the_weights(keys, field, expected):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.snapshot.step == 1)
        weights = app.snapshot.layers[0].weight_mean
        await pilot.press(keys)
        await wait_for(pilot, lambda: getattr(app.snapshot.hyper, field) == expected)
        assert app.snapshot.step == 1 and app.snapshot.layers[0].weight_mean == weights
        shown = f"{expected:g}" if isinstance(expected, float) else str(expected)
        assert shown in status_of(app)


async def test_batch_size_stops_at_the_full_batch_and_at_one():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        for _ in range(12):
            await pilot.press("b")
        await wait_for(pilot, lambda: app.snapshot.hyper.batch_size == 45)
        for _ in range(14):
            await pilot.press("B")
        await wait_for(pilot, lambda: app.snapshot.hyper.batch_size == 1)


async def test_activation_and_layer_keys_reshape_the_network():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert app.snapshot.sizes == (8, 32, 32, 4) and app.snapshot.hidden == "tanh"
        await pilot.press("a")
        await wait_for(pilot, lambda: app.snapshot.hidden == "relu")
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.snapshot.sizes == (8, 32, 32, 32, 4))
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_for(pilot, lambda: app.snapshot.sizes == (8, 32, 4))
        assert "re-initialised" in app.snapshot.message
        # the topology cursor starts on hidden layer 1: '.' widens it, ',' narrows it
        assert app.screen.query_one(TopologyView).selected[0] == 1
        await pilot.press("full_stop")
        await wait_for(pilot, lambda: app.snapshot.sizes == (8, 36, 4))
        await pilot.press("comma")
        await wait_for(pilot, lambda: app.snapshot.sizes == (8, 32, 4))


async def test_speed_keys_walk_the_ladder():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert app.snapshot.speed == 300
        await pilot.press("f")
        await wait_for(pilot, lambda: app.snapshot.speed == 1000)
        await pilot.press("f", "f")
        await wait_for(pilot, lambda: app.snapshot.speed is None)
        assert "flat out" in status_of(app)
        await pilot.press("s")
        await wait_for(pilot, lambda: app.snapshot.speed == 3000)


async def test_sample_keys_cycle_the_predictions():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        rows = [p.row for p in app.snapshot.predictions]
        await pilot.pause()
        shown = app.screen_stack[0].query_one(PredictionsView).shown  # p pages by what is shown
        assert 2 <= shown <= len(rows)
        await pilot.press("p")
        await wait_for(pilot, lambda: [p.row for p in app.snapshot.predictions] != rows)
        new = [p.row for p in app.snapshot.predictions]
        assert len(rows) == app.snapshot.pool  # every test sum is carried: paging turns the ring
        assert new == rows[shown:] + rows[:shown]
        await pilot.press("P")
        await wait_for(pilot, lambda: [p.row for p in app.snapshot.predictions] == rows)


async def test_arrow_keys_select_a_neuron_and_show_its_weights():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await wait_for(pilot, lambda: app.snapshot.topology.selected == (1, 0))  # the start
        await pilot.press("down", "down")
        view = app.screen.query_one(TopologyView)
        layer, neuron = view.selected
        assert layer == 1 and neuron > 0
        await wait_for(pilot, lambda: app.snapshot.topology.selected == (1, neuron))
        assert len(app.snapshot.topology.incoming) == 8 + 1  # 8 weights and the bias
        await pilot.press("right")
        await wait_for(pilot, lambda: app.snapshot.topology.selected is not None
                       and app.snapshot.topology.selected[0] == 2)


async def test_log_key_toggles_the_plot_scale():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        plot = app.screen.query_one(CostPlot)
        assert not plot.log_scale
        await pilot.press("g")
        assert plot.log_scale
        await pilot.press("g")
        assert not plot.log_scale


async def test_help_lists_every_binding_and_closes():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = app.screen.text
        for binding in BINDINGS:
            assert (binding.tooltip or binding.description) in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))


async def test_command_palette_has_every_action():
    app = make_app("circle")  # 2 inputs and a hidden neuron selected: every key applies
    async with app.run_test(size=(120, 40)) as pilot:  # but t (images; see test_draw.py)
        await started(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for binding in BINDINGS:
            if binding.action not in ("quit", "draw"):
                assert binding.description in titles


async def pick(pilot, enter_in: str, **values: str) -> None:
    """Open the picker with ``d``, fill its inputs and press Enter in ``#enter_in``."""
    await pilot.press("d")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickerScreen))
    for name, value in values.items():
        pilot.app.screen.query_one(f"#{name}").value = value
    pilot.app.screen.query_one(f"#{enter_in}").focus()
    await pilot.press("enter")


async def test_picker_switches_data_set_without_restarting():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pick(pilot, "dataset", hidden="6-3", dataset="circle")
        await wait_for(pilot, lambda: app.snapshot.dataset == "circle")
        assert app.snapshot.sizes == (2, 6, 3, 2)
        await wait_for(pilot, lambda: app.snapshot.step > 0)  # a picked run starts training


async def test_picker_rejects_bad_hidden_layers_and_cancels():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pick(pilot, "hidden", hidden="3-x")
        await wait_for(pilot, lambda: any("bad hidden layers" in n.message
                                          for n in app._notifications))
        assert isinstance(app.screen, PickerScreen)  # still open, with the notice
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PickerScreen))
        assert app.snapshot.dataset == "adder"


async def test_bad_data_set_in_the_picker_is_a_notice_not_a_crash(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,\n")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pick(pilot, "dataset", dataset=f"csv:{bad}")
        await wait_for(pilot, lambda: any("missing value" in n.message
                                          for n in app._notifications))
        assert app.snapshot.dataset == "adder"
        await pilot.press("n")
        await wait_for(pilot, lambda: app.snapshot.step == 1)  # the old run goes on


async def test_divergence_pauses_and_says_what_to_try():
    app = make_app("digits", hyper=Hyperparameters(learning_rate=1e3, batch_size=32))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.snapshot.status == "diverged")
        assert "lower the learning rate" in app.snapshot.message
        assert "DIVERGED" in status_of(app)
        assert any("diverged" in n.message for n in app._notifications)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.snapshot.status == "paused" and app.snapshot.step == 0)


async def test_small_terminal_shows_a_notice_and_recovers():
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await started(pilot)
        assert app.screen.has_class("too-small")
        assert app.screen.query_one("#too-small").display
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: not app.screen.has_class("too-small"))
        assert not app.screen.query_one("#too-small").display


async def test_rewind_key_goes_back_to_a_checkpoint_and_keeps_the_branch():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.send(Step(300))
        await wait_for(pilot, lambda: app.snapshot.step == 300)
        await pilot.press("z")
        await wait_for(pilot, lambda: app.snapshot.step == 250)
        assert len(app.snapshot.branches) == 1 and "rewound to step 250" in status_of(app)


async def test_picker_shows_the_network_trained_now_not_the_preset():
    app = make_app()  # adder: 8-32-32-4 tanh
    async with app.run_test(size=(100, 32)) as pilot:
        await started(pilot)
        await pilot.press("right_square_bracket", "a")  # one more hidden layer, next activation
        await wait_for(pilot, lambda: len(app.snapshot.sizes) == 5
                       and app.snapshot.hidden != "tanh")
        hidden = app.snapshot.hidden
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PickerScreen))
        now = str(app.screen.query_one("#picker-now").render())
        assert f"8-32-32-32-4 {hidden} → sigmoid" in now and hidden != "tanh"
        assert app.screen.query_one("#hidden").placeholder == "32-32-32"


async def test_the_predictions_panel_is_filled_and_p_pages_by_what_it_shows():
    app = make_app("circle")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.pause()
        view = app.screen_stack[0].query_one(PredictionsView)
        lines = [line for line in screen_lines(app)
                 if "│" in line and ("✓" in line.split("│")[-2] or "✗" in line.split("│")[-2])]
        assert len(lines) == view.shown == view.content_size.height - 1  # all rows but the header
        rows = [p.row for p in app.snapshot.predictions]
        await pilot.press("p")
        await wait_for(pilot, lambda: [p.row for p in app.snapshot.predictions] != rows)
        assert [p.row for p in app.snapshot.predictions][:len(rows) - view.shown] \
            == rows[view.shown:]
