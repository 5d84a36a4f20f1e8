"""Charts are built on first show: the window paints without pyqtgraph or numpy, and a
chart tab opened mid-run or after a run still shows the run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDockWidget, QLabel

from concurrency_explorer.gui import MainWindow
from concurrency_explorer.gui.cpu_monitor import CpuMonitor
from concurrency_explorer.gui.cpu_view import CpuView
from concurrency_explorer.gui.lazy_plot import LazyPlot
from concurrency_explorer.gui.queue_view import QueueView
from concurrency_explorer.gui.sweep_view import SweepView
from concurrency_explorer.gui.timeline_view import TimelineView

from .helpers import select_tab, shown_window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

SRC = Path(__file__).resolve().parents[2] / "src"

# Builds and paints the window in a fresh interpreter, then says which heavy modules it
# imported; then selects the Timeline tab, which must import pyqtgraph (the check can fail).
PROBE = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from concurrency_explorer.gui.main_window import MainWindow
window = MainWindow()
window.show()
window.repaint()
for _ in range(20):
    app.processEvents()
heavy = sorted(m for m in ("pyqtgraph", "numpy") if m in sys.modules)
print("painted:", ",".join(heavy) or "-")
tabs = window.viewTabs
tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == "Timeline"))
app.processEvents()
print("timeline:", ",".join(m for m in ("pyqtgraph", "numpy") if m in sys.modules) or "-")
window.close()
"""


def run_probe(code: str) -> str:
    """``code`` in a fresh interpreter, offscreen; its stdout (it must exit 0)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(SRC))
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_window_paints_without_pyqtgraph_or_numpy():
    out = run_probe(PROBE)
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    assert lines["painted"] == "-", "the first paint imported " + lines["painted"]
    assert "pyqtgraph" in lines["timeline"], "showing a chart tab builds its chart"


PRELOAD_PROBE = """
import sys, threading, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from concurrency_explorer.gui.lazy_plot import PRELOAD_THREAD_NAME, preload_after_first_paint
from concurrency_explorer.gui.main_window import MainWindow

class FirstPaint(QObject):
    seen = None
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and self.seen is None:
            names = [t.name for t in threading.enumerate()]
            self.seen = ("pyqtgraph" in sys.modules, PRELOAD_THREAD_NAME in names)
        return False

app = QApplication([])
window = MainWindow()
probe = FirstPaint()
window.installEventFilter(probe)
preload_after_first_paint(window)
window.show()
deadline = time.monotonic() + 60
while "pyqtgraph" not in sys.modules or threading.active_count() > 1:
    app.processEvents()
    time.sleep(0.01)
    assert time.monotonic() < deadline, "no preload"
print("at first paint:", probe.seen)
window.close()
"""


def test_the_app_imports_pyqtgraph_in_a_thread_after_the_first_paint():
    out = run_probe(PRELOAD_PROBE)
    assert "at first paint: (False, False)" in out, out


def test_lazy_plot_builds_once_on_first_show_also_in_a_dock(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    calls = []

    def build():
        calls.append(1)
        return QLabel("chart")

    lazy = LazyPlot(build, "testChart")
    ready = []
    lazy.ready.connect(ready.append)
    dock = window.add_dock(lazy, "Test chart")
    dock.hide()
    window.show()
    qtbot.wait(10)
    assert calls == [] and lazy.widget is None, "a hidden dock builds nothing"
    dock.show()
    qtbot.waitUntil(lambda: lazy.widget is not None)
    assert calls == [1] and ready == [lazy.widget]
    assert lazy.widget.objectName() == "testChart" and lazy.widget.isVisible()
    dock.hide()
    dock.show()
    assert lazy.ensure() is lazy.widget and calls == [1], "built once"
    assert isinstance(dock, QDockWidget)


def test_chart_tabs_opened_after_a_run_show_that_run(qtbot):
    window = shown_window(qtbot, mode="process", kind="io", count=40)
    ticks = []
    window.controller.updated.connect(lambda run, messages: ticks.append(len(messages)))
    with qtbot.waitSignal(window.controller.finished, timeout=60_000) as blocker:
        assert window.start_run() is not None
    record = blocker.args[0]
    assert window.viewTabs.currentWidget() is window.resultsView
    for view in (
        window.extensions.get(TimelineView),
        window.extensions.get(QueueView),
        window.extensions.get(CpuView),
    ):
        assert view.chart.widget is None, f"{view.objectName()} was built before it was shown"

    select_tab(window, "Timeline")
    timeline = window.extensions.get(TimelineView)
    assert timeline.chart.widget is not None
    assert len(timeline.spans) == 2
    for spans, worker in zip(timeline.spans, record["workers"], strict=True):
        _colour, start, end = spans[-2]  # its run bar (then the mark of how it ended)
        assert start == pytest.approx(worker["started_at_s"], abs=1e-6)
        assert end == pytest.approx(worker["ended_at_s"], abs=1e-6)

    select_tab(window, "Queue")
    queue = window.extensions.get(QueueView)
    x, _ = queue.drainedCurve.getData()
    assert len(x) == len(ticks) == len(queue.ticks), "every tick of the run is drawn"
    assert f"{record['queue']['messages']:,} messages" in queue.statsLabel.text()

    select_tab(window, "CPU cores")
    cpu = window.extensions.get(CpuView)
    x, _y = cpu.curves[0].getData()
    assert (
        x is not None and len(x) == len(window.extensions.get(CpuMonitor).run_times) > 0
    )  # the run, whole
    assert "cores" in cpu.summary.text()


def test_timeline_opened_mid_run_shows_the_running_workers(qtbot):
    window = shown_window(qtbot, mode="process", count=10_000_000)
    run = window.start_run()
    assert run is not None
    monitor = window.extensions.get(CpuMonitor)
    # the workers' CPU is sampled while no chart shows it
    qtbot.waitUntil(lambda: all(len(monitor.worker_cpu[w]) >= 2 for w in (0, 1)), timeout=60_000)
    assert window.extensions.get(TimelineView).chart.widget is None
    select_tab(window, "Timeline")
    timeline = window.extensions.get(TimelineView)
    assert len(timeline.spans) == 2
    for spans in timeline.spans:
        assert spans and spans[-1][0] == "#2471a3", "a running worker has its bar at once"
    for lane in timeline.cpu:
        assert len(lane.times) >= 2, "the CPU fill from before the tab was shown"
    # and it keeps drawing while the run goes on
    drawn = len(timeline.cpu[0].times)
    qtbot.waitUntil(lambda: len(timeline.cpu[0].times) > drawn, timeout=60_000)
    with qtbot.waitSignal(window.controller.finished, timeout=30_000):
        window.stop_run()


def test_sweep_started_from_another_tab_draws_its_points_when_shown(qtbot):
    window = shown_window(qtbot, mode="thread", count=20)
    view = window.extensions.get(SweepView)
    view.maxWorkersSpin.setValue(2)
    view.countSpin.setValue(20)
    assert view.chart.widget is None
    with qtbot.waitSignal(view.driver.ended, timeout=120_000):
        assert view.start_sweep()  # from the Results tab: nothing to draw on yet
    assert window.viewTabs.currentWidget() is view
    x, y = view.measuredCurve.getData()
    assert list(x) == [1, 2] and all(v > 0 for v in y)
