"""Compare engines: the Workers panel's workload on every engine available here.

The plan (baseline first, a process pool cold then warm) and every figure come
from ``core.compare`` (shared with ``concurrency-explorer compare``); this view
only drives the runs through the RunController, one after another
(``SequenceDriver``), so the bars move for each engine, and then draws wall time
and speedup per engine. The chart (and pyqtgraph) is built when the tab is first
shown (``LazyPlot``); it draws from the Comparison's records, so nothing is lost.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.compare import (
    BASELINE_MODE,
    Comparison,
    beyond_ideal,
    slowest_start_s,
    unavailable_modes,
    warm_start_note,
    warm_up,
)
from ..core.config import ConfigError
from ..core.engines import get_engine_class
from ..core.launcher import Job
from ..core.sweep import cores
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

COMPARE_TIP = teaching_text("compare")
#: the chart marks the ideal; "cores" and "trust" say how far the speedup may be believed
COLUMNS = ("engine", "wall s", "speedup", "start ms", "result", "cores", "trust")
CHART_MIN_WIDTH = 320  # both plots and the engines' names stay readable
BAR_HEIGHT = 0.6
COLOURS = {"baseline": "#7f8c8d", "ok": "#2471a3", "failed": "#c0392b"}
# On stage: columns the chart or the Results also say step aside, so table and chart fit
# side by side at 1280 px; each engine gets this many lines of text height in the chart.
STAGE_HIDDEN_COLUMNS = ("start ms", "result", "cores")
ENGINE_LINES = 1.25
# On stage the engines' names and the table at this share of the (big) text size: at
# full size 8 engines left a 1280x720 projector one worker row above them.
STAGE_NAME_SCALE = 0.8
STAGE_NAME_MIN_SCALE = 0.6  # smaller still when the room asks, never below this share
STAGE_NAME_STEP = 0.05
TABLE_ROW_PADDING = 6  # px of a table row beside its line of text
CHART_CHROME_LINES = 4.0  # title and the bottom axis, before the chart is built


class CompareView(QWidget, StagePage):
    """A button, what is left out and why, a table and the two bar charts."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.setAccessibleName("Compare engines")
        self.main = window
        self.driver = SequenceDriver(window.controller, self)
        self.comparison: Comparison | None = None
        self._warming: Job | None = None
        self._warmTimer = QTimer(self)
        self._warmTimer.setInterval(20)
        self._warmTimer.timeout.connect(self._check_warm)
        self.wallBars: Any = None
        self.speedupBars: Any = None
        self.idealMarks: Any = None
        self.wallPlot: Any = None
        self.speedupPlot: Any = None
        self._x_tops = (1.0, 1.0)  # right ends of the wall time and speedup axes
        self._name_scale = STAGE_NAME_SCALE  # of the text size, for engines' names on stage
        self._build_controls()
        self._build_notes()
        self._build_table()
        self._lay_out()
        self.driver.progressed.connect(self._on_progress)
        self.driver.ended.connect(self._on_ended)
        window.controller.started.connect(self._on_run_started)
        window.controller.runningChanged.connect(self._sync)

    def _build_controls(self) -> None:
        """The button and the status line beside it."""
        self.compareButton = QPushButton("Compare &engines")
        self.compareButton.setObjectName("compareButton")
        self.compareButton.setAccessibleName("Compare engines")
        self.compareButton.clicked.connect(lambda *_: self.start_comparison())
        self.compareButton.setToolTip(
            COMPARE_TIP + "\n\n" + unavailable_text(unavailable_modes())
        )  # on stage the line saying so steps aside
        self.statusLabel = CappedLabel(
            "The workload (workers, counts, kind) comes from the Workers panel; every "
            "available engine runs it in turn.",
            compact_lines=1,  # on stage: its first sentence (the fastest engine) stays
        )
        self.statusLabel.setObjectName("compareStatus")
        self.statusLabel.setAccessibleName("Comparison status")
        self.statusLabel.setWordWrap(True)

    def _build_notes(self) -> None:
        """The busy flag and the engines this machine cannot run."""
        self.loadFlag = LoadFlag("compareLoad")
        self.unavailableLabel = CappedLabel(unavailable_text(unavailable_modes()), compact_lines=1)
        self.unavailableLabel.setObjectName("compareUnavailable")
        self.unavailableLabel.setAccessibleName("Engines not available here")
        self.unavailableLabel.setWordWrap(True)
        self.unavailableLabel.setToolTip(
            "Engines this Python or this machine cannot run, with what they need."
        )

    def _build_table(self) -> None:
        """A row per planned run: the figures the chart draws, and how far to trust them."""
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("compareTable")
        self.table.setAccessibleName("Wall time and speedup per engine")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(
            "speedup: the baseline's wall time / this run's (measured). ideal: "
            f"min(workers, {cores()} cores). start ms: the slowest worker's start latency; "
            "compare the cold and warm process pool. cores: the workers' CPU seconds over "
            "the working wall time (threads under the GIL stay near 1). trust: 'reliable', "
            "or why the speedup may not be believed (a busy machine, beyond the ideal)."
        )

    def _lay_out(self) -> None:
        """Controls, notes, then the table beside the (lazily built) chart."""
        self.chart = LazyPlot(self._build_chart, "comparePlot")
        self.chart.setMinimumWidth(CHART_MIN_WIDTH)
        self.chart.ready.connect(self._on_chart_ready)
        controls = QHBoxLayout()
        controls.addWidget(self.compareButton)
        controls.addWidget(self.statusLabel, 1)
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.setObjectName("compareSplitter")
        charts.setChildrenCollapsible(False)
        charts.addWidget(self.table)
        charts.addWidget(self.chart)
        charts.setStretchFactor(0, 2)
        charts.setStretchFactor(1, 3)
        self._charts = charts
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(controls)
        layout.addWidget(self.loadFlag)
        layout.addWidget(self.unavailableLabel)
        layout.addWidget(charts, 1)

    # -- driving ---------------------------------------------------------------

    def start_comparison(self, modes: list[str] | None = None) -> bool:
        """Plan from the Workers panel's workload and start; False if that cannot be."""
        if self.busy or self.main.controller.is_running:
            return False
        try:
            base = self.main.configPanel.config()
            panel = self.main.configPanel
            comparison = Comparison(
                base, modes, python=panel.python_path(), scheduler=panel.scheduler_address()
            )
        except (ConfigError, ValueError) as exc:
            self.statusLabel.setText(f"Cannot compare: {exc}")
            return False
        self.comparison = comparison
        self.loadFlag.clear_flag()
        self.show_comparison(comparison)  # the table first: the tab fits it when shown
        self.main.viewTabs.setCurrentWidget(self)
        QTimer.singleShot(0, self._fit_table)  # once the chart has laid out the names
        self.statusLabel.setText(
            f"Comparing {len(comparison.labels)} runs of {base.workers} {base.kind} workers: "
            + ", ".join(comparison.labels) + ". Esc stops the comparison."
        )  # fmt: skip
        # the shared forkserver is readied first (off this thread), so its one-off boot
        # is not charged to the baseline; the runs start when it is
        self._warming = warm_up()
        self._warmTimer.start()
        self._sync(True)
        return True

    @property
    def busy(self) -> bool:
        """Getting ready or running a comparison."""
        return self._warming is not None or self.driver.active

    def _check_warm(self) -> None:
        warming = self._warming
        if warming is None or not warming.done():
            return
        self._warmTimer.stop()
        self._warming = None
        comparison = self.comparison
        if comparison is not None and not self.driver.start(comparison):
            self.statusLabel.setText("Comparison not started: another run began first.")
        self._sync(self.main.controller.is_running)

    def _on_run_started(self, run: Any) -> None:
        comparison = self.comparison
        if not self.driver.active or comparison is None:
            return
        label = comparison.next_label()
        if label is None:
            return
        n = len(comparison.records) + 1
        self.statusLabel.setText(
            f"Run {n} of {comparison.total}: {label} ({run.engine.label})… "
            "Esc stops the comparison."
        )

    def _on_progress(self, record: dict[str, Any]) -> None:
        if self.comparison is not None:
            self.show_comparison(self.comparison)
            self.loadFlag.show_loads(self.comparison.records, "these runs")
            if self.staged:  # wider figures: the table keeps every column it shows whole
                self._fit_table()

    def _on_ended(self, completed: bool) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        self.statusLabel.setText(ended_text(comparison, completed))
        self._sync(False)

    def _sync(self, running: bool) -> None:
        self.compareButton.setEnabled(not self.busy and not running)

    # -- on stage --------------------------------------------------------------

    def set_staged(self, staged: bool) -> None:
        super().set_staged(staged)
        for column in STAGE_HIDDEN_COLUMNS:
            self.table.setColumnHidden(COLUMNS.index(column), staged)
        self.unavailableLabel.setVisible(not staged)  # in its tooltip on stage
        if not staged:  # on stage: in fit_stage, once the stage's text size is set (a
            self._fit_fonts()  # font set before that comes back when the stage ends)
        QTimer.singleShot(0, self._fit_table)

    def changeEvent(self, event: QEvent) -> None:
        """A new text size (Ctrl+plus): the table's rows are measured in it again (they
        stayed 20 px tall for 24 px names). On stage ``fit_stage`` measures them."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and not self.staged:
            self._fit_fonts()

    def fit_stage(self, room: int | None = None) -> None:
        """The engines' names as large as ``room`` allows (see ``STAGE_NAME_SCALE``)."""
        self._name_scale = self._scale_for(room)
        self._fit_fonts()
        if self.comparison is not None:
            self._fit_table()

    def _scale_for(self, room: int | None) -> float:
        scale = STAGE_NAME_SCALE
        if room is None or self.comparison is None:
            return scale
        while scale > STAGE_NAME_MIN_SCALE and self._claim(scale) > room:
            scale = round(max(STAGE_NAME_MIN_SCALE, scale - STAGE_NAME_STEP), 3)
        return scale

    def engine_font(self, scale: float | None = None) -> QFont:
        """The engines' names (chart and table): on stage a share of the big text, so
        eight engines and the worker rows fit a 720 px projector together."""
        font = QFont(QApplication.font())
        if self.staged:
            font.setPointSizeF(font.pointSizeF() * (scale or self._name_scale))
        return font

    def _fit_fonts(self) -> None:
        """Table and engine names at ``engine_font`` on stage, the window's font off it."""
        font = self.engine_font()
        self.table.setFont(font if self.staged else QFont())  # QFont(): inherit again
        # rows a line of text tall (the style's are half as tall again): all 8 engines
        # fit beside the chart at 1280x720, on stage and off it
        height = QFontMetrics(font).height() + TABLE_ROW_PADDING
        rows = self.table.verticalHeader()
        rows.setMinimumSectionSize(height)
        rows.setDefaultSectionSize(height)  # rows made later
        for row in range(self.table.rowCount()):
            self.table.setRowHeight(row, height)
        if self.wallPlot is None:
            return
        wanted = font if self.staged else None  # names, ticks and titles alike
        axes = [self.wallPlot.getAxis("left")]
        axes += [plot.getAxis("bottom") for plot in (self.wallPlot, self.speedupPlot)]
        changed = False
        for axis in axes:
            if axis.style.get("tickFont") != wanted:
                axis.setStyle(tickFont=wanted)
                changed = True
        if changed:
            self._retick()

    def stage_height(self) -> int:
        """Controls and notes in a line or two each, then a chart row per engine tall
        enough for its name at presentation size (and the table's rows beside it)."""
        if not self.staged or self.comparison is None:
            return 0
        return self._claim(self._name_scale)

    def _claim(self, scale: float) -> int:
        """``stage_height`` with the engines' names at ``scale`` of the text size."""
        comparison = self.comparison
        assert comparison is not None
        line = QFontMetrics(QApplication.font()).height()
        chrome = math.ceil(line * CHART_CHROME_LINES)
        if self.chart.widget is not None and self.wallPlot.getViewBox().height() > 0:
            chrome = self.chart.widget.height() - int(self.wallPlot.getViewBox().height())
        name = QFontMetrics(self.engine_font(scale)).height()
        chart = len(comparison.labels) * math.ceil(name * ENGINE_LINES) + chrome
        table = self.table
        shown = QFontMetrics(table.font()).height()  # the header grows with its font
        header = math.ceil(table.horizontalHeader().height() * name / max(1, shown))
        rows = len(comparison.labels) * (name + TABLE_ROW_PADDING)
        bar = table.horizontalScrollBar()
        scroll = bar.sizeHint().height() if bar.isVisible() else 0
        table_need = header + rows + 2 * table.frameWidth() + scroll
        layout = self.layout()
        assert layout is not None
        return height_besides(layout, self.width(), self._charts) + max(chart, table_need)

    # -- showing ---------------------------------------------------------------

    def show_comparison(self, comparison: Comparison) -> None:
        """The table and the chart: one row / bar per run planned (empty until it ran)."""
        rows = comparison.rows()
        self._fit_fonts()  # rows a line tall at the text size of now
        self.table.setRowCount(len(comparison.labels))
        for i, label in enumerate(comparison.labels):
            record = comparison.records[i] if i < len(rows) else None
            cells = row_cells(label, record)
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if 0 < j < 4 or j == 5:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(i, j, item)
        self.draw()

    def _on_chart_ready(self, _chart: QWidget) -> None:
        self._fit_fonts()
        self._fit_table()
        self.draw()

    def _fit_table(self) -> None:
        """Give the table the width of its columns; the chart takes the rest."""
        self.table.resizeColumnsToContents()
        table_width = self.table.horizontalHeader().length() + self.table.frameWidth() * 2 + 4
        total = sum(self._charts.sizes()) or self.width()
        chart_width = CHART_MIN_WIDTH
        if self.chart.widget is not None:  # what its plots and the engines' names need
            layout = self.chart.widget.ci  # type: ignore[attr-defined]  # pyqtgraph is untyped
            need = layout.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
            chart_width = max(chart_width, int(need) + 8)
        table_width = max(120, min(table_width, total - chart_width))
        self._charts.setSizes([table_width, total - table_width])

    def _build_chart(self) -> QWidget:
        """The chart and its items, made once; later runs only set their data."""
        import pyqtgraph as pg

        chart = pg.GraphicsLayoutWidget()
        chart.setAccessibleName("Wall time and speedup per engine")
        chart.setBackground("w")
        chart.setToolTip(COMPARE_TIP)
        wall = chart.addPlot(row=0, col=0)
        speed = chart.addPlot(row=0, col=1)
        for plot, title in ((wall, "wall time (s)"), (speed, "speedup (x)")):
            plot.setTitle(title, color="#222")
            plot.invertY(True)
            plot.setMouseEnabled(x=False, y=False)
            plot.showGrid(x=True, alpha=0.2)
            plot.hideButtons()
        speed.setYLink(wall)
        speed.hideAxis("left")  # the engines are named once, on the wall time plot
        self.wallBars = pg.BarGraphItem(x0=[], y=[], height=BAR_HEIGHT, width=[], brushes=[])
        self.speedupBars = pg.BarGraphItem(x0=[], y=[], height=BAR_HEIGHT, width=[], brushes=[])
        wall.addItem(self.wallBars)
        speed.addItem(self.speedupBars)
        self.idealMarks = speed.plot(
            [], [], connect="pairs",
            pen=pg.mkPen("#222", width=2, style=Qt.PenStyle.DashLine),
        )  # fmt: skip
        self.wallPlot, self.speedupPlot = wall, speed
        for plot in (wall, speed):
            plot.getViewBox().sigResized.connect(self._retick)
        return chart

    def draw(self) -> None:
        """Bars of the current comparison's finished runs (once the chart is built)."""
        comparison = self.comparison
        if comparison is None or self.chart.widget is None:
            return
        import numpy as np
        import pyqtgraph as pg

        labels = comparison.labels
        ticks = [list(enumerate(labels))]
        for plot in (self.wallPlot, self.speedupPlot):
            plot.getAxis("left").setTicks(ticks)
            plot.setYRange(-0.6, len(labels) - 0.4, padding=0)
        rows = comparison.rows()
        ys = np.arange(len(rows), dtype=float)
        brushes = [pg.mkBrush(COLOURS[bar_kind(row)]) for row in rows]
        walls = np.asarray([row["wall_s"] or 0.0 for row in rows], dtype=float)
        speeds = np.asarray([row["speedup"] or 0.0 for row in rows], dtype=float)
        zeros = np.zeros(len(rows))
        self.wallBars.setOpts(x0=zeros, y=ys, width=walls, height=BAR_HEIGHT, brushes=brushes)
        self.speedupBars.setOpts(x0=zeros, y=ys, width=speeds, height=BAR_HEIGHT, brushes=brushes)
        # the ideal: one dashed vertical mark across each engine's bar
        xs, ys_ideal = [], []
        for i, row in enumerate(rows):
            xs += [row["ideal_speedup"]] * 2
            ys_ideal += [i - BAR_HEIGHT / 2 - 0.1, i + BAR_HEIGHT / 2 + 0.1]
        self.idealMarks.setData(xs, ys_ideal)
        top = max([comparison.ideal, *speeds.tolist()]) * 1.1
        self._x_tops = ((max(walls.tolist(), default=0.0) or 1.0) * 1.1, top)
        self.speedupPlot.setXRange(0, top, padding=0)
        self.wallPlot.setXRange(0, self._x_tops[0], padding=0)
        self._retick()

    def _retick(self, *_: object) -> None:
        """Tick labels as far apart as the font needs (no '0.51.01.5' at big sizes)."""
        if self.wallPlot is None:
            return
        for plot, top in zip((self.wallPlot, self.speedupPlot), self._x_tops, strict=True):
            set_readable_x_ticks(plot, 0.0, top)
            plot.setTitle(plot.titleLabel.text, color="#222", size=f"{self._title_pt():.0f}pt")

    def _title_pt(self) -> float:
        return max(9.0, self.engine_font().pointSizeF())


