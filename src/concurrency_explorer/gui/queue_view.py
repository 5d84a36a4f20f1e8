"""The result queue at work: messages/s, depth, drained per tick, empty polls, dropped.

This is the if-then-try helpers made visible. Each 30 ms tick the window drains
what is there (``drain``: ``get_nowait`` in a ``try``) and gives up at once when
the queue is empty: an *empty poll*. Workers put progress with
``queue_iftry_put``: when the queue is half full the message is *dropped* and counted
(a worker reports its count when it ends; the other half is kept for final messages).
Depth is ``qsize()`` where the platform has it, an estimate where it raises (macOS).

The ticks go to a bounded buffer per run from the first run on (the latest
``KEPT_RUNS`` runs' are kept: after a scenario the tab shows the run its verdict is
about); the charts (and pyqtgraph) are built when the tab is first shown and then
draw the whole buffer.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..core.queue_stats import ESTIMATE, queue_depth
from ..core.runner import Run
from .cpu_monitor import KEPT_RUNS, CpuMonitor, monitor_for
from .lazy_plot import LazyPlot

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pyqtgraph as pg

    from .main_window import MainWindow

IDLE_TEXT = "Press Run: the queue's traffic shows here."
TICK_HISTORY = 4000  # ticks kept (about 2 minutes at 30 ms)
RATE_WINDOW_S = 0.5


def _tick_buffer() -> deque[tuple[float, int, float]]:
    return deque(maxlen=TICK_HISTORY)


@dataclass
class RunTicks:
    """One run's poll ticks: (seconds since run start, messages drained, depth or nan)."""

    run: Run | None
    ticks: deque[tuple[float, int, float]] = field(default_factory=_tick_buffer)
    max_drained: int = 0
    depth_basis: str = "none"


class QueueView(QWidget):
    """Two charts (messages/s; depth and drained per tick) and the counters in words."""

    def __init__(self, controller: Any, monitor: CpuMonitor, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("queueView")
        self.setAccessibleName("Queue activity")
        self.shown = RunTicks(None)  # the run drawn: the latest, or a past one (show_past)
        self.kept: deque[RunTicks] = deque(maxlen=KEPT_RUNS)  # the latest runs', newest last
        self.caption = ""  # names a past run shown
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

    # the run drawn, by the names the view had before it kept past runs
    @property
    def run(self) -> Run | None:
        return self.shown.run

    @property
    def ticks(self) -> deque[tuple[float, int, float]]:
        return self.shown.ticks

    @property
    def max_drained(self) -> int:
        return self.shown.max_drained

    @property
    def depth_basis(self) -> str:
        return self.shown.depth_basis

    def clear(self) -> None:
        """Reset: no run, empty charts (the next run starts them again)."""
        self.show_run(None)
        self.statsLabel.setText(IDLE_TEXT)

    def show_run(self, run: Run | None) -> None:
        self.shown = RunTicks(run)
        self.caption = ""
        if run is not None:
            self.kept.append(self.shown)
        self._clear_curves()

    def show_past(self, run: Run, _record: dict[str, Any], caption: str) -> None:
        """A finished run that is not the latest, from the ticks kept of it."""
        kept = next((t for t in reversed(self.kept) if t.run is run), None)
        self.shown = kept if kept is not None else RunTicks(run)
        self.caption = caption
        self._clear_curves()
        if kept is None:
            self.statsLabel.setText(
                f"{caption} Its queue ticks are no longer kept: the window keeps the latest "
                f"{KEPT_RUNS} runs'."
            )
        self.refresh(force=True)

    def _clear_curves(self) -> None:
        for curve in (self.rateCurve, self.depthCurve, self.drainedCurve):
            if curve is not None:
                curve.setData([], [])

    def on_tick(self, run: Run, messages: list[Any]) -> None:
        """Per poll tick: cheap bookkeeping only (one qsize call), no drawing."""
        shown = self.shown
        if run is not shown.run or run.t0 is None:
            return
        depth, basis = queue_depth(run)
        shown.depth_basis = basis if depth is not None else shown.depth_basis
        drained = len(messages)
        shown.max_drained = max(shown.max_drained, drained)
        now = time.perf_counter() - run.t0
        shown.ticks.append((now, drained, float("nan") if depth is None else float(depth)))

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
            (f"{self.caption} " if self.caption else "") + f"{run.messages:,} messages in "
            f"{run.polls:,} polls · "
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
    window.pastRunShown.connect(view.show_past)
    window.wasReset.connect(view.clear)
