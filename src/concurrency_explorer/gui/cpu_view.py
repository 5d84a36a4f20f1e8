"""Per-core CPU load, live at 10 Hz: one busy core for threads, all cores for processes.

The charts are built when the tab is first shown (``LazyPlot``). They show the latest
run, whole, in seconds since it started, whenever the tab is opened (the monitor keeps
that run's samples); after a scenario, the run its verdict is about (``show_past``);
before any run, the machine's load over the latest 30 s.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..core.runner import Run
from .cpu_monitor import CpuMonitor, RunSamples, monitor_for
from .lazy_plot import LazyPlot
from .wording import ran_phrase

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

CORE_COLOURS = ["#2471a3", "#c0392b", "#1e8449", "#d68910", "#8e44ad", "#17a589", "#7f8c8d"]
WINDOW_S = 30.0  # seconds shown
SIDE_BY_SIDE_RATIO = 2.5  # wider than this many times its height: charts side by side
LEGEND_ROW = 4  # of a PlotItem's grid: under the bottom axis (row 3) and its label
LEGEND_COLUMNS = 4  # cores named side by side; more cores take more rows


class CpuView(QWidget):
    """One line per core; items are made once (when the tab is first shown) and fed
    with ``setData`` from the monitor's bounded buffers."""

    def __init__(self, monitor: CpuMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cpuView")
        self.setAccessibleName("CPU load per core")
        self.monitor = monitor
        self.shown: Run | None = None  # a past run shown (``show_past``); None: the latest
        self.caption = ""  # names it
        self.curves: list[Any] = []
        self.workersCurve: Any = None
        self.legend: Any = None  # under the core chart's x axis, once built
        self._time_label = "time"
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
        self.curves = [
            item.plot([], [], pen=pg.mkPen(CORE_COLOURS[i % len(CORE_COLOURS)], width=2))
            for i in range(monitor.cores)
        ]
        self.legend = legend_below(
            item, [(curve, f"core {i}") for i, curve in enumerate(self.curves)]
        )
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
            label=f"all {monitor.cores} cores",
            # its left end at 5 % of the width, under the line: centred there, a narrow
            # chart (the stage's side by side) cut "all" off at the axis
            labelOpts={"position": 0.05, "color": "#555", "anchors": [(0, 0), (0, 0)]},
        )  # fmt: skip
        wp.addItem(self.cores_line)
        self.workersCurve = wp.plot(
            [], [], pen=pg.mkPen("#117a65", width=2), fillLevel=0.0,
            brush=pg.mkBrush(17, 122, 101, 80),
        )  # fmt: skip
        charts = QWidget()
        layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, charts)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.workersPlot, 2)
        self._charts_layout = layout
        self._arrange()
        return charts

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """Wide and short (a projector's stage under the bars): the two charts side by
        side, each tall enough to read; otherwise one above the other."""
        layout = getattr(self, "_charts_layout", None)
        if layout is None:
            return
        wide = self.width() > SIDE_BY_SIDE_RATIO * max(1, self.height())
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if layout.direction() != direction:
            layout.setDirection(direction)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def show_past(self, run: Run, _record: dict[str, Any], caption: str) -> None:
        """A finished run that is not the latest, from the samples the monitor kept."""
        self.shown, self.caption = run, caption
        self.refresh()

    def show_latest(self, *_: object) -> None:
        self.shown, self.caption = None, ""
        self.refresh()

    def samples(self) -> RunSamples | None:
        """The samples drawn: the past run's if one is shown, else the latest run's."""
        if self.shown is None:
            return self.monitor.samples
        return self.monitor.samples_of(self.shown)

    def refresh(self) -> None:
        if not self.isVisible() or self.workersCurve is None:
            return  # hidden or never shown: nothing to draw; the buffers keep filling
        import numpy as np

        monitor = self.monitor
        samples = self.samples()
        run = samples.run if samples is not None else None
        whole_run = samples is not None and bool(samples.times)
        if samples is not None and whole_run:  # the run, all of it, in seconds since it started
            x = np.fromiter(samples.times, dtype=float)
            per_core = [np.fromiter(b, dtype=float)[-x.size :] for b in samples.core_loads]
            used = np.fromiter(samples.workers_cores, dtype=float)[-x.size :]
        else:  # no run yet: the machine, live, over the latest WINDOW_S
            times = np.fromiter(monitor.times, dtype=float)
            if times.size == 0:
                return
            keep = times >= times[-1] - WINDOW_S
            x = times[keep]
            per_core = [
                np.fromiter(b, dtype=float)[-times.size :][keep] for b in monitor.core_loads
            ]
            used = np.fromiter(monitor.workers_cores, dtype=float)[-times.size :][keep]
        self._set_time_label("time since Run" if whole_run else "time since the window opened")
        loads = []
        for curve, y in zip(self.curves, per_core, strict=True):
            curve.setData(x[-y.size :], y)
            loads.append(y[-1] if y.size else 0.0)
        self.workersCurve.setData(x[-used.size :], used)
        if whole_run and run is not None and run.finished:
            self.summary.setText(self._run_summary(run, x, per_core, used))
            return
        busy = sum(1 for v in loads if v >= 50)
        lost = (
            f"{self.caption} Its CPU samples are no longer kept: the charts show the machine now. "
            if self.shown is not None and not whole_run
            else ""
        )
        self.summary.setText(
            f"{lost}{monitor.cores} cores · now "
            + " · ".join(f"core {i} {v:.0f}%" for i, v in enumerate(loads))
            + f" · {busy} busy (≥ 50%, other programs count too)"
            + (f" · this run's workers: {used[-1]:.2f} cores" if used.size and whole_run else "")
        )

    def _set_time_label(self, text: str) -> None:
        if text != self._time_label:
            self._time_label = text
            self.plot.getPlotItem().setLabel("bottom", text, units="s")
            self.workersPlot.getPlotItem().setLabel("bottom", text, units="s")

    def _run_summary(self, run: Any, x: Any, per_core: list[Any], used: Any) -> str:
        """The finished run in numbers: what its workers used, what each core carried."""
        wall = run.wall_s or 0.0
        during = x <= wall
        named = f"{self.caption} This run" if self.caption else "The last run"
        if not during.any():  # only its tail was kept (or sampled, on a busy machine)
            return (
                f"{named} ({wall:.2f} s) on {self.monitor.cores} cores: no CPU sample "
                "of it is left, only of the moments after it."
            )
        average = float(used[during[-used.size :]].mean()) if used.size else 0.0
        peak = float(used.max()) if used.size else 0.0
        cores = " · ".join(
            f"core {i} {float(y[during[-y.size :]].mean()):.0f}%" for i, y in enumerate(per_core)
        )
        return (
            f"{named}, whole ({ran_phrase(run.config)}, {wall:.2f} s): its workers used "
            f"{average:.2f} cores on average, at most {peak:.2f} · per core, all programs: "
            f"{cores}"
        )


def legend_below(item: Any, entries: list[tuple[Any, str]]) -> Any:
    """A legend in a row of its own under the x axis, not over the data: every core of
    a busy machine runs along the 100 % line, where a legend inside the plot sat."""
    import pyqtgraph as pg

    legend = pg.LegendItem(colCount=min(LEGEND_COLUMNS, max(1, len(entries))), frame=False)
    for curve, name in entries:
        legend.addItem(curve, name)
    legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # names close
    item.layout.addItem(legend, LEGEND_ROW, 1)
    item.layout.setAlignment(legend, Qt.AlignmentFlag.AlignHCenter)
    return legend


def install(window: MainWindow) -> None:
    view = CpuView(monitor_for(window))
    window.extensions.add(view)
    window.controller.started.connect(view.show_latest)
    window.pastRunShown.connect(view.show_past)
    window.wasReset.connect(view.show_latest)
    window.add_view(view, "CPU cores")
