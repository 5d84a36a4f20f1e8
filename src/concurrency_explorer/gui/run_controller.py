"""The bridge between a core ``Run`` and the widgets: a QTimer polls, signals fan out.

Widgets never touch the queue: they listen to ``started``, ``updated`` and
``finished``. The timer drains at most ``DRAIN_PER_TICK`` messages per tick with
the core's if-then-try ``drain``, so a flood of progress never freezes the window.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ..core.config import RunConfig
from ..core.runner import Run

TICK_MS = 30
DRAIN_PER_TICK = 2000


def workload_key(config: RunConfig) -> tuple[Any, ...]:
    """What must match for a sequential run to serve as another run's baseline."""
    return (
        config.counts,
        config.kind,
        config.step_iterations,
        config.step_sleep_s,
        config.step_bytes,
    )


class RunController(QObject):
    """Owns the current run and the poll timer; emits what happened each tick."""

    started = Signal(object)  # the Run
    updated = Signal(object, list)  # the Run, the messages applied this tick
    finished = Signal(dict)  # the run/1 record
    runningChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.run: Run | None = None
        self.stall_after_s: float | None = 5.0
        self.history: list[dict[str, Any]] = []
        self._baselines: dict[tuple[Any, ...], float] = {}
        self.tick_lateness_ms: list[float] = []  # bounded, for the responsiveness readout
        self._last_tick: float | None = None
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    @property
    def is_running(self) -> bool:
        return self.run is not None and not self.run.finished

    def baseline_for(self, config: RunConfig) -> float | None:
        """Wall time of the latest sequential run of the same workload, if any."""
        return self._baselines.get(workload_key(config))

    def start(self, config: RunConfig) -> Run:
        if self.is_running:
            raise RuntimeError("a run is already going; stop it first")
        baseline = None if config.mode == "sequential" else self.baseline_for(config)
        self.run = Run(config, baseline_wall_s=baseline, stall_after_s=self.stall_after_s)
        self.run.start()
        self._last_tick = time.perf_counter()
        self.tick_lateness_ms.clear()
        self.timer.start()
        self.started.emit(self.run)
        self.runningChanged.emit(True)
        return self.run

    def stop(self) -> None:
        """Event first; the tick escalates to SIGTERM and SIGKILL if workers ignore it."""
        if self.is_running and self.run is not None:
            self.run.stop()

    def end_worker(self, worker_id: int) -> None:
        if self.is_running and self.run is not None:
            self.run.end_worker(worker_id)

    def _tick(self) -> None:
        run = self.run
        if run is None:
            self.timer.stop()
            return
        now = time.perf_counter()
        if self._last_tick is not None:
            lateness = (now - self._last_tick) * 1000 - TICK_MS
            self.tick_lateness_ms.append(max(0.0, lateness))
            del self.tick_lateness_ms[:-2000]
        self._last_tick = now
        messages = run.poll(DRAIN_PER_TICK)
        self.updated.emit(run, messages)
        if run.finished:
            self.timer.stop()
            record = run.record()
            if run.config.mode == "sequential" and run.ok and run.wall_s:
                self._baselines[workload_key(run.config)] = run.wall_s
            self.history.append(record)
            self.finished.emit(record)
            self.runningChanged.emit(False)

    def shutdown(self) -> None:
        """Blocking last resort at application exit: nothing may outlive the app."""
        self.timer.stop()
        if self.run is not None and not self.run.finished:
            self.run.close()
