"""Worker rows update their bars without a synchronous repaint per bar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.runner import Run
from concurrency_explorer.gui.worker_rows import WorkersView

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_a_tick_of_progress_paints_the_bars_later(qtbot):
    # QProgressBar.setValue repaints at once: 64 bars made one tick cost 25 ms.
    view = WorkersView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    run = Run(RunConfig.build(mode="thread", workers=4, count=100))  # never started
    view.show_run(run)
    qtbot.wait(50)
    counter = PaintCounter()
    for row in view.rows:
        row.bar.installEventFilter(counter)
    for worker in run.workers:
        worker.remaining = 40
    view.refresh(run)
    assert counter.paints == 0, "no bar repainted inside refresh()"
    assert [row.bar.value() for row in view.rows] == [60] * 4
    qtbot.waitUntil(lambda: counter.paints >= 4)  # the next paint draws them all
