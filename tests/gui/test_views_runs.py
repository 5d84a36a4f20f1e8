"""Queue panel, sweep, start-up cost, history and exports, each after real runs."""

from __future__ import annotations

import csv
import io
import json

import pytest
from PySide6.QtGui import QImage

from concurrency_explorer.core.environment import start_methods
from concurrency_explorer.gui import MainWindow
from concurrency_explorer.gui import queue_view as queue_mod
from concurrency_explorer.gui.export_actions import ExportActions
from concurrency_explorer.gui.history_view import HistoryView
from concurrency_explorer.gui.queue_view import QueueView
from concurrency_explorer.gui.startup_view import StartupView
from concurrency_explorer.gui.sweep_view import SweepView

from .helpers import shown_window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def finish(qtbot, window):
    with qtbot.waitSignal(window.controller.finished, timeout=60_000) as blocker:
        assert window.start_run() is not None
    return blocker.args[0]


def test_queue_view_counts_the_traffic_with_bounded_buffers(qtbot, monkeypatch):
    monkeypatch.setattr(queue_mod, "TICK_HISTORY", 8)
    window = shown_window(qtbot, kind="io", count=10_000_000, tab="Queue")
    view = window.extensions.get(QueueView)
    curves = (view.rateCurve, view.depthCurve, view.drainedCurve)
    ticks = []
    window.controller.updated.connect(lambda run, messages: ticks.append(len(messages)))
    assert window.start_run() is not None
    qtbot.waitUntil(lambda: len(ticks) > 12 and sum(ticks) > 0, timeout=60_000)
    with qtbot.waitSignal(window.controller.finished, timeout=30_000) as blocker:
        window.stop_run()
    record = blocker.args[0]
    assert len(view.ticks) == 8, "the tick buffer is bounded"
    assert [d for _, d, _ in view.ticks] == ticks[-8:]
    assert (view.rateCurve, view.depthCurve, view.drainedCurve) == curves
    x, _ = view.drainedCurve.getData()
    assert len(x) == 8
    text = view.statsLabel.text()
    assert f"{record['queue']['messages']:,} messages" in text
    assert "empty polls" in text and "dropped" in text
    assert view.max_drained >= 1


def test_sweep_runs_one_run_at_a_time_and_plots_against_the_ideal(qtbot):
    window = shown_window(qtbot, mode="thread", count=20, tab="Sweep")
    view = window.extensions.get(SweepView)
    view.maxWorkersSpin.setValue(3)
    view.countSpin.setValue(20)
    measured, ideal = view.measuredCurve, view.idealCurve
    with qtbot.waitSignal(view.driver.ended, timeout=120_000) as blocker:
        assert view.start_sweep()
        assert not view.sweepButton.isEnabled()
        assert not view.start_sweep(), "one sweep at a time"
    assert blocker.args == [True]
    history = window.controller.history
    assert [(r["config"]["mode"], r["config"]["workers"]) for r in history] == [
        ("sequential", 3), ("thread", 1), ("thread", 2), ("thread", 3)
    ]  # fmt: skip
    x, y = view.measuredCurve.getData()
    assert list(x) == [1, 2, 3] and all(v > 0 for v in y)
    ix, iy = view.idealCurve.getData()
    assert list(ix) == [1, 2, 3] and iy[0] == 1
    assert view.measuredCurve is measured and view.idealCurve is ideal
    assert "Sweep done" in view.statusLabel.text()
    assert window.viewTabs.currentWidget() is view, "the sweep stays in view between runs"
    assert view.sweepButton.isEnabled()


def test_stop_ends_a_sweep_early(qtbot):
    window = shown_window(qtbot, mode="thread", tab="Sweep")
    view = window.extensions.get(SweepView)
    view.maxWorkersSpin.setValue(4)
    view.countSpin.setValue(1_000_000)
    with qtbot.waitSignal(view.driver.ended, timeout=30_000) as blocker:
        assert view.start_sweep()
        qtbot.wait(300)
        window.stop_run()
    assert blocker.args == [False]
    assert len(window.controller.history) == 1
    assert not window.controller.is_running


def test_startup_view_shows_a_bar_per_worker_and_method(qtbot):
    window = shown_window(qtbot, mode="process", count=5, tab="Start-up cost")
    view = window.extensions.get(StartupView)
    view.workersSpin.setValue(2)
    bars = view.bars
    with qtbot.waitSignal(view.driver.ended, timeout=120_000):
        assert view.start_comparison()
    methods = start_methods()
    assert [r["config"]["start_method"] for r in window.controller.history] == methods
    heights = view.bars.opts["height"]
    assert len(heights) == 2 * len(methods)
    assert all(h > 0 for h in heights)
    assert view.bars is bars
    for method in methods:
        assert f"{method}: median" in view.summaryLabel.text()


