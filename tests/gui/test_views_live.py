"""Timeline and per-core CPU views: fed by a real run, items made once, buffers bounded."""

from __future__ import annotations

import numpy as np
import pytest

from concurrency_explorer.gui import MainWindow
from concurrency_explorer.gui import cpu_monitor as monitor_mod
from concurrency_explorer.gui.cpu_monitor import CpuMonitor
from concurrency_explorer.gui.cpu_view import CpuView
from concurrency_explorer.gui.presentation import Presentation
from concurrency_explorer.gui.timeline_view import TimelineView

from .helpers import select_tab

# The offscreen platform warns once when a window is shown; nothing to fix in the app.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def run_window(qtbot, mode: str, workers: int = 2, count: int = 150, tab: str = "Timeline"):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    tabs = window.viewTabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == tab))
    panel = window.configPanel
    panel.modeCombo.setCurrentIndex(panel.modeCombo.findData(mode))
    panel.workersSpin.setValue(workers)
    panel.countSpin.setValue(count)
    panel.kindCombo.setCurrentIndex(panel.kindCombo.findData("cpu"))
    return window


def finish(qtbot, window):
    with qtbot.waitSignal(window.controller.finished, timeout=60_000) as blocker:
        assert window.start_run() is not None
    return blocker.args[0]


def bar(view, lane: int) -> tuple[str, float, float]:
    """The lane's run bar (the span before its end mark): colour, start, end."""
    return view.spans[lane][-2]


def end_mark(view, lane: int) -> tuple[str, float, float]:
    """The short mark after a finished worker's run bar: how it ended."""
    return view.spans[lane][-1]


def painted(view, colour: str):
    """The area the path item of ``colour`` covers, in data coordinates."""
    return view.shapes[colour].path().boundingRect()


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_timeline_draws_a_lane_per_worker_with_the_same_items(qtbot, mode):
    window = run_window(qtbot, mode)
    view = window.extensions.get(TimelineView)
    record = finish(qtbot, window)
    assert len(view.spans) == 2
    items = (dict(view.shapes), view.cpuFill)
    for lane, worker in enumerate(record["workers"]):
        colour, start, end = bar(view, lane)
        assert colour == "#2471a3"  # it ran: blue, after the run too (the legend's colour)
        assert start == pytest.approx(worker["started_at_s"], abs=1e-6)
        assert end == pytest.approx(worker["ended_at_s"], abs=1e-6)
        mark, mark_start, mark_end = end_mark(view, lane)
        assert mark == "#1e8449" and mark_start == end and mark_end > end  # done: green
    # the blue path item really covers both lanes' bars, up to the last end
    area = painted(view, "#2471a3")
    last_end = max(w["ended_at_s"] for w in record["workers"])
    assert area.right() == pytest.approx(last_end, abs=1e-6)
    assert area.top() < -1 + 0.5 and area.bottom() > -0.5  # both lanes (y = 0 and -1)
    # a second run of the same size reuses every item (setPath only)
    finish(qtbot, window)
    assert (dict(view.shapes), view.cpuFill) == items
    labels = [
        text for _, text in window.extensions.get(TimelineView).item.getAxis("left")._tickLevels[0]
    ]
    assert labels[0].startswith("worker 0 · done · ")  # final values, not a live sample
    assert "%" not in "".join(labels) and "s CPU" in labels[0]


def test_timeline_cpu_fill_shows_the_sampled_share(qtbot):
    # Run until the 10 Hz sampler has measured both workers, then stop: no timing bets.
    window = run_window(qtbot, "process", workers=2, count=10_000_000)
    monitor = window.extensions.get(CpuMonitor)
    assert window.start_run() is not None
    qtbot.waitUntil(lambda: all(len(monitor.worker_cpu[w]) >= 2 for w in (0, 1)), timeout=60_000)
    with qtbot.waitSignal(window.controller.finished, timeout=30_000):
        window.stop_run()
    view = window.extensions.get(TimelineView)
    lane = view.cpu[0]
    assert len(lane.times) >= 2
    assert lane.times == [t for t, _pct in monitor.worker_cpu[0]]  # every sample drawn
    assert not view.cpuFill.path().isEmpty()
    # the fill holds every lane: it reaches the latest sample of any worker (on a busy
    # machine worker 1's last sample may come after worker 0's)
    latest = max(cpu.times[-1] for cpu in view.cpu if cpu.times)
    assert view.cpuFill.path().boundingRect().right() == pytest.approx(latest)


