"""A finished run leaves the chosen tab on screen (a presenter's chart stays up)."""

from __future__ import annotations

import pytest

from concurrency_explorer.gui.cpu_view import CpuView
from concurrency_explorer.gui.sweep_view import SweepView
from concurrency_explorer.gui.timeline_view import TimelineView

from .helpers import run_and_wait, select_tab, shown_window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen


def test_the_tab_the_person_chose_stays_after_a_run(qtbot):
    window = shown_window(qtbot, mode="thread", workers=2, count=10, tab="Timeline")
    run_and_wait(qtbot, window)
    assert window.viewTabs.currentWidget() is window.extensions.get(TimelineView)
    assert "Results tab" in window.statusLabel.text()
    assert window.resultsView.toPlainText().strip(), "the results were filled in all the same"


def test_a_sweep_leaves_the_tab_the_person_moved_to(qtbot):
    window = shown_window(qtbot, mode="thread", workers=2, count=10, tab="Sweep")
    view = window.extensions.get(SweepView)
    view.maxWorkersSpin.setValue(2)
    view.countSpin.setValue(10)
    with qtbot.waitSignal(view.driver.ended, timeout=120_000):
        assert view.start_sweep()
        select_tab(window, "CPU cores")  # the presenter shows the cores meanwhile
    assert window.viewTabs.currentWidget() is window.extensions.get(CpuView)
