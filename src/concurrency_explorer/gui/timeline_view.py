"""The timeline: one lane per worker against wall time, and how much of a core it got.

Each lane has a thin state bar (light grey: not yet asked to start, e.g. while
a host process starts or earlier workers run one after another; purple:
starting, i.e. the start method's cost; blue: running; orange: stalled;
green / grey / red: done / stopped / failed) and above it a filled step curve:
the worker's CPU share of one core, sampled at
10 Hz. A full lane is one whole core. CPU-bound *threads* share one GIL, so
their fills add up to about one lane between them: they take turns, each
crawling at 1/N speed. *Processes* each fill their lane when a core is free.

The chart's items are made once, however many workers: one filled Qt path per
state colour (all lanes' bars of that colour) and one for all CPU fills, painted by
Qt in C++. Each 10 Hz sample of the monitor replaces their paths (``setPath``, the
``setData`` of plain Qt items); CPU samples are copied incrementally into bounded
per-lane buffers, lane labels are rewritten twice a second and the time axis grows
in steps. Per-lane pyqtgraph curves cost 30-40 ms a redraw with 16 lanes and made
the window's 30 ms poll tick 60-400 ms late. The chart (and pyqtgraph) is built
the first time the tab is shown (``LazyPlot``); it then draws the current run from
the Run and the monitor's buffers. After a scenario it draws the run the verdict is
about (``show_past``), from the samples the monitor kept of it.
"""

from __future__ import annotations

import math
import time
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainterPath, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ..core.engines import get_engine_class
from ..core.metrics import WorkerState
from ..core.runner import Run
from .cpu_monitor import CpuMonitor, RunSamples, monitor_for
from .lazy_plot import LazyPlot
from .wording import ran_phrase
from .worker_rows import STATE_COLOURS

TYPE_CHECKING = False
if TYPE_CHECKING:
    import pyqtgraph as pg

    from .main_window import MainWindow

BAR_LO, BAR_HI = -0.42, -0.30  # state bar, relative to the lane's centre
CPU_LO, CPU_HI = -0.26, 0.42  # CPU fill: CPU_LO = 0 %, CPU_HI = 100 % of one core
LEGEND = (
    "Grey = waiting (host starting, or queued), purple = starting, blue = running, "
    "then a mark of how it ended (green = done, grey = stopped, red = failed); the fill = "
    "share of one core."
)  # the colours of lane_spans, named
IDLE_TEXT = f"Press Run: each worker gets a lane. {LEGEND} A full lane = one whole core."
WAIT_COLOUR = "#d5d8dc"  # before the worker's start was requested (host starting, queued)
CPU_BRUSH = (36, 113, 163, 150)
CPU_PEN = "#1b4f72"
RATE_WINDOW_S = 0.5  # steps/s is measured over the latest half second
LABEL_EVERY_S = 0.5  # lane labels (CPU %, core, steps/s) are rewritten at most 2x a second
X_GROWTH = 1.25  # while running, the time axis grows in steps of 25 %, not every redraw
LABEL_AXIS_PX = 260  # the lane labels' column, at normal text sizes
LABEL_PAD_PX = 12  # the tick and its gap, beside a label
LABEL_LINE_PX = 16  # a lane label needs this much height; thinner lanes share labels
END_MARK = 0.012  # the end-of-run mark's width, a share of the run's length
MAX_LANE_SAMPLES = 512  # drawn CPU samples per lane; more are merged pairwise (bounded)

Span = tuple[str, float, float]  # colour, start, end (seconds since the run's t0)


