"""Per-core CPU load, live at 10 Hz: one busy core for threads, all cores for processes.

The charts are built when the tab is first shown (``LazyPlot``); the monitor's
buffers fill from the window's start, so they then show the last 30 s at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from .cpu_monitor import CpuMonitor, monitor_for
from .lazy_plot import LazyPlot

CORE_COLOURS = ["#2471a3", "#c0392b", "#1e8449", "#d68910", "#8e44ad", "#17a589", "#7f8c8d"]
WINDOW_S = 30.0  # seconds shown


class CpuView(QWidget):
    """One line per core; items are made once (when the tab is first shown) and fed
    with ``setData`` from the monitor's bounded buffers."""

    def __init__(self, monitor: CpuMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cpuView")
        self.setAccessibleName("CPU load per core")
        self.monitor = monitor
        self.curves: list[Any] = []
        self.workersCurve: Any = None
        self.summary = QLabel()
        self.summary.setObjectName("cpuSummary")
        self.summary.setAccessibleName("CPU summary")
        self.summary.setWordWrap(True)  # one line per core would widen the window past the screen
        self.chart = LazyPlot(self._build_charts, "cpuCharts")
        self.chart.ready.connect(lambda _charts: self.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart, 1)
        monitor.consumers.append(self)
        monitor.sampled.connect(self.refresh)

    def _build_charts(self) -> QWidget:
        import pyqtgraph as pg

        monitor = self.monitor
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("cpuPlot")
        self.plot.setAccessibleName("CPU load per core chart")
        self.plot.setBackground("w")
        self.plot.setToolTip(
            "Load of each CPU core, sampled 10 times a second (psutil cpu_percent per core). "
            "CPU-bound threads share one GIL, so together they keep about one core busy; "
            "processes each have their own GIL and can fill every core."
        )
        item = self.plot.getPlotItem()
        item.setLabel("left", "core load", units="%")
        item.setLabel("bottom", "time", units="s")
        item.setYRange(0, 105, padding=0)
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=True, y=True, alpha=0.2)
        item.addLegend(offset=(10, 5))
        self.curves = [
            item.plot(
                [], [],
                pen=pg.mkPen(CORE_COLOURS[i % len(CORE_COLOURS)], width=2),
                name=f"core {i}",
            )
            for i in range(monitor.cores)
        ]  # fmt: skip
        self.workersPlot = pg.PlotWidget()
        self.workersPlot.setObjectName("workersCpuPlot")
        self.workersPlot.setAccessibleName("Cores used by this run's workers")
        self.workersPlot.setBackground("w")
        self.workersPlot.setToolTip(
            "How many cores this run's workers use together (sum of their CPU shares). "
            "CPU-bound threads: at most about 1, whatever the core count (one GIL). "
            f"Processes: up to {monitor.cores}, one per core. Other programs do not count here."
        )
        wp = self.workersPlot.getPlotItem()
        wp.setLabel("left", "cores used")
        wp.setLabel("bottom", "time", units="s")
        wp.setYRange(0, monitor.cores + 0.2, padding=0)
        wp.setMouseEnabled(x=False, y=False)
        wp.showGrid(x=True, y=True, alpha=0.2)
        wp.setXLink(item)
        self.cores_line = pg.InfiniteLine(
            pos=monitor.cores, angle=0, pen=pg.mkPen("#7f8c8d", style=Qt.PenStyle.DashLine),
            label=f"all {monitor.cores} cores", labelOpts={"position": 0.05, "color": "#555"},
        )  # fmt: skip
        wp.addItem(self.cores_line)
        self.workersCurve = wp.plot(
            [], [], pen=pg.mkPen("#117a65", width=2), fillLevel=0.0,
            brush=pg.mkBrush(17, 122, 101, 80),
        )  # fmt: skip
        charts = QWidget()
        layout = QVBoxLayout(charts)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.workersPlot, 2)
        return charts

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        if not self.isVisible() or self.workersCurve is None:
            return  # hidden or never shown: nothing to draw; the buffers keep filling
        import numpy as np

        times = np.fromiter(self.monitor.times, dtype=float)
        if times.size == 0:
            return
        keep = times >= times[-1] - WINDOW_S
        x = times[keep]
        loads = []
        for curve, buffer in zip(self.curves, self.monitor.core_loads, strict=True):
            y = np.fromiter(buffer, dtype=float)[-times.size :][keep]
            curve.setData(x[-y.size :], y)
            loads.append(y[-1] if y.size else 0.0)
        used = np.fromiter(self.monitor.workers_cores, dtype=float)[-times.size :][keep]
        self.workersCurve.setData(x[-used.size :], used)
        busy = sum(1 for v in loads if v >= 50)
        self.summary.setText(
            f"{self.monitor.cores} cores · now "
            + " · ".join(f"core {i} {v:.0f}%" for i, v in enumerate(loads))
            + f" · {busy} busy (≥ 50%, other programs count too)"
            + (f" · this run's workers: {used[-1]:.2f} cores" if used.size else "")
        )


def install(window: Any) -> None:
    view = CpuView(monitor_for(window))
    window.cpuView = view
    window.add_view(view, "CPU cores")
