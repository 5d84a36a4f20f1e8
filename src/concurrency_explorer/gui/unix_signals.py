"""SIGTERM and SIGINT close the window the way Quit does.

A logout, ``kill PID`` or Ctrl+C in the terminal that started the app used to end
the process on the spot: the workers died with it (their death signal), but the
run was never stopped, its record never finished and the resource tracker
complained about leaked semaphores. Now the signal closes the window: a running
run gets Stop, its workers are reaped, settings are written, the app exits 0.
A second signal while that is under way quits at once.

Python runs a signal handler only between bytecodes, and the Qt event loop may be
waiting in C for a long time, so the C-level handler's wakeup byte is written to a
socket that a ``QSocketNotifier`` watches (``signal.set_wakeup_fd``).
"""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication, QWidget

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class SignalBridge(QObject):
    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__(app)
        self.setObjectName("signalBridge")
        self.window = window
        self.received: list[int] = []
        self._read, self._write = socket.socketpair()
        for end in (self._read, self._write):
            end.setblocking(False)
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_wakeup)
        signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        for number in SIGNALS:
            signal.signal(number, self._note)
        app.aboutToQuit.connect(self.restore)

    def _note(self, number: int, _frame: object) -> None:
        self.received.append(number)

    def _on_wakeup(self) -> None:
        try:
            self._read.recv(64)
        except BlockingIOError:
            return
        if len(self.received) > 1:
            QApplication.quit()  # asked twice: do not wait for the run to stop
        elif self.received:
            self.window.close()  # as Quit: Stop, reap, save, then the app exits

    def restore(self) -> None:
        """Default handlers again: a signal during the last clean-up ends the app."""
        signal.set_wakeup_fd(-1)
        for number in SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        self._notifier.setEnabled(False)


def install(app: QApplication, window: QWidget) -> SignalBridge:
    return SignalBridge(app, window)