def lane_spans(worker: WorkerState, t0: float, now: float) -> list[Span]:
    """The state bar of one lane: waiting, starting and running/final spans, in order."""
    spans: list[Span] = []
    asked = worker.t_request if worker.t_request is not None else worker.t_started
    waited_until = asked if asked is not None else (None if worker.final else now)
    if waited_until is not None and waited_until > t0:
        spans.append((WAIT_COLOUR, 0.0, waited_until - t0))
    if worker.t_request is not None and worker.t_started is not None:
        spans.append((STATE_COLOURS["starting"], worker.t_request - t0, worker.t_started - t0))
    if worker.t_started is not None:
        end = worker.t_end if worker.t_end is not None else now
        # running stays blue once it is over (as the legend says); how it ended is a
        # short mark of that state's colour right after it
        colour = STATE_COLOURS["stalled" if worker.state == "stalled" else "running"]
        spans.append((colour, worker.t_started - t0, end - t0))
        if worker.final:
            mark = max(0.02, END_MARK * (now - t0))
            spans.append((STATE_COLOURS.get(worker.state, "#000"), end - t0, end - t0 + mark))
    return spans


class LaneCpu:
    """One lane's CPU samples, copied from the monitor incrementally and kept bounded.

    The monitor's deque is read only from the newest end down to what is already
    here, so a redraw costs the new samples, not the whole history. Past
    ``MAX_LANE_SAMPLES`` neighbouring samples are merged (share weighted by duration,
    later time): a long run keeps its whole history at a coarser step, as wide as the
    chart. The outline is kept until new samples come: 64 lanes redraw in one go.
    """

    def __init__(self) -> None:
        self.times: list[float] = []  # end of each sample's interval
        self.percent: list[float] = []
        self.first_width = 0.1  # the first sample's interval (no earlier sample to bound it)
        self._outline: tuple[float, Any, Any] | None = None  # (lane y, xs, ys)

    def update(self, samples: Any) -> bool:
        """Take new ``(t, percent)`` samples from ``samples``; True if any were new."""
        if not samples:
            return False
        last = self.times[-1] if self.times else float("-inf")
        fresh = []
        for t, pct in reversed(samples):
            if t <= last:
                break
            fresh.append((t, pct))
        if not fresh:
            return False
        if not self.times and len(fresh) > 1:
            self.first_width = fresh[-2][0] - fresh[-1][0]
        self._outline = None
        for t, pct in reversed(fresh):
            self.times.append(t)
            self.percent.append(min(100.0, max(0.0, pct)))
        if len(self.times) > MAX_LANE_SAMPLES:
            self._halve()
        return True

    def _halve(self) -> None:
        times, pct = self.times, self.percent
        starts = [times[0] - self.first_width, *times[:-1]]
        odd = len(times) % 2  # the newest sample stays as it is when the count is odd
        pairs = len(times) - odd
        merged = []
        for i in range(0, pairs, 2):  # weighted by duration: the filled area is kept
            a, b = times[i] - starts[i], times[i + 1] - starts[i + 1]
            merged.append((pct[i] * a + pct[i + 1] * b) / (a + b) if a + b > 0 else pct[i])
        self.first_width = times[1] - starts[0]
        self.times = times[1:pairs:2] + times[pairs:]
        self.percent = merged + pct[pairs:]

    def area(self) -> float:
        """CPU used, in percent-seconds: what the fill covers (kept by merging)."""
        starts = [self.times[0] - self.first_width, *self.times[:-1]] if self.times else []
        return sum(p * (t - s) for p, t, s in zip(self.percent, self.times, starts, strict=True))

    def outline(self, y: float) -> tuple[Any, Any]:
        """The step outline of this lane at height ``y``: x and y arrays (numpy)."""
        if self._outline is not None and self._outline[0] == y:
            return self._outline[1], self._outline[2]
        xs, ys, _connect = lane_outlines([(self, y)])
        self._outline = (y, xs, ys)
        return xs, ys

    def clear(self) -> None:
        self.times.clear()
        self.percent.clear()
        self.first_width = 0.1
        self._outline = None


