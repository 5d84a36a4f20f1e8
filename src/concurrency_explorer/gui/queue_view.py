"""The result queue at work: messages/s, depth, drained per tick, empty polls, dropped.

This is the if-then-try helpers made visible. Each 30 ms tick the window drains
what is there (``drain``: ``get_nowait`` in a ``try``) and gives up at once when
the queue is empty: an *empty poll*. Workers put progress with
``queue_iftry_put``: when the queue is half full the message is *dropped* and counted
(a worker reports its count when it ends; the other half is kept for final messages).
Depth is ``qsize()`` where the platform has it, an estimate where it raises (macOS).

The ticks go to a bounded buffer from the first run on; the charts (and pyqtgraph)
are built when the tab is first shown and then draw the whole buffer.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..core.queue_stats import ESTIMATE, queue_depth
from ..core.runner import Run
from .cpu_monitor import CpuMonitor, monitor_for
from .lazy_plot import LazyPlot

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pyqtgraph as pg

    from .main_window import MainWindow

IDLE_TEXT = "Press Run: the queue's traffic shows here."
TICK_HISTORY = 4000  # ticks kept (about 2 minutes at 30 ms)
RATE_WINDOW_S = 0.5


class QueueView(QWidget):
    """Two charts (messages/s; depth and drained per tick) and the counters in words."""

    def __init__(self, controller: Any, monitor: CpuMonitor, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("queueView")
        self.setAccessibleName("Queue activity")
        self.run: Run | None = None
        # per tick: (seconds since run start, messages drained, queue depth or nan)
        self.ticks: deque[tuple[float, int, float]] = deque(maxlen=TICK_HISTORY)
        self.max_drained = 0
        self.depth_basis = "none"
        self.statsLabel = QLabel(IDLE_TEXT)
        self.statsLabel.setObjectName("queueStats")
        self.statsLabel.setAccessibleName("Queue counters")
        self.statsLabel.setWordWrap(True)
        self.statsLabel.setToolTip(__doc__.split("\n\n", 1)[1].replace("\n", " "))

        self.rateCurve: Any = None  # the curves, once the charts are built
        self.depthCurve: Any = None
        self.drainedCurve: Any = None
        self.chart = LazyPlot(self._build_charts, "queueCharts")
        self.chart.ready.connect(lambda _charts: self.refresh(force=True))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.statsLabel)
        layout.addWidget(self.chart, 1)
        controller.started.connect(self.show_run)
        controller.updated.connect(self.on_tick)
        controller.finished.connect(lambda _r: self.refresh(force=True))
        monitor.sampled.connect(self.refresh)

    def _build_charts(self) -> QWidget:
        import pyqtgraph as pg

        self.ratePlot = self._plot("queueRatePlot", "messages / s", "Messages read per second")
        self.rateCurve = self.ratePlot.getPlotItem().plot([], [], pen=pg.mkPen("#2471a3", width=2))
        self.depthPlot = self._plot(
            "queueDepthPlot", "messages", "Queue depth and drained per tick"
        )
        depth_item = self.depthPlot.getPlotItem()
        depth_item.addLegend(offset=(10, 5))
        self.depthCurve = depth_item.plot(
            [], [], pen=pg.mkPen("#c0392b", width=2), name="waiting in the queue (depth)"
        )
        self.drainedCurve = depth_item.plot(
            [], [], pen=None, symbol="o", symbolSize=4, symbolBrush="#1e8449",
            symbolPen=None, name="drained in one tick",
        )  # fmt: skip
        depth_item.setXLink(self.ratePlot.getPlotItem())
        charts = QWidget()
        layout = QVBoxLayout(charts)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ratePlot, 1)
        layout.addWidget(self.depthPlot, 1)
        return charts

    def _plot(self, name: str, left: str, accessible: str) -> pg.PlotWidget:
        import pyqtgraph as pg

        plot = pg.PlotWidget()
        plot.setObjectName(name)
        plot.setAccessibleName(accessible)
        plot.setBackground("w")
        item = plot.getPlotItem()
        item.setLabel("left", left)
        item.setLabel("bottom", "time since Run", units="s")
        item.showGrid(x=True, y=True, alpha=0.2)
        return plot

    def clear(self) -> None:
        """Reset: no run, empty charts (the next run starts them again)."""
        self.show_run(None)
        self.statsLabel.setText(IDLE_TEXT)

    def show_run(self, run: Run | None) -> None:
        self.run = run
        self.ticks.clear()
        self.max_drained = 0
        for curve in (self.rateCurve, self.depthCurve, self.drainedCurve):
            if curve is not None:
                curve.setData([], [])

    def on_tick(self, run: Run, messages: list[Any]) -> None:
        """Per poll tick: cheap bookkeeping only (one qsize call), no drawing."""
        if run is not self.run or run.t0 is None:
            return
        depth, basis = queue_depth(run)
        self.depth_basis = basis if depth is not None else self.depth_basis
        drained = len(messages)
        self.max_drained = max(self.max_drained, drained)
        now = time.perf_counter() - run.t0
        self.ticks.append((now, drained, float("nan") if depth is None else float(depth)))

    def refresh(self, force: bool = False) -> None:
        run = self.run
        if run is None or not self.ticks or not (force or self.isVisible()):
            return
        if self.drainedCurve is None:
            return  # not built yet: it draws the whole buffer when first shown
        import numpy as np

        data = np.asarray(self.ticks, dtype=float)
        t, drained, depth = data[:, 0], data[:, 1], data[:, 2]
        cumulative = np.cumsum(drained)
        start = np.searchsorted(t, t - RATE_WINDOW_S)
        span = np.maximum(t - t[start], 1e-3)
        rate = (cumulative - cumulative[start]) / span
        self.rateCurve.setData(t, rate)
        ok = ~np.isnan(depth)
        self.depthCurve.setData(t[ok], depth[ok])
        self.drainedCurve.setData(t, drained)
        dropped = sum(w.dropped for w in run.workers)
        ended = sum(1 for w in run.workers if w.final)
        polls = max(1, run.polls)
        depth_word = "depth (estimated: qsize() unsupported here)" if (
            self.depth_basis == ESTIMATE) else "depth (qsize)"  # fmt: skip
        self.statsLabel.setText(
            f"{run.messages:,} messages in {run.polls:,} polls · "
            f"{rate[-1]:,.0f} messages/s now · {depth_word}: "
            f"{'-' if np.isnan(depth[-1]) else int(depth[-1])} · "
            f"drained last tick {int(drained[-1])}, most {self.max_drained} · "
            f"empty polls {run.empty_polls:,} ({100 * run.empty_polls / polls:.0f}%: the "
            f"'if' found nothing and the window moved on) · dropped {dropped:,} "
            f"(reported by {ended} of {len(run.workers)} finished workers)"
        )


def install(window: MainWindow) -> None:
    view = QueueView(window.controller, monitor_for(window))
    window.extensions.add(view)
    window.add_view(view, "Queue")
    window.wasReset.connect(view.clear)
