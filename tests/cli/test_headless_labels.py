"""Headless progress: each figure says what it measures and equals that, computed here."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
from rich.console import Console

from backprop_tui.headless import Outcome, TrainOptions, _progress, _show, summarise, table
from backprop_tui.live.config import PRESETS, build_session


def test_bar_cost_is_the_last_mini_batch_and_says_so():
    config = PRESETS["digits"].config
    session, _ = build_session(replace(config, hyper=replace(config.hyper, l2=1e-3)))
    session.run(37)
    rows = session.next_rows()
    before = session.network.copy()
    session.step()
    hyper = session.hyper
    expected = before.cost(session.x_train[rows], session.y_train[rows], hyper.l2, hyper.l1)
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    options = TrainOptions.pick({"steps": 38})
    progress = _progress(console, options)
    task = progress.add_task("", total=38, cost="–", metric="", rate="0")
    _show(progress, task, session, options, 1.0)
    fields = progress.tasks[0].fields
    assert float(fields["cost"]) == float(f"{expected:.4g}")
    line = "".join(str(column.render(progress.tasks[0])) for column in progress.columns[:3])
    assert f"batch cost {fields['cost']}" in line


def test_table_columns_name_their_rows_and_figures_match():
    session, _ = build_session(PRESETS["digits"].config)
    session.run(40)
    summary = summarise(PRESETS["digits"].config, session, Outcome(1.0, None, None))
    net = session.network
    output = net.predict(session.x_test)
    accuracy = np.mean(output.argmax(1) == session.y_test.argmax(1))
    eps = 1e-12
    test_cost = -np.mean(np.sum(session.y_test * np.log(np.clip(output, eps, 1)), axis=1))
    assert summary["final"]["test"]["accuracy"] == accuracy
    np.testing.assert_allclose(summary["final"]["test"]["cost"], test_cost, rtol=1e-9)
    n_train = min(2000, len(session.x_train))
    assert summary["rows"] == {"train": n_train, "test": len(session.x_test)}
    console = Console(file=io.StringIO(), width=120)
    console.print(table(summary))
    text = " ".join(console.file.getvalue().split())
    assert f"train ({n_train:,} rows)" in text and f"test ({len(session.x_test):,} rows)" in text
    assert "last mini-batch" in text and "without penalties" in text