def lane_outlines(lanes: list[tuple[LaneCpu, float]]) -> tuple[Any, Any, Any]:
    """The step outlines of several lanes (each at its height ``y``) as one path's x, y
    and connect arrays (numpy), each lane closed down to its floor at both ends.

    One set of numpy operations for all lanes: per lane they cost ~57 us of the window's
    thread (a dozen small arrays), 3.6 ms for 64 lanes at every sample (issue 21).
    """
    import numpy as np

    edges: list[float] = []  # per lane: its first interval's start, then every sample's end
    percent: list[float] = []
    counts: list[int] = []
    floors: list[float] = []
    for lane, y in lanes:
        if not lane.times:
            continue
        edges.append(lane.times[0] - lane.first_width)
        edges.extend(lane.times)
        percent.extend(lane.percent)
        counts.append(len(lane.times))
        floors.append(y + CPU_LO)
    if not counts:
        empty = np.empty(0)
        return empty, empty, np.empty(0, dtype=bool)
    n = np.asarray(counts)
    xs = np.repeat(np.asarray(edges, dtype=float), 2)  # e0 e0 e1 e1 ... en en, lane by lane
    starts = np.concatenate(([0], np.cumsum(2 * n + 2)[:-1]))  # each lane's first point
    ends = starts + 2 * n + 1
    inner = np.ones(xs.size, dtype=bool)
    inner[starts] = inner[ends] = False
    heights = np.asarray(percent, dtype=float) * ((CPU_HI - CPU_LO) / 100.0)
    heights += np.repeat(np.asarray(floors), n)
    ys = np.empty(xs.size)
    ys[inner] = np.repeat(heights, 2)
    ys[~inner] = np.repeat(np.asarray(floors), 2)  # down to the lane's floor at both ends
    connect = np.ones(xs.size, dtype=bool)
    connect[ends] = False  # lanes are separate shapes
    return xs, ys, connect


