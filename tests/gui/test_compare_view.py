"""Compare engines in the window: real runs through the controller, one bar per engine."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QAction

from concurrency_explorer.core.engines import availability
from concurrency_explorer.gui import compare_view
from concurrency_explorer.gui.compare_view import CompareView

from .helpers import configure, make_window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def table_column(view, column):
    return [view.table.item(row, column).text() for row in range(view.table.rowCount())]


def test_compare_runs_each_engine_and_plots_the_records_figures(qtbot):
    window = make_window(qtbot)
    window.show()
    configure(window, mode="process", workers=2, count=40)
    view = window.extensions.get(CompareView)
    assert view.chart.widget is None, "the chart is made when first shown, not at start-up"
    started = []
    window.controller.started.connect(lambda run: started.append(run.config.mode))
    with qtbot.waitSignal(view.driver.ended, timeout=60_000) as blocker:
        assert view.start_comparison(["thread", "process"])
        assert window.viewTabs.currentWidget() is view
        assert not view.compareButton.isEnabled()
        assert not view.start_comparison(), "one comparison at a time"
    assert blocker.args == [True]
    assert started == ["sequential", "thread", "process"], "each engine ran in the window"
    records = view.comparison.records
    assert [r["compare"]["label"] for r in records] == ["sequential", "thread", "process"]
    assert [r["config"]["mode"] for r in window.controller.history] == [
        "sequential", "thread", "process",
    ]  # fmt: skip
    baseline = records[0]
    assert baseline["ok"] and baseline["speedup"] == 1.0
    for record in records[1:]:
        assert record["ok"] and record["speedup_basis"] == "measured"
        assert record["speedup"] == round(baseline["wall_s"] / record["wall_s"], 3)
    # one bar per engine, their lengths the records' figures
    assert view.chart.widget is not None and view.chart.widget.objectName() == "comparePlot"
    assert list(view.speedupBars.opts["width"]) == [r["speedup"] for r in records]
    assert list(view.wallBars.opts["width"]) == [r["wall_s"] for r in records]
    assert list(view.speedupBars.opts["y"]) == [0, 1, 2]
    xs, _ys = view.idealMarks.getData()
    ideal = records[1]["compare"]["ideal_speedup"]
    assert list(xs) == [1, 1, ideal, ideal, ideal, ideal]
    assert table_column(view, 0) == ["sequential", "thread", "process"]
    assert table_column(view, 2) == [f"{r['speedup']:.2f}x" for r in records]
    assert table_column(view, 4) == ["ok", "ok", "ok"]
    assert "Comparison done" in view.statusLabel.text()
    assert view.compareButton.isEnabled()


def test_stop_ends_the_whole_comparison(qtbot):
    window = make_window(qtbot)
    window.show()
    configure(window, mode="process", workers=2, count=1_000_000)
    view = window.extensions.get(CompareView)
    with qtbot.waitSignal(view.driver.ended, timeout=30_000) as blocker:
        assert view.start_comparison(["thread", "process"])
        qtbot.waitUntil(lambda: bool(window.controller.run and window.controller.run.t0))
        qtbot.wait(200)
        window.stop_run()
    assert blocker.args == [False]
    assert len(window.controller.history) == 1, "no engine ran after Stop"
    assert not window.controller.is_running
    assert table_column(view, 4) == ["stopped", "waiting", "waiting"]
    assert "ended early after 1 of 3" in view.statusLabel.text()


def test_the_action_and_what_is_left_out_here(qtbot):
    window = make_window(qtbot)
    action = window.findChild(QAction, "compareAction")
    assert action is not None and action in window.menus["Run"].actions()
    assert action.shortcut().toString() == "Ctrl+Shift+E"
    assert "ideal" in action.toolTip() and "baseline" in action.toolTip()
    text = window.extensions.get(CompareView).unavailableLabel.text()
    for mode, (ok, reason) in availability().items():
        assert (f"({mode}): {reason}" in text) == (not ok), mode
    assert compare_view.unavailable_text({}) == "Every engine is available here."


def test_a_bad_workload_says_why_and_starts_nothing(qtbot):
    window = make_window(qtbot)
    configure(window, mode="process", workers=2, counts="5,x")
    view = window.extensions.get(CompareView)
    assert not view.start_comparison()
    assert "Cannot compare" in view.statusLabel.text() and "'x'" in view.statusLabel.text()
    assert not window.controller.is_running and view.comparison is None


def test_a_comparison_run_while_the_tab_was_hidden_is_drawn_when_shown(qtbot):
    window = make_window(qtbot)  # never shown: the tab cannot build its chart
    configure(window, mode="process", workers=1, count=20)
    view = window.extensions.get(CompareView)
    with qtbot.waitSignal(view.driver.ended, timeout=60_000):
        assert view.start_comparison(["thread"])
    assert view.chart.widget is None
    window.show()
    window.viewTabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.chart.widget is not None)
    records = view.comparison.records
    assert list(view.speedupBars.opts["width"]) == [r["speedup"] for r in records]


def test_the_python_field_adds_the_threads_under_that_python(qtbot):
    window = make_window(qtbot)
    window.show()
    configure(window, mode="process", workers=2, count=20)
    window.configPanel.pythonEdit.setText(sys.executable)
    view = window.extensions.get(CompareView)
    with qtbot.waitSignal(view.driver.ended, timeout=60_000) as blocker:
        assert view.start_comparison(["thread"])
    assert blocker.args == [True]
    records = view.comparison.records
    name = sys.executable.rsplit("/", 1)[-1]
    assert table_column(view, 0) == ["sequential", "thread", f"thread ({name})"]
    assert [r["config"]["python"] for r in records] == [None, None, sys.executable]
    assert all(r["ok"] for r in records)
    assert list(view.speedupBars.opts["width"]) == [r["speedup"] for r in records]
    window.configPanel.pythonEdit.setText("/no/such/python")
    assert not view.start_comparison(["thread"])
    assert "no such file" in view.statusLabel.text()


def test_the_shortcut_starts_a_comparison_that_esc_stops(qtbot):
    from PySide6.QtCore import Qt

    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):  # window shortcuts need the window active
        window.activateWindow()
    configure(window, mode="process", workers=1, count=1_000_000)
    view = window.extensions.get(CompareView)
    with qtbot.waitSignal(view.driver.ended, timeout=60_000) as blocker:
        qtbot.keyClick(window.configPanel, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
        assert view.busy, "Ctrl+Shift+E started the comparison"
        qtbot.waitUntil(lambda: bool(window.controller.run and window.controller.run.t0))
        qtbot.keyClick(window.configPanel, Qt.Key.Key_Escape)
    assert blocker.args == [False]
    assert len(window.controller.history) == 1


def test_the_end_of_a_comparison_says_the_best_and_the_pool_cold_and_warm():
    from concurrency_explorer.core import RunConfig
    from concurrency_explorer.core.compare import Comparison, compare

    base = RunConfig.build(mode="process", workers=2, counts=[10, 10])
    comparison = Comparison(base, ["pool-process"])
    for record in compare(base, ["pool-process"], timeout_s=60):
        comparison.add_record(record)
    text = compare_view.ended_text(comparison, completed=True)
    rows = {row["label"]: row for row in comparison.rows()}
    cold = rows["pool-process"]["start_latency_s"] * 1000
    warm = rows["pool-process (warm)"]["start_latency_s"] * 1000
    assert f"{cold:.1f} ms cold, {warm:.1f} ms warm" in text
    assert text.startswith("Comparison done: fastest pool-process")
    assert "ended early after 3 of 3" in compare_view.ended_text(comparison, completed=False)


@pytest.mark.skipif(not availability()["dask"][0], reason="needs dask")
def test_the_scheduler_field_goes_to_the_dask_run_of_a_comparison(qtbot):
    window = make_window(qtbot)
    configure(window, mode="process", workers=2, count=5)
    window.configPanel.schedulerEdit.setText("not-an-address")
    view = window.extensions.get(CompareView)
    assert not view.start_comparison(["dask"]), "the address is checked before any run"
    assert "--scheduler must look like tcp://HOST:PORT" in view.statusLabel.text()
    assert not window.controller.is_running
