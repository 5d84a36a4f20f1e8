"""Start-up measurement: quit right after the window's first paint.

With ``CONCURRENCY_EXPLORER_EXIT_AFTER_FIRST_PAINT=1`` the app prints one line,
``first-paint <seconds>``, as soon as the main window has painted its first frame,
and quits. ``benchmarks/startup.py`` starts the app (from source, or the frozen
onedir/onefile build) with it and times the whole way from exec to that line.
The seconds printed are counted from this process's creation (10 ms resolution);
for the onefile build the unpacking parent process comes before that.

With ``CONCURRENCY_EXPLORER_STARTUP_IDLE_S=<seconds>`` as well, the app then idles
that long and prints a second line, ``idle-rss <bytes>`` (its resident memory),
before it quits: the benchmarks' idle-memory figure.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

ENV = "CONCURRENCY_EXPLORER_EXIT_AFTER_FIRST_PAINT"
IDLE_ENV = "CONCURRENCY_EXPLORER_STARTUP_IDLE_S"


def seconds_since_process_start() -> float:
    import psutil

    return time.time() - psutil.Process().create_time()


class _FirstPaint(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            QTimer.singleShot(0, self._report)  # after this paint is flushed to the screen
        return False

    def _report(self) -> None:
        print(f"first-paint {seconds_since_process_start():.3f}", flush=True)
        sys.stdout.flush()
        try:
            idle_s = float(os.environ.get(IDLE_ENV, ""))
        except ValueError:
            idle_s = 0.0
        if idle_s > 0:
            QTimer.singleShot(int(idle_s * 1000), self._report_idle)
        else:
            QApplication.quit()

    def _report_idle(self) -> None:
        import psutil

        print(f"idle-rss {psutil.Process().memory_info().rss}", flush=True)
        QApplication.quit()


def install(window: QWidget) -> bool:
    """Arm the probe on ``window`` when the environment asks for it."""
    if os.environ.get(ENV) != "1":
        return False
    window.installEventFilter(_FirstPaint(window))
    return True
