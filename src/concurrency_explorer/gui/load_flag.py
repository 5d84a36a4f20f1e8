"""The busy flag: one label, the same words in Compare, Sweep and Start-up cost.

It reads the ``load`` key of the runs' records (measured by ``core/load.py``) and says,
in red, when other programs used a noticeable share of the cores while they ran, so a
figure that could not show its lesson is never shown as if it did.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QWidget

from ..core.load import BUSY_OTHERS_CORES, load_over_runs
from .capped_label import CappedLabel

BUSY_STYLE = "color: #b03a2e; font-weight: bold;"
TIP = (
    "While each run (and its baseline) ran, the app measured how much CPU the rest of the "
    "machine used: all CPU time minus this app's own processes and threads. From "
    f"{BUSY_OTHERS_CORES} of a core on, other programs can slow any one worker by a quarter, "
    "more than a speedup's noise margin: the machine counts as busy and speedups are "
    "shown but marked not reliable."
)


def load_flag_text(loads: Iterable[dict[str, Any] | None], what: str = "these runs") -> str:
    """``"Busy machine: other programs used up to 1.6 of 2 cores during 3 of 3 of these
    runs…"`` (the words are ``core.load.load_over_runs``'s, as in the CLI)."""
    words = load_over_runs(loads, f"of {what}")
    if words is None:
        return ""
    if words.busy:
        return (
            f"Busy machine: {words.text}. The figures are shown, but marked not "
            "reliable: they may show the other programs, not the engines."
        )
    return f"Quiet machine: {words.text}."


class LoadFlag(CappedLabel):
    """Empty until runs finished; then the machine's load over them, red when busy
    (one line beside a chart on stage; the whole text in its tooltip)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__("", parent, compact_lines=1)
        self.setObjectName(name)
        self.setAccessibleName("Machine load during these runs")
        self.setToolTip(TIP)
        self.busy = False
        self.hide()

    def show_loads(self, records: Iterable[dict[str, Any]], what: str = "these runs") -> None:
        loads = [r.get("load") for r in records]
        text = load_flag_text(loads, what)
        self.busy = text.startswith("Busy")
        self.setStyleSheet(BUSY_STYLE if self.busy else "")
        self.setText(text)
        self.setVisible(bool(text))

    def clear_flag(self) -> None:
        self.busy = False
        self.setText("")
        self.hide()
