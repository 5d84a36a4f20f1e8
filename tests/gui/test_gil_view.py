"""The GIL tab: a row per thread from the run's intervals, zoom to one handoff, the summary."""

from __future__ import annotations

import os

import pytest

from concurrency_explorer.gui.gil_view import GilView

from .helpers import choose, select_tab, shown_window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def finish(qtbot, window):
    with qtbot.waitSignal(window.controller.finished, timeout=60_000) as blocker:
        assert window.start_run() is not None
    return blocker.args[0]


def test_gil_lane_shows_each_thread_and_zooms_to_one_handoff(qtbot):
    window = shown_window(qtbot, mode="thread", count=400, tab="GIL")
    view = window.extensions.get(GilView)
    assert view.plot is None or view.plot.isVisible()
    record = finish(qtbot, window)
    gil = record["gil"]
    assert set(view.intervals) == {"0", "1"}
    assert sum(map(len, view.intervals.values())) == sum(map(len, gil["intervals"].values()))
    assert len(view.items) >= 2  # one bar item per worker (plus overlap, if any)
    text = view.gilSummary.text()
    assert f"{gil['handoffs']:,} handoffs" in text
    assert "worker 0" in text and "worker 1" in text and "Two at once" in text
    whole = view.view_range()
    view.handoffButton.click()
    x0, x1 = view.view_range()
    assert x1 - x0 <= 0.05 < whole[1] - whole[0]  # a few switch intervals, not the run
    shot = os.environ.get("GIL_LANE_PNG")
    if shot:  # for a person to look at: CONCURRENCY... GIL_LANE_PNG=/tmp/gil.png pytest ...
        window.grab().save(shot)
    view.zoomAllButton.click()
    assert view.view_range()[1] - view.view_range()[0] >= whole[1] - whole[0] - 1e-6


def test_processes_say_there_is_no_shared_gil(qtbot):
    window = shown_window(qtbot, mode="process", count=5, tab="GIL")
    finish(qtbot, window)
    assert "did not share one GIL" in window.extensions.get(GilView).gilSummary.text()
    assert window.extensions.get(GilView).items == []


def test_switch_interval_field_reaches_the_run(qtbot):
    window = shown_window(qtbot, mode="thread", count=50)
    panel = window.configPanel
    panel.switchIntervalSpin.setValue(20.0)
    assert panel.config().switch_interval_s == 0.02
    record = finish(qtbot, window)
    assert record["gil"]["switch_interval_s"] == pytest.approx(0.02, abs=1e-6)
    choose(panel.modeCombo, "process")
    assert not panel.switchIntervalSpin.isEnabled()
    assert panel.config().switch_interval_s is None
    select_tab(window, "GIL")
