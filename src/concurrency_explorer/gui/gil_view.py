"""The GIL lane: one row per thread, coloured while that thread held its interpreter's GIL.

The intervals come from the workers' own clock stamps (``core.child.gil_stamps``); during a
run the lane shows what the batches brought so far (claimed stretches), and when the
run ends the record's intervals (claimed plus the gaps no other worker ran in). Zoom
with the wheel, the buttons or Alt+= / Alt+- / Alt+0; "One handoff" zooms to the
cleanest change of holder, where single switches show. A red row marks any time two
threads claim to have held it at once: none with a GIL.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..core import gil as gil_core
from ..core.runner import Run
from .lazy_plot import LazyPlot

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

IDLE_TEXT = (
    "Run threads, a thread pool or asyncio: when each worker held the GIL shows here, "
    "one row per worker."
)
NO_GIL_TEXT = "This run's workers did not share one GIL (each process has its own): no lane."
COLOURS = ["#2471a3", "#d68910", "#1e8449", "#8e44ad", "#17a589", "#7f8c8d", "#a04000"]
OVERLAP_COLOUR = "#c0392b"
ROW_HEIGHT = 0.7
TICK_BELOW_S = 0.0002  # intervals shorter than this also get a hairline (I/O threads' turns)
MAX_TICKS = 20_000  # hairlines per row at most
MAX_LABELS = 16  # row labels at most; with more workers every k-th row is named
ZOOM_STEP = 2.0
LIVE_EVERY_S = 0.5  # during a run, the lane is redrawn at most this often
HANDOFF_SPAN = 4  # switch intervals shown around one handoff
LANE_TIP = (
    "When each worker thread held the GIL, from the workers' own clock: a thread runs "
    "Python only while it holds the GIL, so the readings it takes between steps mark "
    "its turns, and the gaps its waits. Resolution: one step. What it cannot see: C code "
    "that releases the GIL (io, nogil steps are never counted as held), and a holder the "
    "OS took off its core looks like a wait unless no other thread ran meanwhile. "
    "Wheel: zoom; drag: pan."
)


class GilView(QWidget):
    """The lane (built lazily), its zoom buttons and the ``gilSummary`` line."""

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gilView")
        self.setAccessibleName("GIL holder per thread")
        self.run: Any = None
        self.record: dict[str, Any] | None = None
        self.intervals: dict[str, list[tuple[float, float]]] = {}
        self.items: list[Any] = []
        self.plot: Any = None
        self._seen_batches = -1
        self._drawn_at = 0.0

        self.gilSummary = QLabel(IDLE_TEXT)
        self.gilSummary.setObjectName("gilSummary")
        self.gilSummary.setAccessibleName("GIL summary")
        self.gilSummary.setWordWrap(True)
        self.gilSummary.setToolTip(LANE_TIP)
        self.gilSummary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        buttons = QHBoxLayout()
        self.zoomInButton = self._button("gilZoomIn", "Zoom &in", "Alt+=", "Show half the time")
        self.zoomOutButton = self._button("gilZoomOut", "Zoom &out", "Alt+-", "Show twice the time")
        self.zoomAllButton = self._button("gilZoomAll", "&Whole run", "Alt+0", "Show the whole run")
        self.handoffButton = self._button(
            "gilZoomHandoff",
            "One &handoff",
            "Alt+H",
            "Zoom to a handoff, where the GIL passed from one thread to another: a few switch "
            "intervals, where single handoffs show",
        )
        self.zoomInButton.clicked.connect(lambda: self.zoom(1 / ZOOM_STEP))
        self.zoomOutButton.clicked.connect(lambda: self.zoom(ZOOM_STEP))
        self.zoomAllButton.clicked.connect(self.zoom_all)
        self.handoffButton.clicked.connect(self.zoom_to_handoff)
        for button in (
            self.zoomInButton,
            self.zoomOutButton,
            self.zoomAllButton,
            self.handoffButton,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.chart = LazyPlot(self._build_chart, "gilPlot")
        self.chart.ready.connect(lambda _plot: self.redraw())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.gilSummary)
        layout.addLayout(buttons)
        layout.addWidget(self.chart, 1)
        controller.started.connect(self.show_run)
        controller.updated.connect(self.on_tick)
        controller.finished.connect(self.show_record)

    def _button(self, name: str, text: str, keys: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        button.setShortcut(QKeySequence(keys))
        button.setToolTip(f"{tip} ({keys}).")
        return button

    def _build_chart(self) -> QWidget:
        import pyqtgraph as pg

        plot = pg.PlotWidget()
        plot.setObjectName("gilPlot")
        plot.setAccessibleName("GIL lane chart")
        plot.setToolTip(LANE_TIP)
        plot.setMouseEnabled(x=True, y=False)
        item = plot.getPlotItem()
        item.setLabel("bottom", "time since the run started", units="s")
        item.showGrid(x=True, y=False, alpha=0.3)
        item.getViewBox().setLimits(xMin=-0.5)
        self.plot = plot
        return plot

    # -- data --------------------------------------------------------------------

    def show_run(self, run: Run) -> None:
        self.run = run
        self.record = None
        self.intervals = {}
        if run.gil is None:
            self.gilSummary.setText(NO_GIL_TEXT)
        else:
            self.gilSummary.setText("Running: the lane fills as the workers' stamps arrive.")
        self.redraw()

    def on_tick(self, run: Run, _messages: list[Any]) -> None:
        log = run.gil
        if log is None or not self.isVisible() or run.t0 is None:
            return
        if self.run is not run:
            self.run = run
        now = time.monotonic()
        if log.batches == self._seen_batches or now - self._drawn_at < LIVE_EVERY_S:
            return  # nothing new, or drawn a moment ago: redrawing every tick costs too much
        self._seen_batches = log.batches
        self._drawn_at = now
        t0 = run.t0
        self.intervals = {
            str(wid): [(a - t0, b - t0) for a, b in spans] for wid, spans in log.claimed.items()
        }
        self.redraw(keep_view=True)

    def show_record(self, record: dict[str, Any], caption: str = "") -> None:
        """A finished run's lane, from its record; ``caption`` names a run that is not
        the latest (a scenario's main run)."""
        self.record = record
        gil = record.get("gil")
        if not gil:
            self.intervals = {}
            self.gilSummary.setText(f"{caption} {NO_GIL_TEXT}".strip())
            self.redraw()
            return
        self.intervals = {
            wid: [(a, b) for a, b in spans] for wid, spans in gil["intervals"].items()
        }
        env = record.get("worker_environment") or {}
        described = gil_core.describe(
            gil, gil_core.active_span(record), env.get("gil_enabled", True)
        )
        self.gilSummary.setText(f"{caption} {described}".strip())
        self.redraw()

    def show_past(self, run: Run, record: dict[str, Any], caption: str) -> None:
        self.run = run
        self.show_record(record, caption)

    # -- drawing -----------------------------------------------------------------

    def redraw(self, keep_view: bool = False) -> None:
        if self.plot is None:
            return  # never shown: the data waits in self.intervals
        import pyqtgraph as pg

        item = self.plot.getPlotItem()
        for old in self.items:
            item.removeItem(old)
        self.items = []
        rows = sorted(self.intervals, key=int)
        ticks = []
        every = max(1, -(-len(rows) // MAX_LABELS))  # thin rows share labels
        for row, wid in enumerate(rows):
            spans = self.intervals[wid]
            if row % every == 0:
                ticks.append((row, f"worker {wid}"))
            if not spans:
                continue
            colour = COLOURS[int(wid) % len(COLOURS)]
            self.items.append(self._bars(pg, spans, row, colour))
            short = [a for a, b in spans if b - a < TICK_BELOW_S][:MAX_TICKS]
            if short:  # too short to see as bars at most zooms: a hairline each
                self.items.append(self._ticks(pg, short, row, colour))
        overlap = gil_core.overlap_spans(self.intervals)
        if rows:
            ticks.append((len(rows), "two at once"))
            if overlap:
                self.items.append(self._bars(pg, overlap, len(rows), OVERLAP_COLOUR))
        for bars in self.items:
            item.addItem(bars)
        item.getAxis("left").setTicks([ticks])
        item.setYRange(-0.6, max(len(rows), 1) + 0.6, padding=0)
        if not keep_view:
            self.zoom_all()

    def _bars(self, pg: Any, spans: list[tuple[float, float]], row: int, colour: str) -> Any:
        import numpy as np

        x0 = np.fromiter((a for a, _b in spans), dtype=float, count=len(spans))
        x1 = np.fromiter((b for _a, b in spans), dtype=float, count=len(spans))
        return pg.BarGraphItem(
            x0=x0,
            x1=x1,
            y0=np.full(len(spans), row - ROW_HEIGHT / 2),
            height=ROW_HEIGHT,
            brush=pg.mkBrush(colour),
            pen=pg.mkPen(None),
        )

    def _ticks(self, pg: Any, starts: list[float], row: int, colour: str) -> Any:
        import numpy as np

        x = np.repeat(np.asarray(starts, dtype=float), 2)
        y = np.tile([row - ROW_HEIGHT / 2, row + ROW_HEIGHT / 2], len(starts))
        return pg.PlotCurveItem(x=x, y=y, connect="pairs", pen=pg.mkPen(colour, width=1))

    # -- zoom ----------------------------------------------------------------------

    def extent(self) -> tuple[float, float]:
        ends = [b for spans in self.intervals.values() for _a, b in spans[-1:]]
        wall = (self.record or {}).get("wall_s")
        end = max(ends + ([wall] if wall else []) + [0.1])
        return 0.0, end

    def zoom_all(self) -> None:
        if self.plot is not None:
            self.plot.getPlotItem().setXRange(*self.extent(), padding=0.01)

    def zoom(self, factor: float) -> None:
        if self.plot is None:
            return
        (x0, x1), _y = self.plot.getPlotItem().getViewBox().viewRange()
        middle, half = (x0 + x1) / 2, (x1 - x0) / 2 * factor
        self.plot.getPlotItem().setXRange(middle - half, middle + half, padding=0)

    def zoom_to_handoff(self) -> None:
        """A few switch intervals around the handoff with the shortest gap."""
        if self.plot is None:
            return
        t = gil_core.clean_handoff(self.intervals)
        if t is None:
            return
        interval = ((self.record or {}).get("gil") or {}).get("switch_interval_s") or 0.005
        span = HANDOFF_SPAN * interval
        self.plot.getPlotItem().setXRange(t - span / 2, t + span / 2, padding=0)

    def view_range(self) -> tuple[float, float] | None:
        if self.plot is None:
            return None
        (x0, x1), _y = self.plot.getPlotItem().getViewBox().viewRange()
        return x0, x1


def install(window: MainWindow) -> None:
    view = GilView(window.controller)
    window.extensions.add(view)
    window.pastRunShown.connect(view.show_past)
    window.add_view(view, "GIL")
