"""One row per worker: id, pid or thread id, a progress bar, state and count left.

Updates are coalesced: at most one ``setValue`` per bar per tick, and only when
the value changed (each call crosses into C++; a flood must not become a flood
of Qt calls).
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QWidget,
)

from ..core.engines import get_engine_class
from ..core.metrics import WorkerState
from ..core.runner import Run

STATE_COLOURS = {  # lanes and chart marks (gui/timeline_view.py)
    "pending": "#7f8c8d",
    "starting": "#8e44ad",
    "running": "#2471a3",
    "stalled": "#d68910",
    "done": "#1e8449",
    "stopped": "#7f8c8d",
    "failed": "#c0392b",
}
# State text: >= 4.5:1 on a light window (first) and on a dark one (second)
STATE_TEXT_COLOURS = {
    "pending": ("#5d6d7e", "#b0b0b0"),
    "waiting": ("#5d6d7e", "#b0b0b0"),
    "starting": ("#8e44ad", "#d7a6ff"),
    "running": ("#2471a3", "#6cb6ff"),
    "stalled": ("#a04000", "#ffb74d"),
    "done": ("#17703b", "#69f0ae"),
    "stopped": ("#5d6d7e", "#b0b0b0"),
    "failed": ("#c0392b", "#ff8a80"),
}


# Repaint scheduling (issue 21): up to FULL_RATE_ROWS rows follow every 30 ms tick; more
# rows are refreshed together every REFRESH_S_PER_ROW * rows seconds (64 rows: ~10 Hz), so
# their repaint cost per second stays that of 8 rows at 30 ms ticks, whatever the count.
FULL_RATE_ROWS = 8
REFRESH_S_PER_ROW = 0.0016


def refresh_interval_s(rows: int) -> float:
    """The shortest time between two refreshes of ``rows`` rows (0: every tick)."""
    return 0.0 if rows <= FULL_RATE_ROWS else REFRESH_S_PER_ROW * rows


def state_colour(state: str) -> str:
    """The state's colour for the current palette (dark window: the light variant)."""
    light, dark = STATE_TEXT_COLOURS.get(state, ("#000000", "#ffffff"))
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    return dark if window.lightnessF() < 0.5 else light


BAR_LINES = 1.5  # a bar's height in lines of its text (normal mode)
STAGE_BAR_LINES = 2.0  # in presentation mode

EMPTY_HINT = (
    "Press Run (Ctrl+R or F5). One bar per worker appears here; bars that move at the "
    "same moment are workers running at the same time."
)
STATE_TIPS = {
    "pending": "Not asked to start yet.",
    "waiting": "Waits for the workers before it: one after another, one at a time.",
    "starting": "Asked to start; its first message has not arrived (start latency).",
    "running": "Counting down and reporting progress.",
    "stalled": "Running, but silent for longer than the watchdog allows.",
    "done": "Counted down to zero.",
    "stopped": "Ended early because you pressed Stop.",
    "failed": "Raised an exception or died; the Results tab shows why.",
}


class WorkerRow:
    """The widgets of one worker (not a QWidget: rows share one grid layout)."""

    def __init__(
        self,
        grid: QGridLayout,
        index: int,
        count: int,
        bar_lines: float = 1.5,
        one_line: bool = False,
    ) -> None:
        self.index = index
        self.grid = grid  # extensions may add widgets in columns 3+ of row ``index``
        self.value_updates = 0  # setValue calls made (the stress test counts them)
        self.one_line = one_line
        # the label's parts: name, where it runs, and that briefer for one line
        self._name, self._where, self._brief = f"worker {index}", "not started", "not started"
        self.label = QLabel(self._label_text())
        self.label.setObjectName(f"workerLabel{index}")
        self.label.setAccessibleName(f"Worker {index}")
        self.bar = QProgressBar()
        self.bar.setObjectName(f"workerProgress{index}")
        self.bar.setAccessibleName(f"Worker {index} progress")
        self.bar.setRange(0, count)
        self.bar.setValue(0)
        self.bar.setFormat("%v / %m")  # for screen readers; the count is drawn beside it
        # Text drawn on the bar straddles the fill (half on the chunk, half on the groove):
        # the count is read from the state label beside the bar instead.
        self.bar.setTextVisible(False)
        self.state = QLabel("pending")
        self.state.setObjectName(f"workerState{index}")
        self.state.setAccessibleName(f"Worker {index} state")
        self.state.setWordWrap(True)  # big fonts wrap the state, never widen the window
        self._widest = f"starting · {count:,} left"  # the longest usual state text
        self.bar_lines = bar_lines
        self.fit_text()
        self.bar.setMinimumWidth(120)
        grid.addWidget(self.label, index, 0)
        grid.addWidget(self.bar, index, 1)
        grid.addWidget(self.state, index, 2)
        self._who: tuple[object, ...] = ()
        self._text = ""
        self._state = ""

    def show_state(
        self, worker: WorkerState, processes: bool, queued: bool = False, where: str | None = None
    ) -> None:
        """Update only what changed: each Qt call here happens up to 64 times a tick.

        ``queued``: workers run one after another, so one not started yet is waiting
        its turn, not starting. ``where``: the Dask worker's address, if it runs on one.
        """
        done = worker.count - worker.remaining
        if self.bar.value() != done:
            # QProgressBar.setValue repaints at once (0.4-0.8 ms, up to 64 bars a tick);
            # with the bar's updates off it only takes the value, and turning them on
            # queues an ordinary repaint of this bar alone, drawn with the next frame.
            self.bar.setUpdatesEnabled(False)
            self.bar.setValue(done)
            self.bar.setUpdatesEnabled(True)
            self.value_updates += 1
        who = (worker.pid, worker.thread_id, where)
        if who != self._who:
            self._who = who
            text = brief = _who_text(worker, processes)
            if where and worker.pid is not None:
                text = f"{where} · pid {worker.pid}"  # issue 10: the Dask worker and its pid
                brief = f"pid {worker.pid}"  # on one line: the address is in the tooltip
            self._name, self._where, self._brief = f"worker {worker.worker_id}", text, brief
            self.label.setText(self._label_text())
            self.label.setToolTip(f"Ran on the Dask worker {where}" if where else "")
        shown = worker.state
        if queued and shown == "starting" and worker.t_started is None:
            shown = "waiting"
        text = f"{shown} · {worker.remaining:,} left"
        if worker.error:
            text = f"{worker.state}: {worker.error['type']} · {worker.remaining:,} left"
        if text != self._text:
            self._text = text
            self.state.setText(text)
        if shown != self._state:
            self._state = shown
            self.recolour()
            tip = STATE_TIPS.get(shown, "")
            if worker.error:
                error = worker.error
                tip = f"{error['type']}: {error['message']}\n\n{error['traceback']}"
            self.state.setToolTip(tip.strip())
            self.bar.setToolTip(tip.strip())

    def _label_text(self) -> str:
        if self.one_line:
            return f"{self._name} · {self._brief}"
        return f"{self._name}\n{self._where}"

    def set_one_line(self, one_line: bool) -> None:
        """The label on one line and the bar ``BAR_LINES`` tall, or two lines again."""
        if one_line != self.one_line:
            self.one_line = one_line
            self.label.setText(self._label_text())
            self.fit_text()

    def fit_text(self) -> None:
        """Room for the usual state text on one line at the current font size."""
        font = QFont(self.state.font())
        font.setBold(True)  # as recolour() draws it
        metrics = QFontMetrics(font)
        self.state.setMinimumWidth(max(150, metrics.horizontalAdvance(self._widest) + 8))
        # a bar as tall as a line and a half of text (presentation mode: two lines; a
        # row of one line: a line and a half again)
        lines = min(self.bar_lines, BAR_LINES) if self.one_line else self.bar_lines
        self.bar.setMinimumHeight(round(metrics.height() * lines))

    def recolour(self) -> None:
        self.fit_text()
        if self._state:
            self.state.setStyleSheet(f"color: {state_colour(self._state)}; font-weight: bold;")


