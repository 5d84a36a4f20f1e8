"""Per worker row: a one-click End button and a stalled marker; after a run, what
Stop had to do (issue 8, promise 2).

The watchdog (``RunController.stall_after_s``) marks a worker silent that long
``stalled`` and ends it (SIGTERM, then SIGKILL): it counts as failed, and its row
says so. Before that, a running worker's row offers End: SIGTERM to its process,
SIGKILL 0.6 s later if it ignores that (``Run.end_worker``). Threads share one
host process, so End on a thread ends the host and every thread in it (the
tooltip says so).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QToolButton

from ..core.runner import Run
from ..resources import teaching_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

END_COLUMN, MARK_COLUMN = 3, 4
ENDABLE = ("running", "stalled")
ESCALATION_TEXT = {
    "event": "Stop: the shared Event was enough; every worker ended by itself.",
    "terminate": "Stop: some workers ignored the Event; they got SIGTERM.",
    "kill": "Stop: some workers ignored the Event and SIGTERM; they got SIGKILL.",
}
END_TIP_PROCESS = teaching_text("end-worker-process")
END_TIP_HOST = teaching_text("end-worker-host")
# {limit_s}: the limit this run's watchdog used; {minimum_s}: the least it may be
STALLED_TIP = teaching_text("watchdog-stalled")


class WorkerEndControls:
    """Adds End buttons and stalled markers to the window's worker rows."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.buttons: list[QToolButton] = []
        self.marks: list[QLabel] = []
        controller = window.controller
        controller.started.connect(self.on_started)
        controller.updated.connect(self.on_updated)
        controller.finished.connect(self.on_finished)

    def on_started(self, run: Run) -> None:
        self.buttons, self.marks = [], []
        host = not run.engine.uses_start_method
        for row in self.window.workersView.rows:
            button = QToolButton()
            button.setText("End")
            button.setObjectName(f"workerEnd{row.index}")
            button.setAccessibleName(f"End worker {row.index}")
            button.setToolTip(END_TIP_HOST if host else END_TIP_PROCESS)
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, i=row.index: self.end(i))
            mark = QLabel("")
            mark.setObjectName(f"workerStalled{row.index}")
            mark.setAccessibleName(f"Worker {row.index} stalled marker")
            row.grid.addWidget(button, row.index, END_COLUMN)
            row.grid.addWidget(mark, row.index, MARK_COLUMN)
            self.buttons.append(button)
            self.marks.append(mark)
        self.on_updated(run, [])

    def end(self, worker_id: int) -> None:
        self.window.controller.end_worker(worker_id)
        run = self.window.controller.run
        if run is not None:
            self.on_updated(run, [])

    def on_updated(self, run: Run, messages: list[Any]) -> None:
        for worker, button, mark in zip(run.workers, self.buttons, self.marks, strict=False):
            by_watchdog = run.watchdog_ended.get(worker.worker_id)
            ended = run.ended_workers.get(worker.worker_id) or by_watchdog
            enabled = worker.state in ENDABLE and ended is None and not run.finished
            if button.isEnabled() != enabled:
                button.setEnabled(enabled)
            how = "SIGKILL" if ended == "kill" else "SIGTERM"
            text = ""
            if by_watchdog:
                text = f"ended by the watchdog ({how}): failed"
            elif ended:
                text = f"ended ({how})"
            if worker.stalled:
                silence = f"stalled, silent {worker.stalled_s:.1f} s"
                text = f"{silence}; {text}" if text else silence
            if mark.text() != text:
                mark.setText(text)
                mark.setToolTip(stalled_tip(run) if worker.stalled else "")

    def on_finished(self, record: dict[str, Any]) -> None:
        stop = record.get("stop", {})
        texts = []
        if stop.get("requested"):
            texts.append(ESCALATION_TEXT.get(stop.get("escalation", ""), ""))
        watchdog = record.get("watchdog") or {}
        ended = sorted(int(k) for k in watchdog.get("ended_workers") or {})
        if ended:
            names = ", ".join(str(i) for i in ended)
            texts.append(
                f"The watchdog ended worker{'s' if len(ended) > 1 else ''} {names} "
                f"(silent over {watchdog.get('stall_after_s')} s): failed."
            )
        text = " ".join(t for t in texts if t)
        if text:
            label = self.window.statusLabel
            label.setText(f"{label.text()} {text}".strip())


def stalled_tip(run: Run) -> str:
    """Why the watchdog ended a worker, with the limits this run used."""
    return STALLED_TIP.format(limit_s=run.stall_limit_s() or 0, minimum_s=run.stall_after_s)


def install(window: MainWindow) -> None:
    window.extensions.add(WorkerEndControls(window))
