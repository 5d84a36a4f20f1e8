"""Every run of the session, and two of them side by side.

The list is ``RunController.history`` (the run/1 records, in order). Pick one run
on the left and one on the right to compare their configuration, wall time,
speedup and per-worker numbers: the quickest way to see threads against
processes, or fork against spawn, on the same work.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.engines import is_baseline_mode

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow


def run_title(index: int, record: dict[str, Any]) -> str:
    """One line per run: number, mode (method), workers x count, kind, wall, speedup."""
    config = record["config"]
    mode = config["mode"]
    if config.get("start_method"):
        mode += f" ({config['start_method']})"
    counts = config["counts"]
    count = f"{counts[0]:,}" if len(set(counts)) == 1 else ",".join(map(str, counts))
    wall = record.get("wall_s")
    speed = record.get("speedup")
    return (
        f"#{index + 1} {mode}: {config['workers']} x {count} {config['kind']}"
        + ("" if wall is None else f" · {wall:.2f} s")
        + ("" if not speed or is_baseline_mode(config["mode"]) else f" · {speed:.2f}x")
        + ("" if speed is None or record.get("speedup_reliable", True) else "?")
        + (" · busy machine" if (record.get("load") or {}).get("busy") else "")
        + ("" if record.get("ok") else " · not ok")
    )


def trust_cell(record: dict[str, Any]) -> str:
    """ "yes", or "no: why" (records older than issue 15 say "-")."""
    if "speedup_reliable" not in record:
        return "-"
    return "yes" if record["speedup_reliable"] else f"no: {record.get('speedup_note', '')}"


def load_cell(record: dict[str, Any]) -> str:
    """The cores other programs used during the run, and "busy" when they mattered."""
    load = record.get("load")
    if not load:
        return "-"
    busy = " (busy)" if load.get("busy") else ""
    return f"{load.get('others_cores', 0.0):.1f} of {load.get('cores', '?')} cores{busy}"


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def record_column(index: int, record: dict[str, Any]) -> str:
    """One run as HTML: config, totals, per-worker table."""
    config = record["config"]
    queue = record.get("queue", {})
    rows = [
        ("mode", config["mode"]),
        ("start method", config.get("start_method") or "-"),
        ("workers", config["workers"]),
        ("counts", ", ".join(map(str, config["counts"][:8])) + (" …" if config["workers"] > 8
                                                                else "")),
        ("kind", config["kind"]),
        ("wall s", _fmt(record.get("wall_s"))),
        ("speedup", f"{_fmt(record.get('speedup'), 2)} ({record.get('speedup_basis', '-')})"),
        ("reliable", trust_cell(record)),
        ("cores used", _fmt(record.get("cores_used"), 2)),
        ("others used", load_cell(record)),
        ("messages", queue.get("messages", "-")),
        ("dropped", queue.get("dropped", "-")),
        ("ok", record.get("ok")),
    ]  # fmt: skip
    head = "".join(
        f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in rows
    )
    cells = ("id", "state", "wall s", "cpu s", "start ms")
    worker_rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(c)}</td>"
            for c in (
                str(w["id"]),
                str(w.get("state", "")),
                _fmt(w.get("wall_s")),
                _fmt(w.get("cpu_s")),
                "-" if w.get("start_latency_s") is None else f"{w['start_latency_s'] * 1000:.1f}",
            )
        )
        + "</tr>"
        for w in record["workers"]
    )
    return (
        f"<h3>{html.escape(run_title(index, record))}</h3>"
        f"<table cellpadding='2'>{head}</table><br>"
        "<table border='1' cellspacing='0' cellpadding='2'><tr>"
        + "".join(f"<th>{c}</th>" for c in cells)
        + f"</tr>{worker_rows}</table>"
    )


def comparison_html(history: list[dict[str, Any]], left: int, right: int) -> str:
    """Two runs side by side, with the wall-time ratio in one sentence on top."""
    a, b = history[left], history[right]
    ratio = ""
    if a.get("wall_s") and b.get("wall_s"):
        r = a["wall_s"] / b["wall_s"]
        faster = "faster" if r >= 1 else "slower"
        ratio = (
            f"<p><b>#{right + 1} took {b['wall_s']:.2f} s against {a['wall_s']:.2f} s: "
            f"{max(r, 1 / r):.2f}x {faster} than #{left + 1}.</b></p>"
        )
    return (
        f"{ratio}<table width='100%'><tr><td valign='top' width='50%'>"
        f"{record_column(left, a)}</td><td valign='top'>{record_column(right, b)}</td></tr>"
        "</table>"
    )


class HistoryView(QWidget):
    """The session's runs in a list; two combos pick the pair shown side by side."""

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.setAccessibleName("Run history")
        self.controller = controller
        self.historyList = QListWidget()
        self.historyList.setObjectName("historyList")
        self.historyList.setAccessibleName("Runs of this session")
        self.historyList.setToolTip(
            "Every run of this session. Pick two below to compare them side by side."
        )
        self.leftCombo = self._combo("historyLeftCombo", "First run to compare")
        self.rightCombo = self._combo("historyRightCombo", "Second run to compare")
        self.compareView = QTextBrowser()
        self.compareView.setObjectName("historyCompare")
        self.compareView.setAccessibleName("Comparison of two runs")
        self.compareView.setPlaceholderText("Run twice (e.g. threads, then processes) to compare.")
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Compare"))
        pick.addWidget(self.leftCombo, 1)
        pick.addWidget(QLabel("with"))
        pick.addWidget(self.rightCombo, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(pick)
        right_layout.addWidget(self.compareView, 1)
        splitter = QSplitter()
        splitter.addWidget(self.historyList)
        splitter.addWidget(right)
        splitter.setSizes([260, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(splitter)
        self.leftCombo.currentIndexChanged.connect(self.compare)
        self.rightCombo.currentIndexChanged.connect(self.compare)
        self.historyList.currentRowChanged.connect(self._pick_from_list)
        controller.finished.connect(lambda _record: self.refresh())

    def _combo(self, name: str, accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setToolTip(accessible)
        # a run's title is long: as wide as it, the combo made the window wider than the screen
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        return combo

    def refresh(self) -> None:
        """Add the runs the list does not show yet; select the latest two."""
        history = self.controller.history
        for index in range(self.historyList.count(), len(history)):
            title = run_title(index, history[index])
            self.historyList.addItem(title)
            for combo in (self.leftCombo, self.rightCombo):
                combo.blockSignals(True)
                combo.addItem(title, index)
                combo.blockSignals(False)
        n = len(history)
        if n:
            self.leftCombo.blockSignals(True)
            self.leftCombo.setCurrentIndex(max(0, n - 2))
            self.leftCombo.blockSignals(False)
            self.rightCombo.setCurrentIndex(n - 1)
            self.compare()

    def _pick_from_list(self, row: int) -> None:
        if row >= 0:
            self.rightCombo.setCurrentIndex(row)

    def compare(self) -> None:
        left, right = self.leftCombo.currentIndex(), self.rightCombo.currentIndex()
        history = self.controller.history
        if not (0 <= left < len(history) and 0 <= right < len(history)):
            return
        self.compareView.setHtml(comparison_html(history, left, right))


def install(window: MainWindow) -> None:
    view = HistoryView(window.controller)
    window.extensions.add(view)
    window.add_view(view, "History")
