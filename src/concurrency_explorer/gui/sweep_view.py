"""Sweep: 1..N workers of the chosen mode and method, measured speedup beside the ideal.

The runs go through the RunController one after another (``SequenceDriver``), so
the bars and the timeline show every run of the sweep while the plot fills in.
The sequencing and the speedup definition live in ``core.sweep`` (shared with
``concurrency-explorer sweep``). The plot (and pyqtgraph) is built when the tab is
first shown; it draws from the Sweep's records, so nothing is lost before.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.config import MAX_WORKERS, ConfigError
from ..core.sweep import Sweep, beyond_ideal_note, cores
from ..resources import teaching_text
from .capped_label import CappedLabel
from .chart_ticks import set_readable_x_ticks
from .lazy_plot import LazyPlot
from .load_flag import LoadFlag
from .sequence_driver import SequenceDriver
from .stage_page import StagePage, height_besides

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

SWEEP_TIP = teaching_text("sweep")
LEGEND_HEADROOM = 1.4  # the y axis runs this far above the highest point: room for the legend
#: on stage: the legend in one row, a plot of five lines under it, the x axis and its
#: label. With the legend's three entries one under another it took 12, and the bars
#: kept 2 of 4 rows at 1280x720.
STAGE_CHART_LINES = 8


class SweepView(QWidget, StagePage):
    """Controls, the speedup plot (measured and ideal) and a one-line status."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweepView")
        self.setAccessibleName("Sweep")
        self.main = window
        self.driver = SequenceDriver(window.controller, self)
        self.sweep: Sweep | None = None

        self.maxWorkersSpin = QSpinBox()
        self.maxWorkersSpin.setObjectName("sweepMaxWorkersSpin")
        self.maxWorkersSpin.setAccessibleName("Sweep up to workers")
        self.maxWorkersSpin.setRange(1, MAX_WORKERS)
        self.maxWorkersSpin.setValue(max(4, cores() * 2))
        self.maxWorkersSpin.setToolTip("The sweep runs 1, 2, ... up to this many workers.")
        self.countSpin = QSpinBox()
        self.countSpin.setObjectName("sweepCountSpin")
        self.countSpin.setAccessibleName("Sweep count per worker")
        self.countSpin.setRange(1, 1_000_000)
        self.countSpin.setValue(300)
        self.countSpin.setToolTip("Countdown steps of every worker in every run of the sweep.")
        self.sweepButton = QPushButton("Run s&weep")
        self.sweepButton.setObjectName("sweepButton")
        self.sweepButton.setAccessibleName("Run sweep")
        self.sweepButton.setToolTip(SWEEP_TIP + " (Ctrl+Shift+W)")
        self.sweepButton.clicked.connect(self.start_sweep)
        self.statusLabel = CappedLabel(
            "Mode, start method and kind come from the Workers panel.", compact_lines=2
        )
        self.statusLabel.setObjectName("sweepStatus")
        self.statusLabel.setWordWrap(True)
        self.loadFlag = LoadFlag("sweepLoad")
        controls = QHBoxLayout()  # two short rows in one: narrow enough for big fonts
        controls.addWidget(QLabel("up to"))
        controls.addWidget(self.maxWorkersSpin)
        controls.addWidget(QLabel("workers, count"))
        controls.addWidget(self.countSpin)
        controls.addStretch(1)
        run_row = QHBoxLayout()
        run_row.addWidget(self.sweepButton)
        run_row.addStretch(1)

        self.plot: Any = None  # built when the tab is first shown (LazyPlot)
        self.idealCurve: Any = None  # the curves, once the plot is built
        self.measuredCurve: Any = None
        self.chart = LazyPlot(self._build_chart, "sweepPlot")
        self.chart.ready.connect(lambda _plot: self.draw())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(controls)
        layout.addLayout(run_row)
        layout.addWidget(self.statusLabel)
        layout.addWidget(self.loadFlag)
        layout.addWidget(self.chart, 1)
        self.driver.progressed.connect(self._on_progress)
        self.driver.ended.connect(self._on_ended)
        window.controller.runningChanged.connect(self._sync)

    def set_staged(self, staged: bool) -> None:
        super().set_staged(staged)
        self._lay_out_legend()

    def _lay_out_legend(self) -> None:
        """On stage the legend's entries side by side (one row over the plot), else one
        under another."""
        legend = self.plot.getPlotItem().legend if self.plot is not None else None
        if legend is not None:
            legend.setColumnCount(len(legend.items) if self.staged else 1)

    def stage_height(self) -> int:
        """On stage: controls and notes in a line or two, a plot of eight lines."""
        if not self.staged:
            return 0
        chart = math.ceil(QFontMetrics(QApplication.font()).height() * STAGE_CHART_LINES)
        layout = self.layout()
        assert layout is not None
        return height_besides(layout, self.width(), self.chart) + chart

    def _build_chart(self) -> QWidget:
        import pyqtgraph as pg

        self.plot = pg.PlotWidget()
        self.plot.setAccessibleName("Speedup against workers")
        self.plot.setBackground("w")
        self.plot.setToolTip(SWEEP_TIP)
        item = self.plot.getPlotItem()
        item.setLabel("left", "speedup (x)")
        item.setLabel("bottom", "workers")
        item.showGrid(x=True, y=True, alpha=0.2)
        item.addLegend(offset=(10, 5))
        self.idealCurve = item.plot(
            [], [], pen=pg.mkPen("#7f8c8d", width=2, style=Qt.PenStyle.DashLine),
            name=f"ideal: min(workers, {cores()} cores)",
        )  # fmt: skip
        self.measuredCurve = item.plot(
            [], [], pen=pg.mkPen("#c0392b", width=2), symbol="o", symbolSize=8,
            symbolBrush="#c0392b", name="measured",
        )  # fmt: skip
        self.unreliableCurve = item.plot(
            [], [], pen=None, symbol="o", symbolSize=14, symbolBrush=None,
            symbolPen=pg.mkPen("#222", width=2), name="not reliable (see below the plot)",
        )  # fmt: skip
        self._lay_out_legend()
        return self.plot

    def draw(self) -> None:
        """The ideal line and the measured points of the current sweep (once built)."""
        sweep = self.sweep
        if sweep is None or self.measuredCurve is None:
            return
        n = sweep.max_workers
        xs = list(range(1, n + 1))
        self.idealCurve.setData(xs, [min(x, cores()) for x in xs])
        points = [p for p in sweep.points() if p["speedup"] is not None]
        self.measuredCurve.setData([p["workers"] for p in points], [p["speedup"] for p in points])
        shaky = [p for p in points if not p.get("speedup_reliable")]
        self.unreliableCurve.setData([p["workers"] for p in shaky], [p["speedup"] for p in shaky])
        item = self.plot.getPlotItem()
        item.setXRange(0.5, n + 0.5)
        top = max([min(n, cores()), *(p["speedup"] for p in points)])
        item.setYRange(0, top * LEGEND_HEADROOM, padding=0)  # from 0; the legend above
        set_readable_x_ticks(item, 1, n, integers=True)  # whole workers, never crowded

    def start_sweep(self) -> bool:
        if self.driver.active or self.main.controller.is_running:
            return False
        try:
            base = self.main.configPanel.config()
            sweep = Sweep(base, self.maxWorkersSpin.value(), self.countSpin.value())
        except ConfigError as exc:
            self.statusLabel.setText(f"Cannot sweep: {exc}")
            return False
        self.sweep = sweep
        self.loadFlag.clear_flag()
        self.draw()
        n = sweep.max_workers
        self.statusLabel.setText(
            f"Sweep: first {n} workers one after another (the baseline), then 1 to {n} "
            f"{base.mode} workers. Esc stops it."
        )
        self.driver.start(sweep)
        self.main.viewTabs.setCurrentWidget(self)  # once, at the start; then the person's choice
        self._sync(True)
        return True

    def _on_progress(self, record: dict[str, Any]) -> None:
        sweep = self.sweep
        if sweep is None:
            return
        self.draw()
        self.loadFlag.show_loads(sweep.records, "the sweep's runs")
        points = [p for p in sweep.points() if p["speedup"] is not None]
        done = len(sweep.records)
        self.statusLabel.setText(
            f"Sweep: {done} of {sweep.total} runs done"
            + (f"; {points[-1]['workers']} workers: {points[-1]['speedup']:.2f}x" if points else "")
        )

    def _on_ended(self, completed: bool) -> None:
        sweep = self.sweep
        if sweep is None:
            return
        points = sweep.points()
        if completed and points:
            # the best of the figures that can be trusted; only if none can, the best
            # of all, said to be unreliable (a busy machine can make 1 worker "4x")
            sure = [p for p in points if p["speedup_reliable"]]
            best = max(sure or points, key=lambda p: p["speedup"] or 0)
            n = best["workers"]
            note = beyond_ideal_note(points)
            self.statusLabel.setText(
                f"Sweep done: best {best['speedup'] or 0:.2f}x with {n} worker{'s' * (n != 1)} "
                f"(ideal {best['ideal']}x{'' if sure else '; not reliable'}). "
                "Dashed: the ideal; red: measured."
                + (f" {note}" if note else "")
            )
            shaky = [p for p in points if p["speedup"] is not None and not p["speedup_reliable"]]
            if shaky:
                why = shaky[0]["speedup_note"]
                self.statusLabel.setText(
                    f"{self.statusLabel.text()} Ringed points are not reliable "
                    f"({len(shaky)} of {len(points)}): {why}."
                )
        else:
            self.statusLabel.setText(f"Sweep ended early after {len(sweep.records)} runs.")
        self._sync(False)

    def _sync(self, running: bool) -> None:
        self.sweepButton.setEnabled(not self.driver.active and not running)


def install(window: MainWindow) -> None:
    view = SweepView(window)
    window.extensions.add(view)
    window.add_view(view, "Sweep")
    window.add_action(
        "sweepAction", "S&weep 1..N workers", [QKeySequence("Ctrl+Shift+W")], SWEEP_TIP,
        view.start_sweep, menu="Run",
    )  # fmt: skip
