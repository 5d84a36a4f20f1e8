"""Reset clears the bars, the results and the charts of the run; History keeps it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from concurrency_explorer.gui import queue_view, timeline_view
from concurrency_explorer.gui.history_view import HistoryView
from concurrency_explorer.gui.queue_view import QueueView
from concurrency_explorer.gui.timeline_view import TimelineView

from .helpers import run_and_wait, select_tab, shown_window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen


def test_reset_clears_the_charts_of_the_run(qtbot):
    window = shown_window(qtbot, mode="thread", workers=2, count=10, tab="Queue")
    select_tab(window, "Timeline")  # both charts built
    run_and_wait(qtbot, window)
    timeline, queue = window.extensions.get(TimelineView), window.extensions.get(QueueView)
    assert any(not shape.path().isEmpty() for shape in timeline.shapes.values())
    assert timeline.explainLabel.text() != timeline_view.IDLE_TEXT
    assert queue.rateCurve.getData()[0] is not None and len(queue.rateCurve.getData()[0]) > 0
    qtbot.mouseClick(window.resetButton, Qt.MouseButton.LeftButton)
    assert all(shape.path().isEmpty() for shape in timeline.shapes.values())
    assert timeline.explainLabel.text() == timeline_view.IDLE_TEXT
    assert timeline.run is None
    x, _y = queue.rateCurve.getData()
    assert x is None or len(x) == 0
    assert queue.statsLabel.text() == queue_view.IDLE_TEXT
    assert window.workersView.rows == []
    assert window.extensions.get(HistoryView).historyList.count() == 1, "History keeps its list"