def test_history_lists_every_run_and_compares_two(qtbot):
    window = shown_window(qtbot, mode="thread", count=30, tab="History")
    finish(qtbot, window)
    window.configPanel.modeCombo.setCurrentIndex(window.configPanel.modeCombo.findData("process"))
    finish(qtbot, window)
    view = window.extensions.get(HistoryView)
    assert view.historyList.count() == 2
    assert view.historyList.item(0).text().startswith("#1 thread")
    assert view.historyList.item(1).text().startswith("#2 process")
    text = view.compareView.toPlainText()
    assert "#1 thread" in text and "#2 process" in text
    assert "took" in text
    view.leftCombo.setCurrentIndex(1)
    assert view.compareView.toPlainText().count("#2 process") >= 2


def test_exports_write_the_core_files_and_pngs(qtbot, tmp_path):
    window = shown_window(qtbot, mode="process", count=40, tab="Timeline")
    actions = window.extensions.get(ExportActions)
    assert not actions.actions["csv"].isEnabled()
    with pytest.raises(LookupError):
        actions.export("csv", tmp_path / "early.csv")
    record = finish(qtbot, window)
    assert actions.actions["trace"].isEnabled()
    for kind, action in actions.actions.items():
        assert action.shortcut().toString(), kind
        assert action.toolTip(), kind
    actions.export("record", tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text()) == json.loads(json.dumps(record))
    actions.export("csv", tmp_path / "w.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "w.csv").read_text())))
    assert [int(r["count"]) for r in rows] == [40, 40]
    actions.export("trace", tmp_path / "t.json")
    events = json.loads((tmp_path / "t.json").read_text())["traceEvents"]
    assert any(e["ph"] == "C" for e in events), "the live run's samples became counters"
    actions.export("window", tmp_path / "window.png")
    actions.export("chart", tmp_path / "chart.png")
    for name in ("window.png", "chart.png"):
        image = QImage(str(tmp_path / name))
        assert not image.isNull() and image.width() > 100
    tab = window.viewTabs.currentWidget()  # the whole tab (every plot), at twice its size
    assert QImage(str(tmp_path / "chart.png")).width() >= 2 * tab.width()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "chart.png", "r.json", "t.json", "w.csv", "window.png"
    ]  # fmt: skip


def test_my_actions_share_no_shortcut_with_any_other_action(qtbot):
    from PySide6.QtGui import QAction

    window = MainWindow()
    qtbot.addWidget(window)
    mine = {
        "sweepAction", "startupAction", "exportRecordAction", "exportCsvAction",
        "exportTraceAction", "exportChartAction", "exportWindowAction",
    }  # fmt: skip
    owners: dict[str, set[str]] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            owners.setdefault(key.toString(), set()).add(action.objectName())
    clashes = {k: v for k, v in owners.items() if len(v) > 1 and v & mine}
    assert not clashes


class _Sweep:
    def __init__(self, points: list[dict]) -> None:
        self._points = points
        self.records = points

    def points(self) -> list[dict]:
        return self._points


def _point(workers: int, speedup: float, reliable: bool) -> dict:
    return {
        "workers": workers, "speedup": speedup, "ideal": min(workers, 2),
        "speedup_reliable": reliable, "speedup_note": "" if reliable else "busy machine",
    }  # fmt: skip


def test_the_sweep_s_best_is_a_figure_that_can_be_trusted(qtbot):
    """A busy machine made 1 worker "4.43x" (the baseline ran slow): that is no best."""
    window = shown_window(qtbot)
    view = window.extensions.get(SweepView)
    view.sweep = _Sweep([_point(1, 4.43, False), _point(2, 1.8, True), _point(3, 1.7, True)])
    view._on_ended(True)
    text = view.statusLabel.text()
    assert "best 1.80x with 2 workers (ideal 2x)" in text, text
    view.sweep = _Sweep([_point(1, 4.43, False), _point(2, 0.7, False)])
    view._on_ended(True)
    text = view.statusLabel.text()
    assert "best 4.43x with 1 worker (ideal 1x; not reliable)" in text, text


def test_results_never_say_press_run_while_a_run_is_under_way(qtbot):
    """Seen on stage: a second run's Results read "Press Run (Ctrl+R)…" mid-run."""
    from concurrency_explorer.gui.results_view import IDLE_TEXT, RUNNING_TEXT, ResultsView

    window = shown_window(qtbot, mode="thread", count=10_000_000)
    results: ResultsView = window.resultsView
    assert results.placeholderText() == IDLE_TEXT
    with qtbot.waitSignal(window.controller.started, timeout=30_000):
        assert window.start_run() is not None
    qtbot.waitUntil(lambda: results.placeholderText() == RUNNING_TEXT, timeout=30_000)
    assert results.toPlainText() == ""
    with qtbot.waitSignal(window.controller.finished, timeout=30_000):
        window.stop_run()
    assert results.toPlainText()  # the record
    window.reset()
    assert results.toPlainText() == "" and results.placeholderText() == IDLE_TEXT