def label_step(lanes: int, height_px: float, line_px: float = LABEL_LINE_PX) -> int:
    """Label every lane, or every k-th one when the lanes are too thin for a line of text."""
    if lanes <= 1 or height_px <= 0:
        return 1
    pitch = height_px / lanes
    return max(1, math.ceil(line_px / pitch))


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
        self.caption = ""  # names a past run shown (``show_past``): "" for the latest
        self.explainLabel = QLabel(IDLE_TEXT)
        self.explainLabel.setObjectName("timelineExplain")
        self.explainLabel.setWordWrap(True)
        self.chart = LazyPlot(self._build_chart, "timelinePlot")
        self.chart.ready.connect(self._on_chart_ready)
        self.item: pg.PlotItem | None = None  # the chart's plot, once built
        # the chart's few graphics items, made once when it is built: one filled path per
        # state colour (every lane's bar of that colour), one for all CPU fills
        self.shapes: dict[str, QGraphicsPathItem] = {}
        self.cpuFill: QGraphicsPathItem | None = None
        self.spans: list[list[Span]] = []  # per lane, what its bar shows now
        self.cpu: list[LaneCpu] = []  # per lane, the CPU samples drawn
        self._x_max = 0.0
        self._labels_at = float("-inf")
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
        item.getAxis("left").setWidth(LABEL_AXIS_PX)
        for side in ("left", "bottom"):
            # the lanes' repaints touch the axes (Qt pads dirty areas by 2 px): blit a
            # cached image instead of redrawing 64 lane labels (5 ms) ten times a second
            item.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.disableAutoRange()  # ranges are set here: autorange would walk every item
        return plot

    def _on_chart_ready(self, plot: Any) -> None:
        self.item = plot.getPlotItem()
        self._make_items(self.item)
        if self.run is not None:
            self._lay_out_lanes(self.run)
        self.refresh(force=True)

    def _make_items(self, plot: pg.PlotItem) -> None:
        """Plain Qt path items: painted in C++, and their number does not grow with workers."""
        import pyqtgraph as pg

        colours = [WAIT_COLOUR, *dict.fromkeys(STATE_COLOURS.values())]
        for colour in colours:
            shape = QGraphicsPathItem()
            shape.setPen(QPen(Qt.PenStyle.NoPen))
            shape.setBrush(pg.mkBrush(colour))
            plot.addItem(shape, ignoreBounds=True)
            self.shapes[colour] = shape
        self.cpuFill = QGraphicsPathItem()
        self.cpuFill.setPen(pg.mkPen(CPU_PEN, width=1))  # cosmetic: 1 px at any zoom
        self.cpuFill.setBrush(pg.mkBrush(*CPU_BRUSH))
        self.cpuFill.setZValue(1)
        plot.addItem(self.cpuFill, ignoreBounds=True)

    # -- feeding -----------------------------------------------------------------

    def show_run(self, run: Run) -> None:
        """A new run: same items, its lanes drawn from the start."""
        self.run = run
        self.caption = ""
        if self.item is not None:
            self._lay_out_lanes(run)
        self._dirty = True
        self.refresh()

    def show_past(self, run: Run, _record: dict[str, Any], caption: str) -> None:
        """A finished run that is not the latest, whole, named by ``caption``."""
        self.show_run(run)
        self.caption = caption
        self.refresh(force=True)

    def samples(self) -> RunSamples | None:
        """The monitor's samples of the run drawn (None: not kept, or no run)."""
        return self.monitor.samples_of(self.run)

    def _lay_out_lanes(self, run: Run) -> None:
        assert self.item is not None
        n = len(run.workers)
        self.cpu = [LaneCpu() for _ in range(n)]
        self.spans = [[] for _ in range(n)]
        self._x_max = 0.0
        self._labels_at = float("-inf")
        self.item.setYRange(-(n - 1) - 0.5, 0.5, padding=0.02)

    def clear(self) -> None:
        """Forget the run: empty lanes and labels (the items stay, for the next run)."""
        self.run = None
        self.caption = ""
        self.spans, self.cpu = [], []
        self._x_max = 0.0
        for shape in self.shapes.values():
            shape.setPath(QPainterPath())
        if self.cpuFill is not None:
            self.cpuFill.setPath(QPainterPath())
        if self.item is not None:
            self.item.getAxis("left").setTicks([[], []])
        self.explainLabel.setText(IDLE_TEXT)

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
        self.spans = [lane_spans(worker, run.t0, now) for worker in run.workers]
        self._draw_bars()
        self._draw_cpu(run)
        final = force or run.finished
        if final or now - self._labels_at >= LABEL_EVERY_S:
            self._labels_at = now
            self._draw_labels(run, now)
        self._fit_time_axis(max(1.0, now - run.t0) * 1.02, exact=final)
        self._dirty = False

    def _draw_bars(self) -> None:
        paths = {colour: QPainterPath() for colour in self.shapes}
        height = BAR_HI - BAR_LO
        for i, spans in enumerate(self.spans):
            bottom = -float(i) + BAR_LO
            for colour, start, end in spans:
                path = paths.get(colour)
                if path is not None and end > start:
                    path.addRect(QRectF(start, bottom, end - start, height))
        for colour, shape in self.shapes.items():
            shape.setPath(paths[colour])

    def _draw_cpu(self, run: Run) -> None:
        changed = False
        samples = self.samples()
        worker_cpu = samples.worker_cpu if samples is not None else {}
        for lane, worker in zip(self.cpu, run.workers, strict=False):
            changed |= lane.update(worker_cpu.get(worker.worker_id))
        if not changed and not self._dirty:
            return
        import pyqtgraph as pg

        xs, ys, connect = lane_outlines([(lane, -float(i)) for i, lane in enumerate(self.cpu)])
        assert self.cpuFill is not None
        path = pg.arrayToQPath(xs, ys, connect) if xs.size else QPainterPath()
        self.cpuFill.setPath(path)

    def _draw_labels(self, run: Run, now: float) -> None:
        assert self.item is not None
        metrics = QFontMetrics(QApplication.font())  # the axis draws in the app's font
        line = max(LABEL_LINE_PX, metrics.height())
        step = label_step(len(run.workers), self.item.getViewBox().height(), line)
        # A label wider than its axis is not drawn at all: the axis grows with its widest
        # label (up to 45 % of the chart), and labels shorten when even that is too narrow.
        room = max(LABEL_AXIS_PX, 0.45 * self.width()) - LABEL_PAD_PX
        for detail in (2, 1, 0):
            ticks = [
                (-float(i), self._lane_label(w, now, detail))
                for i, w in enumerate(run.workers)
                if i % step == 0
            ]
            widest = max((metrics.horizontalAdvance(text) for _, text in ticks), default=0)
            if widest <= room:
                break
        axis = self.item.getAxis("left")
        width = int(min(max(LABEL_AXIS_PX, widest + LABEL_PAD_PX), room + LABEL_PAD_PX))
        if abs(axis.width() - width) > 8:
            axis.setWidth(width)
        axis.setTicks([ticks, []])
        total_cpu = 0.0
        measured = 0
        for worker in run.workers:
            snapshot = self.monitor.current.get(worker.worker_id)
            if snapshot is not None and snapshot.percent is not None:
                total_cpu += snapshot.percent
                measured += 1
        self._explain(run, total_cpu, measured)

    def _fit_time_axis(self, span: float, exact: bool) -> None:
        """Grow the time axis in steps while running; fit it exactly at the end."""
        assert self.item is not None
        if exact:
            target = span
        elif span > self._x_max:
            target = span * X_GROWTH
        else:
            return
        if target != self._x_max:
            self._x_max = target
            self.item.setXRange(0, target, padding=0)

    def _lane_label(self, worker: WorkerState, now: float, detail: int = 2) -> str:
        """``detail`` 2: everything; 1: name and state or CPU %; 0: the worker's id."""
        if detail == 0:
            return f"w{worker.worker_id}"
        parts = [f"worker {worker.worker_id}"]
        if worker.final:  # its final values, not the last live sample
            parts.append(worker.state)
            if worker.cpu_s is not None and detail > 1:
                parts.append(f"{worker.cpu_s:.2f} s CPU")
            if worker.wall_s and detail > 1:
                parts.append(f"{worker.done_steps / worker.wall_s:,.0f}/s")
            return " · ".join(parts)
        snapshot = self.monitor.current.get(worker.worker_id)
        if detail == 1:
            if snapshot is not None and snapshot.percent is not None:
                parts.append(f"{snapshot.percent:3.0f}%")
            return " · ".join(parts)
        if snapshot is not None and snapshot.percent is not None:
            parts.append(f"{snapshot.percent:3.0f}%")
            if snapshot.core is not None:
                parts.append(f"core {snapshot.core}")
        rate = steps_per_second(worker, now)
        if rate is not None:
            parts.append(f"{rate:,.0f}/s")
        return " · ".join(parts)

    def _explain(self, run: Run, total_cpu: float, measured: int) -> None:
        if measured and not run.finished:
            cores = total_cpu / 100.0
            text = f"All {measured} running workers together now use {cores:.2f} cores. "
            engine = get_engine_class(run.config.mode)
            text += engine.running_note(run.config.kind, self.monitor.cores)
        elif run.finished:
            text = f"{ran_phrase(run.config)} in {run.wall_s:.2f} s. {LEGEND}"
            if self.samples() is None:
                text += " This run's CPU samples are no longer kept: its lanes have no fill."
        else:
            text = "Starting workers…"
        text = f"{self.caption} {text}".strip()
        if text != self.explainLabel.text():
            self.explainLabel.setText(text)


def install(window: MainWindow) -> None:
    view = TimelineView(monitor_for(window))
    window.extensions.add(view)
    window.controller.started.connect(view.show_run)
    window.controller.finished.connect(lambda _record: view.finish())
    window.pastRunShown.connect(view.show_past)
    window.wasReset.connect(view.clear)
    window.add_view(view, "Timeline")
