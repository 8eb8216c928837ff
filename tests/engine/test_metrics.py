"""The metric definitions: one entry per metric, one headline per task."""

import pytest

from backprop_tui.engine import METRICS
from backprop_tui.engine.metrics import METRIC_TABLE, headline


def test_every_reported_metric_is_defined_and_every_task_has_a_headline_among_them():
    for task, names in METRICS.items():
        assert all(name in METRIC_TABLE for name in names)
        assert headline(task).name in names
    assert [headline(task).label for task in ("classes", "bits", "regression")] == [
        "accuracy", "word accuracy", "R²"]


def test_direction_and_format():
    assert [name for name, m in METRIC_TABLE.items() if not m.higher_is_better] == ["mae"]
    assert METRIC_TABLE["accuracy"].format(0.9721) == "97.2 %"
    assert METRIC_TABLE["r2"].format(0.98765) == "0.9877"
    assert METRIC_TABLE["r2"].format(0.99996) == "1.0000"  # not a rounded "1"
    assert METRIC_TABLE["mae"].format(12.345) == "12.3"


@pytest.mark.parametrize("name", ["accuracy", "bit_accuracy", "word_accuracy"])
def test_accuracies_are_percentages(name):
    assert METRIC_TABLE[name].percent and METRIC_TABLE[name].short.endswith("acc")
