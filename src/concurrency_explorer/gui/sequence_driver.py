"""Drive a core ``RunSequence`` through the RunController: one run per ``finished``.

No loop in the GUI thread: each run is started by the event loop (a zero-delay
single-shot timer after the previous run's ``finished``), so the window keeps
ticking, bars move, and Stop (Esc) ends the whole sequence.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..core.runner import Run
from ..core.sequence import RunSequence


class SequenceDriver(QObject):
    """Runs a sequence's configs one after another; emits each record and the end."""

    progressed = Signal(dict)  # the record of one run of the sequence
    ended = Signal(bool)  # True: completed; False: stopped, failed to start, or interrupted

    def __init__(self, controller: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.sequence: RunSequence | None = None
        self._run: Run | None = None
        controller.finished.connect(self._on_finished)

    @property
    def active(self) -> bool:
        return self.sequence is not None

    def start(self, sequence: RunSequence) -> bool:
        """Begin; False if a run is already going (nothing is started then)."""
        if self.active or self.controller.is_running:
            return False
        self.sequence = sequence
        self._next()
        return True

    def cancel(self) -> None:
        if self.sequence is not None:
            self.sequence.cancel()
            self.controller.stop()

    def _next(self) -> None:
        sequence = self.sequence
        if sequence is None:
            return
        config = sequence.next_config()
        if config is None or self.controller.is_running:
            # done, or someone else started a run in between: this sequence ends here
            self._end(config is None and not sequence.cancelled)
            return
        # a sequence that measured its own baseline (compare) says which; never a cached one
        self._run = self.controller.start(config, baseline_wall_s=sequence.next_baseline_wall_s())

    def _on_finished(self, record: dict[str, Any]) -> None:
        if self.sequence is None or self.controller.run is not self._run:
            return
        self._run = None
        self.sequence.add_record(record)
        self.progressed.emit(record)
        QTimer.singleShot(0, self._next)

    def _end(self, completed: bool) -> None:
        self.sequence = None
        self._run = None
        self.ended.emit(completed)
