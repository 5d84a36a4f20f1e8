"""The bare-PySide6 baseline for start-up: a QMainWindow with a label, nothing else.

Run as ``python -m benchmarks.bare_window`` with the same environment variables as
the app's start-up probe (``concurrency_explorer/gui/startup_probe.py``); prints the
same ``first-paint`` and ``idle-rss`` lines, the same way, without importing the app.
"""

import os
import sys
import time

ENV = "CONCURRENCY_EXPLORER_EXIT_AFTER_FIRST_PAINT"
IDLE_ENV = "CONCURRENCY_EXPLORER_STARTUP_IDLE_S"


def main() -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.setCentralWidget(QLabel("bare PySide6 window"))
    idle_s = float(os.environ.get(IDLE_ENV) or 0)

    def report_idle() -> None:
        import psutil

        print(f"idle-rss {psutil.Process().memory_info().rss}", flush=True)
        app.quit()

    def report() -> None:
        import psutil

        print(f"first-paint {time.time() - psutil.Process().create_time():.3f}", flush=True)
        if idle_s > 0:
            QTimer.singleShot(int(idle_s * 1000), report_idle)
        else:
            app.quit()

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                QTimer.singleShot(0, report)  # after this paint is flushed
            return False

    if os.environ.get(ENV) == "1":
        window.installEventFilter(FirstPaint(window))
    window.resize(1000, 700)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