def bar_kind(row: dict[str, Any]) -> str:
    if not row["ok"]:
        return "failed"
    return "baseline" if row["label"] == BASELINE_MODE else "ok"


def row_cells(label: str, record: dict[str, Any] | None) -> list[str]:
    """The table's texts for one planned run (dashes until it ran)."""
    if record is None:
        return [label, "…", "", "", "waiting", "", ""]
    wall, speedup = record.get("wall_s"), record.get("speedup")
    start = slowest_start_s(record)
    if record.get("ok"):
        result = "ok"
    elif record.get("stop", {}).get("requested"):
        result = "stopped"
    else:
        result = "failed"
    return [
        label,
        "-" if wall is None else f"{wall:.3f}",
        "-" if speedup is None else f"{speedup:.2f}x",
        "-" if start is None else f"{start * 1000:.1f}",
        result,
        "-" if record.get("cores_used") is None else f"{record['cores_used']:.2f}",
        trust_text(record),
    ]


def trust_text(record: dict[str, Any]) -> str:
    """One cell: "reliable", "busy", or the first reason it is not."""
    if record.get("speedup") is None:
        return "-"
    if record.get("speedup_reliable"):
        return "reliable"
    if (record.get("load") or {}).get("busy"):
        return "busy machine"
    note = str(record.get("speedup_note") or "not reliable")
    return note.split(";")[0].split(":")[0][:40]


