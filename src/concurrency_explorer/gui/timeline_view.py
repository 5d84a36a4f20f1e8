"""The timeline: one lane per worker against wall time, and how much of a core it got.

Each lane has a thin state bar (light grey: not yet asked to start, e.g. while
a host process starts or earlier workers run one after another; purple:
starting, i.e. the start method's cost; blue: running; orange: stalled;
green / grey / red: done / stopped / failed) and above it a filled step curve:
the worker's CPU share of one core, sampled at
10 Hz. A full lane is one whole core. CPU-bound *threads* share one GIL, so
their fills add up to about one lane between them: they take turns, each
crawling at 1/N speed. *Processes* each fill their lane when a core is free.

Plot items are created once per lane and reused run after run (``setData`` only),
fed from bounded buffers at the monitor's 10 Hz. The chart (and pyqtgraph) is built
the first time the tab is shown (``LazyPlot``); it then draws the current run from
the Run and the monitor's buffers.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..core.metrics import WorkerState
from ..core.runner import Run
from .cpu_monitor import CpuMonitor, monitor_for
from .lazy_plot import LazyPlot
from .worker_rows import STATE_COLOURS

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pyqtgraph as pg

BAR_LO, BAR_HI = -0.42, -0.30  # state bar, relative to the lane's centre
CPU_LO, CPU_HI = -0.26, 0.42  # CPU fill: CPU_LO = 0 %, CPU_HI = 100 % of one core
WAIT_COLOUR = "#d5d8dc"  # before the worker's start was requested (host starting, queued)
RATE_WINDOW_S = 0.5  # steps/s is measured over the latest half second


def _rect(a: float, b: float, lo: float, hi: float) -> tuple[list[float], list[float]]:
    return [a, a, b, b], [lo, hi, hi, lo]


class Lane:
    """The plot items of one worker's lane (made once, then only ``setData``)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        import pyqtgraph as pg

        self.waiting = plot.plot([], [], pen=None, brush=pg.mkBrush(WAIT_COLOUR))
        self.startup = plot.plot([], [], pen=None, brush=pg.mkBrush(STATE_COLOURS["starting"]))
        self.bar = plot.plot([], [], pen=None, brush=pg.mkBrush(STATE_COLOURS["running"]))
        self.cpu = plot.plot(
            [], [], stepMode="center", pen=pg.mkPen("#1b4f72", width=1),
            brush=pg.mkBrush(36, 113, 163, 150),
        )  # fmt: skip
        self._colour = STATE_COLOURS["running"]

    def clear(self) -> None:
        for item in (self.waiting, self.startup, self.bar, self.cpu):
            item.setData([], [])
        self.cpu.setData([0.0, 0.0], [0.0], stepMode="center")

    def show(self, y: float, worker: WorkerState, t0: float, now: float, cpu: Any) -> None:
        asked = worker.t_request if worker.t_request is not None else worker.t_started
        waited_until = asked if asked is not None else (None if worker.final else now)
        if waited_until is not None and waited_until > t0:
            xs, ys = _rect(0.0, waited_until - t0, y + BAR_LO, y + BAR_HI)
            self.waiting.setData(xs, ys, fillLevel=y + BAR_LO)
        if worker.t_request is not None and worker.t_started is not None:
            xs, ys = _rect(worker.t_request - t0, worker.t_started - t0, y + BAR_LO, y + BAR_HI)
            self.startup.setData(xs, ys, fillLevel=y + BAR_LO)
        if worker.t_started is not None:
            end = worker.t_end if worker.t_end is not None else now
            xs, ys = _rect(worker.t_started - t0, end - t0, y + BAR_LO, y + BAR_HI)
            colour = STATE_COLOURS.get(worker.state, "#000")
            if colour != self._colour:
                import pyqtgraph as pg

                self._colour = colour
                self.bar.setBrush(pg.mkBrush(colour))
            self.bar.setData(xs, ys, fillLevel=y + BAR_LO)
        if cpu:
            import numpy as np

            points = np.asarray(cpu, dtype=float)
            t, pct = points[:, 0], np.clip(points[:, 1], 0.0, 100.0)
            edges = np.empty(t.size + 1)
            edges[1:] = t
            edges[0] = t[0] - (t[1] - t[0] if t.size > 1 else 0.1)
            heights = y + CPU_LO + (CPU_HI - CPU_LO) * pct / 100.0
            self.cpu.setData(edges, heights, stepMode="center", fillLevel=y + CPU_LO)


def steps_per_second(worker: WorkerState, now: float) -> float | None:
    """Progress rate over the latest ``RATE_WINDOW_S`` from the worker's samples."""
    samples = worker.samples
    if len(samples) < 2 or worker.final:
        return None
    t_last, r_last = samples[-1]
    t, r = samples[0]
    for sample in reversed(samples):
        if t_last - sample[0] >= RATE_WINDOW_S:
            t, r = sample
            break
    if t_last <= t:
        return None
    if now - t_last > 2 * RATE_WINDOW_S:
        return 0.0
    return (r - r_last) / (t_last - t)