def test_lanes_follow_the_run_size_with_the_same_items(qtbot):
    window = run_window(qtbot, "thread", workers=3, count=30)
    finish(qtbot, window)
    view = window.extensions.get(TimelineView)
    items = dict(view.shapes)
    assert len(view.spans) == 3
    window.configPanel.workersSpin.setValue(1)
    finish(qtbot, window)
    assert view.shapes == items
    assert len(view.spans) == 1
    area = painted(view, "#1e8449")
    assert area.top() > -0.5, "no bar left over in the lanes of the bigger run"
    view.clear()  # what Reset asks for: an empty chart, the same items
    assert view.shapes == items
    assert all(shape.path().isEmpty() for shape in view.shapes.values())
    assert view.cpuFill.path().isEmpty()


def test_cpu_view_plots_every_core_from_bounded_buffers(qtbot, monkeypatch):
    monkeypatch.setattr(monitor_mod, "CORE_HISTORY", 5)
    monkeypatch.setattr(monitor_mod, "RUN_HISTORY", 5)  # the latest run's trace: bounded too
    window = run_window(qtbot, "process", workers=2, count=200, tab="CPU cores")
    view = window.extensions.get(CpuView)
    curves = list(view.curves)
    assert len(curves) == window.extensions.get(CpuMonitor).cores
    finish(qtbot, window)
    monitor = window.extensions.get(CpuMonitor)
    samples = []
    monitor.sampled.connect(lambda: samples.append(1))
    # more samples than the history keeps (however late a busy machine's timer fires)
    qtbot.waitUntil(lambda: len(samples) > 5, timeout=30_000)
    assert len(monitor.times) == 5
    assert all(len(b) == 5 for b in monitor.core_loads)
    assert all(len(b) <= 5 for b in monitor.run_core_loads)
    assert view.curves == curves and view.curves[0] is curves[0]
    x, y = curves[0].getData()
    assert len(x) == len(y) and 1 <= len(x) <= 5
    assert np.all((y >= 0) & (y <= 100))
    assert "cores" in view.summary.text()


def test_cpu_tab_opened_long_after_a_run_shows_that_whole_run(qtbot, monkeypatch):
    # the live buffers keep 0.5 s here, so "a minute later" is any time after 0.5 s
    monkeypatch.setattr(monitor_mod, "CORE_HISTORY", 5)
    window = run_window(qtbot, "process", workers=2, count=200, tab="Results")
    record = finish(qtbot, window)
    monitor = window.extensions.get(CpuMonitor)
    ended = window.controller.run.t_end
    qtbot.waitUntil(
        lambda: bool(monitor.times) and monitor.t0 + monitor.times[0] > ended + 0.2,
        timeout=10_000,
    )  # the live window has moved past the run
    select_tab(window, "CPU cores")
    view = window.extensions.get(CpuView)
    qtbot.waitUntil(lambda: view.workersCurve is not None and "last run" in view.summary.text())
    x, _y = view.curves[0].getData()
    wall = record["wall_s"]
    assert x[0] < 0.5, "the chart does not start at the run's start"
    assert wall <= x[-1] <= wall + monitor_mod.RUN_TAIL_S + 0.5, "not the whole run"
    assert len(x) >= 3  # the start, some of the run, the end (a busy machine samples less)
    label = view.plot.getPlotItem().getAxis("bottom").labelText
    assert label == "time since Run"
    wx, used = view.workersCurve.getData()
    assert len(wx) == len(used) == len(x), "the workers' cores drawn over the same run"
    assert "its workers used" in view.summary.text() and "cores on average" in view.summary.text()


def test_lane_labels_fit_their_axis_at_presentation_sizes(qtbot):
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QApplication

    window = run_window(qtbot, "thread", workers=2, count=30)
    window.resize(1600, 900)
    window.extensions.get(Presentation).set_scale(2.2)  # a projector's text size
    try:
        finish(qtbot, window)
        view = window.extensions.get(TimelineView)
        axis = view.item.getAxis("left")
        labels = [text for _, text in axis._tickLevels[0]]
        assert labels and labels[0].startswith(("worker 0", "w0"))
        widest = max(QFontMetrics(QApplication.font()).horizontalAdvance(t) for t in labels)
        assert axis.width() >= widest, "a label wider than its axis is not drawn at all"
        window.extensions.get(Presentation).set_scale(1.0)
        view.finish()  # at normal size the whole label fits again
        labels = [text for _, text in axis._tickLevels[0]]
        assert labels[0].startswith("worker 0 · done · ") and "s CPU" in labels[0]
    finally:
        window.extensions.get(Presentation).set_scale(1.0)
