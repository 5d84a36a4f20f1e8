"""Start-up cost: the same workload under fork, forkserver and spawn, latency per worker.

Start latency = the start request to the worker's first message. fork copies the
parent (fast); forkserver forks from a warm, clean server (its first use pays to
start the server); spawn boots a fresh interpreter that imports the worker
module (slowest, the only method on Windows). One grouped bar chart: one group
per method, one bar per worker; its items are made once, when the tab is first
shown (``LazyPlot``), and drawn from the records kept until then.
"""

from __future__ import annotations

import statistics
from typing import Any

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from ..core.config import MAX_WORKERS, ConfigError
from ..core.environment import start_methods
from ..core.sweep import startup_comparison, startup_latencies
from ..resources import teaching_text
from .lazy_plot import LazyPlot
from .load_flag import LoadFlag
from .sequence_driver import SequenceDriver

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

STARTUP_TIP = teaching_text("start-methods-compared")
BAR_COLOURS = ["#2471a3", "#c0392b", "#1e8449", "#d68910", "#8e44ad", "#17a589"]
GROUP_WIDTH = 0.8


class StartupView(QWidget):
    """A button, a grouped bar chart of start latency (ms) and the medians in words."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startupView")
        self.setAccessibleName("Start-up cost")
        self.main = window
        self.driver = SequenceDriver(window.controller, self)
        self.methods = start_methods()
        self.workersSpin = QSpinBox()
        self.workersSpin.setObjectName("startupWorkersSpin")
        self.workersSpin.setAccessibleName("Start-up workers")
        self.workersSpin.setRange(1, MAX_WORKERS)
        self.workersSpin.setValue(4)
        self.workersSpin.setToolTip("Workers started under each method.")
        self.compareButton = QPushButton("&Compare start methods")
        self.compareButton.setObjectName("startupButton")
        self.compareButton.setAccessibleName("Compare start methods")
        self.compareButton.setToolTip(STARTUP_TIP)
        self.compareButton.clicked.connect(self.start_comparison)
        self.summaryLabel = QLabel(f"Methods on this platform: {', '.join(self.methods)}.")
        self.summaryLabel.setObjectName("startupSummary")
        self.summaryLabel.setWordWrap(True)
        self.loadFlag = LoadFlag("startupLoad")  # a busy machine slows every start
        controls = QHBoxLayout()
        controls.addWidget(QLabel("workers"))
        controls.addWidget(self.workersSpin)
        controls.addWidget(self.compareButton)
        controls.addStretch(1)

        self.bars: Any = None  # the BarGraphItem, once the chart is built
        self.rows: list[dict[str, Any]] = []  # what the bars show (startup_latencies)
        self.chart = LazyPlot(self._build_chart, "startupPlot")
        self.chart.ready.connect(lambda _plot: self.show_latencies(self.rows))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(controls)
        layout.addWidget(self.summaryLabel)
        layout.addWidget(self.loadFlag)
        layout.addWidget(self.chart, 1)
        self.records: list[dict[str, Any]] = []
        self.driver.progressed.connect(self._on_progress)
        self.driver.ended.connect(self._on_ended)
        window.controller.runningChanged.connect(self._sync)

    def _build_chart(self) -> QWidget:
        import pyqtgraph as pg

        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName("Start latency per worker and method")
        self.plot.setBackground("w")
        self.plot.setToolTip(STARTUP_TIP)
        item = self.plot.getPlotItem()
        item.setLabel("left", "start latency", units="s")
        item.getAxis("bottom").setTicks([list(enumerate(self.methods)), []])
        item.showGrid(y=True, alpha=0.2)
        item.setMouseEnabled(x=False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.1, brushes=[])
        item.addItem(self.bars)
        return self.plot

    def start_comparison(self) -> bool:
        if self.driver.active or self.main.controller.is_running:
            return False
        try:
            base = self.main.configPanel.config()
            base = base.replace(
                workers=self.workersSpin.value(),
                counts=(min(base.counts[0], 50),) * self.workersSpin.value(),
                faults={},
            )
            sequence = startup_comparison(base, self.methods)
        except ConfigError as exc:
            self.summaryLabel.setText(f"Cannot compare: {exc}")
            return False
        self.records = []
        self.loadFlag.clear_flag()
        self.show_latencies([])
        self.summaryLabel.setText(f"Running the same workload under {', '.join(self.methods)}…")
        self.driver.start(sequence)
        self.main.viewTabs.setCurrentWidget(self)  # once, at the start; then the person's choice
        self._sync(True)
        return True

    def show_latencies(self, rows: list[dict[str, Any]]) -> None:
        """Grouped bars: x = method index, one bar per worker (offset within the group)."""
        self.rows = rows
        if self.bars is None:
            return  # not built yet: drawn from ``rows`` when first shown
        import numpy as np
        import pyqtgraph as pg

        xs, heights, brushes = [], [], []
        for row in rows:
            if row["start_method"] not in self.methods:
                continue
            group = self.methods.index(row["start_method"])
            values = row["latencies_s"]
            width = GROUP_WIDTH / max(1, len(values))
            for i, value in enumerate(values):
                xs.append(group - GROUP_WIDTH / 2 + width * (i + 0.5))
                heights.append(0.0 if value is None else value)  # seconds: the axis adds "m"
                brushes.append(pg.mkBrush(BAR_COLOURS[i % len(BAR_COLOURS)]))
        width = GROUP_WIDTH / max(1, max((len(r["latencies_s"]) for r in rows), default=1))
        self.bars.setOpts(x=np.asarray(xs), height=np.asarray(heights), width=width * 0.9,
                          brushes=brushes)  # fmt: skip
        self.plot.getPlotItem().setXRange(-0.6, len(self.methods) - 0.4, padding=0)

    def _on_progress(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        rows = startup_latencies(self.records)
        self.show_latencies(rows)
        parts = []
        for row in rows:
            values = [v for v in row["latencies_s"] if v is not None]
            if values:
                median_ms = statistics.median(values) * 1000
                parts.append(f"{row['start_method']}: median {median_ms:.1f} ms")
        self.summaryLabel.setText("Start latency per worker · " + " · ".join(parts))
        self.loadFlag.show_loads(self.records, "the start-method runs")

    def _on_ended(self, completed: bool) -> None:
        if not completed:
            self.summaryLabel.setText(self.summaryLabel.text() + " (ended early)")
        self._sync(False)

    def _sync(self, running: bool) -> None:
        self.compareButton.setEnabled(not self.driver.active and not running)


def install(window: MainWindow) -> None:
    view = StartupView(window)
    window.extensions.add(view)
    window.add_view(view, "Start-up cost")
    window.add_action(
        "startupAction", "Compare start &methods", [QKeySequence("Ctrl+Shift+M")],
        STARTUP_TIP, view.start_comparison, menu="Run",
    )  # fmt: skip