def unavailable_text(unavailable: dict[str, str]) -> str:
    if not unavailable:
        return "Every engine is available here."
    parts = [f"{get_engine_class(mode).label} ({mode}): {why}" for mode, why in unavailable.items()]
    return "Left out here: " + "; ".join(parts) + "."


def ended_text(comparison: Comparison, completed: bool) -> str:
    rows = comparison.rows()
    if not completed:
        return f"Comparison ended early after {len(rows)} of {comparison.total} runs."
    measured = [r for r in rows if r["label"] != BASELINE_MODE and r["speedup"] is not None]
    if not measured:
        return "Comparison done, but no speedup could be measured (the baseline failed)."
    best = max(measured, key=lambda r: r["speedup"])
    text = (
        f"Comparison done: fastest {best['label']} at {best['speedup']:.2f}x "
        f"(ideal {comparison.ideal}x with {comparison.base.workers} workers on {cores()} "
        "cores). Grey: the baseline; dashed: the ideal."
    )
    warm = warm_start_note(rows)
    if warm:
        text += " " + warm
    note = beyond_ideal(rows)
    if note:
        text += " " + note
    if any(r.get("busy") for r in rows):
        text += " The machine was busy: these speedups are shown, but NOT reliable."
    return text


def install(window: MainWindow) -> None:
    view = CompareView(window)
    window.extensions.add(view)
    window.add_view(view, "Compare engines")
    window.add_action(
        "compareAction", "Compare &engines", [QKeySequence("Ctrl+Shift+E")], COMPARE_TIP,
        lambda *_: view.start_comparison(), menu="Run",
    )  # fmt: skip
