"""The results of the latest run, in plain words and numbers (text from core.summary)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from ..core import summary


def record_html(record: dict[str, Any]) -> str:
    """Headline, per-worker table and any tracebacks, as simple HTML."""
    rows = []
    for w in record["workers"]:
        latency = w.get("start_latency_s")
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(cell))}</td>"
                for cell in (
                    w["id"],
                    w["pid"] or "-",
                    w["thread_id"] or "-",
                    w["count"],
                    w["final_remaining"],
                    "-" if w["wall_s"] is None else f"{w['wall_s']:.3f}",
                    "-" if w["cpu_s"] is None else f"{w['cpu_s']:.3f}",
                    "-" if latency is None else f"{latency * 1000:.1f}",
                    w["dropped"],
                    w.get("state", ""),
                )
            )
            + "</tr>"
        )
    header = "".join(
        f"<th>{h}</th>"
        for h in ("id", "pid", "thread", "count", "left", "wall s", "cpu s", "start ms",
                  "dropped", "state")
    )  # fmt: skip
    failures = summary.failures(record)
    parts = [
        f"<p><b>{html.escape(summary.headline(record))}</b></p>",
        f"<table cellspacing='0' cellpadding='3' border='1'><tr>{header}</tr>{''.join(rows)}"
        "</table>",
    ]
    if failures:
        parts.append(f"<pre style='color:#c0392b'>{html.escape(failures)}</pre>")
    return "".join(parts)


class ResultsView(QTextBrowser):
    """Read-only results; its plain text always includes the wall time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultsView")
        self.setAccessibleName("Results")
        self.setPlaceholderText("Press Run (Ctrl+R) to start the workers; results appear here.")

    def show_record(self, record: dict[str, Any]) -> None:
        self.setHtml(record_html(record))