def _who_text(worker: WorkerState, processes: bool) -> str:
    """pid for processes; thread id (and the shared host pid) for threads."""
    if worker.pid is None:
        return "not started"
    if processes:
        return f"pid {worker.pid}"
    return f"tid {worker.thread_id} · pid {worker.pid}"


class WorkersView(QScrollArea):
    """All worker rows of the current run, in a scroll area (up to 64 workers)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workersView")
        self.setAccessibleName("Worker progress")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rows: list[WorkerRow] = []
        self._processes = True  # does the current run's engine make a process per worker?
        self._queued = False  # do the current run's workers run one after another?
        self._retired_updates = 0
        self._refreshed_at = float("-inf")
        self.bar_lines = BAR_LINES  # bar height in lines of text; presentation mode sets it
        self.one_line = False  # rows of one line (the stage beside a chart page)
        self._build([])

    @property
    def value_updates(self) -> int:
        """setValue calls on progress bars since this view was made (all runs)."""
        return self._retired_updates + sum(row.value_updates for row in self.rows)

    def _build(self, counts: list[int]) -> None:
        self._retired_updates += sum(row.value_updates for row in self.rows)
        inner = QWidget()
        inner.setObjectName("workerRows")
        grid = QGridLayout(inner)
        grid.setColumnStretch(1, 1)
        self.grid = grid
        self.rows = [
            WorkerRow(grid, i, count, self.bar_lines, self.one_line)
            for i, count in enumerate(counts)
        ]
        if not counts:
            hint = QLabel(EMPTY_HINT)
            hint.setObjectName("workersHint")
            hint.setWordWrap(True)
            hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
            hint.setStyleSheet("color: #7f8c8d;")
            grid.addWidget(hint, 0, 0, 1, 3)
        grid.setRowStretch(len(counts) or 1, 1)
        self.setWidget(inner)

    def show_run(self, run: Run) -> None:
        """New rows for a new run."""
        self._processes = run.engine.uses_start_method
        self._queued = get_engine_class(run.config.mode).is_baseline  # one after another
        self._build([w.count for w in run.workers])
        self._refreshed_at = float("-inf")
        self.refresh(run)

    def refresh(self, run: Run) -> None:
        """Show the run's state; with many rows at most every ``refresh_interval_s``."""
        now = time.perf_counter()
        if now - self._refreshed_at < refresh_interval_s(len(self.rows)) and not run.finished:
            return  # the next tick after the interval shows it: nothing is lost, only batched
        self._refreshed_at = now
        where = run.engine.worker_places()
        for row, worker in zip(self.rows, run.workers, strict=False):
            row.show_state(worker, self._processes, self._queued, where.get(worker.worker_id))

    def clear(self) -> None:
        self._build([])

    def set_one_line(self, one_line: bool) -> bool:
        """Rows of one line each (the label on one line, bars ``BAR_LINES`` tall), or of
        two lines again; True if that changed them. The stage asks for them beside a
        chart page: two-line rows left 3 of 4 above Compare engines at 1280x720."""
        if one_line == self.one_line:
            return False
        self.one_line = one_line
        for row in self.rows:
            row.set_one_line(one_line)
        return True

    def recolour(self) -> None:
        """The looks changed: state colours that read on the new background, and
        state columns as wide as their text at the new size."""
        for row in self.rows:
            row.bar_lines = self.bar_lines
            row.recolour()