class TimelineView(QWidget):
    """Lanes per worker: start-up, run and CPU share; the GIL's effect in one sentence."""

    def __init__(self, monitor: CpuMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.setAccessibleName("Timeline")
        self.monitor = monitor
        self.run: Run | None = None
        self.explainLabel = QLabel(
            "Press Run: each worker gets a lane. Purple = starting, blue = running; the filled "
            "area is the share of one core it got (a full lane = one whole core)."
        )
        self.explainLabel.setObjectName("timelineExplain")
        self.explainLabel.setWordWrap(True)
        self.chart = LazyPlot(self._build_chart, "timelinePlot")
        self.chart.ready.connect(self._on_chart_ready)
        self.item: pg.PlotItem | None = None  # the chart's plot, once built
        self.lanes: list[Lane] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.explainLabel)
        layout.addWidget(self.chart, 1)
        self._dirty = False
        monitor.consumers.append(self)
        monitor.sampled.connect(self._on_sampled)

    def _build_chart(self) -> QWidget:
        import pyqtgraph as pg

        plot = pg.PlotWidget()
        plot.setAccessibleName("Timeline chart")
        plot.setBackground("w")
        plot.setToolTip(
            "One lane per worker. Thin bar: light grey = not yet asked to start (host process "
            "starting, or waiting its turn), purple = starting (the start method's cost), "
            "blue = running, orange = stalled, green/grey/red = done/stopped/failed. "
            "Filled area: CPU share of one core, 10 samples a second. Labels: CPU %, the core "
            "it is on, steps per second."
        )
        item = plot.getPlotItem()
        item.setLabel("bottom", "time since Run", units="s")
        item.showGrid(x=True, alpha=0.2)
        item.setMouseEnabled(y=False)
        item.getAxis("left").setWidth(230)
        return plot

    def _on_chart_ready(self, plot: Any) -> None:
        self.item = plot.getPlotItem()
        if self.run is not None:
            self._lay_out_lanes(self.run)
        self.refresh(force=True)

    # -- feeding -----------------------------------------------------------------

    def show_run(self, run: Run) -> None:
        """Lanes for a new run: reuse existing items, make only the missing ones."""
        self.run = run
        if self.item is not None:
            self._lay_out_lanes(run)
        self._dirty = True
        self.refresh()

    def _lay_out_lanes(self, run: Run) -> None:
        assert self.item is not None
        while len(self.lanes) < len(run.workers):
            self.lanes.append(Lane(self.item))
        for lane in self.lanes:
            lane.clear()
        n = len(run.workers)
        self.item.setYRange(-(n - 1) - 0.5, 0.5, padding=0.02)

    def finish(self) -> None:
        self._dirty = True
        self.refresh(force=True)

    def _on_sampled(self) -> None:
        if self.run is not None and (self._dirty or not self.run.finished):
            self.refresh()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh(force=True)

    # -- drawing -----------------------------------------------------------------

    def refresh(self, force: bool = False) -> None:
        run = self.run
        if run is None or run.t0 is None or not (force or self.isVisible()):
            return
        if self.item is None:
            return  # not built yet: it draws the whole run when first shown
        now = time.perf_counter()
        if run.finished and run.t_end is not None:
            now = run.t_end
        ticks = []
        total_cpu = 0.0
        measured = 0
        for i, worker in enumerate(run.workers):
            y = -float(i)
            cpu = self.monitor.worker_cpu.get(worker.worker_id)
            self.lanes[i].show(y, worker, run.t0, now, list(cpu) if cpu else None)
            ticks.append((y, self._lane_label(worker, now)))
            snapshot = self.monitor.current.get(worker.worker_id)
            if snapshot is not None and snapshot.percent is not None:
                total_cpu += snapshot.percent
                measured += 1
        self.item.getAxis("left").setTicks([ticks, []])
        self.item.setXRange(0, max(1.0, now - run.t0) * 1.02, padding=0)
        self._explain(run, total_cpu, measured)
        self._dirty = False

    def _lane_label(self, worker: WorkerState, now: float) -> str:
        snapshot = self.monitor.current.get(worker.worker_id)
        parts = [f"worker {worker.worker_id}"]
        if snapshot is not None and snapshot.percent is not None:
            parts.append(f"{snapshot.percent:3.0f}%")
            if snapshot.core is not None:
                parts.append(f"core {snapshot.core}")
        elif worker.final:
            parts.append(worker.state)
        rate = steps_per_second(worker, now)
        if rate is not None:
            parts.append(f"{rate:,.0f}/s")
        return " · ".join(parts)

    def _explain(self, run: Run, total_cpu: float, measured: int) -> None:
        mode, kind = run.config.mode, run.config.kind
        n = run.config.workers
        if measured and not run.finished:
            cores = total_cpu / 100.0
            text = f"All {measured} running workers together now use {cores:.2f} cores. "
            if mode == "thread" and kind == "cpu":
                text += (
                    "Threads share one GIL: only one runs Python at a time, so together they "
                    "get about one core, each about 1/N of it. They take turns."
                )
            elif mode == "process":
                text += (
                    f"Processes each have their own GIL: up to {self.monitor.cores} "
                    "can run at full speed at once, one per core."
                )
            elif mode == "sequential":
                text += "One after another: one lane at a time is busy."
            else:
                text += f"{kind} work releases the GIL while it waits, so threads overlap."
        elif run.finished:
            text = (
                f"{n} workers ran {mode}"
                + (f" ({run.config.effective_start_method})" if mode == "process" else "")
                + f" in {run.wall_s:.2f} s. Purple = start-up cost; the fill = share of one core."
            )
        else:
            text = "Starting workers…"
        if text != self.explainLabel.text():
            self.explainLabel.setText(text)


def install(window: Any) -> None:
    view = TimelineView(monitor_for(window))
    window.timelineView = view
    window.controller.started.connect(view.show_run)
    window.controller.finished.connect(lambda _record: view.finish())
    window.add_view(view, "Timeline")
