"""Runs one core scenario off the GUI thread and reports back through Qt signals.

A plain Python thread (not a QThread: the core's code uses ``threading`` and the
test suite tracks Python threads by name). Every process a scenario starts is
started by the core's launcher thread, so ``PR_SET_PDEATHSIG`` still holds.
Signals emitted from this thread reach the widgets as queued calls.
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, Signal

from ..core.scenarios import Context, Scenario, ScenarioCancelled
from ..core.scenarios.base import RunHook


class ScenarioRunner(QObject):
    progress = Signal(str)
    finished = Signal(object)  # a ScenarioResult
    failed = Signal(str)  # one line; the traceback goes to stderr
    runningChanged = Signal(bool)
    _done = Signal(object, str)  # (result or None, error message)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self.scenario: Scenario | None = None
        self.run_hook: RunHook | None = None  # the window's: runs play on its main bars
        # One queued hop from the worker thread; everything after it is direct, in
        # order: ``finished``/``failed`` reach every slot before ``runningChanged``.
        self._done.connect(self._complete)

    @property
    def is_running(self) -> bool:
        return self._thread is not None

    def start(self, scenario: Scenario) -> bool:
        if self.is_running:
            return False
        self.scenario = scenario
        self._cancel = threading.Event()
        context = Context(progress=self.progress.emit, cancel=self._cancel, run_hook=self.run_hook)
        self._thread = threading.Thread(
            target=self._work, args=(scenario, context), name=f"scenario-{scenario.id}", daemon=True
        )
        self._thread.start()
        self.runningChanged.emit(True)
        return True

    def cancel(self) -> None:
        """Ask the scenario to stop at its next check (runs get Stop, children SIGKILL)."""
        self._cancel.set()

    def _work(self, scenario: Scenario, context: Context) -> None:
        try:
            result = scenario.run(context)
        except ScenarioCancelled:
            self._done.emit(None, "stopped before the end: no verdict")
        except Exception as exc:  # shown in the window; the app keeps working
            traceback.print_exc()
            self._done.emit(None, f"{type(exc).__name__}: {exc}")
        else:
            self._done.emit(result, "")

    def _complete(self, result: object, error: str) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(2.0)  # it has emitted its last signal: ends at once
        if result is not None:
            self.finished.emit(result)
        else:
            self.failed.emit(error)
        self.runningChanged.emit(False)

    def wait(self, timeout: float = 30.0) -> None:
        """Blocking, for application exit only: cancel and let the thread end."""
        thread = self._thread
        if thread is not None:
            self._cancel.set()
            thread.join(timeout)
