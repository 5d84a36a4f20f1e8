"""Showing a tab never changes the window's size (it grew past a 1366 px screen)."""

from __future__ import annotations

import pytest

from concurrency_explorer.gui.cpu_view import CpuView

from .helpers import run_and_wait, shown_window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen


def test_selecting_every_tab_keeps_the_window_size(qtbot):
    window = shown_window(qtbot, mode="thread", workers=2, count=10)
    run_and_wait(qtbot, window)  # History then lists a run, with its long title
    window.resize(1284, 700)
    qtbot.wait(50)
    size = window.size()
    tabs = window.viewTabs
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        window.extensions.get(CpuView).summary.setText(
            "64 cores · now " + " · ".join(f"core {c} 100%" for c in range(64)) + " · 64 busy"
        )
        qtbot.wait(30)  # charts build on first show
        assert window.size() == size, f"the {tabs.tabText(i)} tab resized the window"
