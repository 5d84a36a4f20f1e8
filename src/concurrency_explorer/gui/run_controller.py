"""The bridge between a core ``Run`` and the widgets: a QTimer polls, signals fan out.

Widgets never touch the queue: they listen to ``started``, ``updated`` and
``finished``. The timer drains at most ``DRAIN_PER_TICK`` messages per tick with
the core's if-then-try ``drain``, so a flood of progress never freezes the window.
Within that hard cap each tick's drain ends at a deadline (``DRAIN_BUDGET_S``,
checked after every message, and a cap adapted to the measured cost): reading one
message costs 30-100 us (a lock, a pipe read, unpickling), so 2000 of them would
take a whole 30 ms tick or more, and far longer beside 64 busy processes. What is
not read waits in the bounded queue; when that is full, workers drop (and count)
progress, which is exactly what the queue-size setting is there to show.

Speedup honesty: a speedup is ``measured`` only against a timed one-after-another
run of the same workload. ``start(config, measure_baseline=True)`` drives the core's
``MeasuredRun`` (core/measured.py, the same pair ``run --baseline`` runs): the
sequential baseline first (a real run, shown like any other, ``phase ==
"baseline"``), then the chosen run, judged against it. The baseline is kept per
workload (``sequence.workload_key``), so a second press starts the run straight
away, but never silently: the record says ``baseline.reused`` with its age and the
load it was measured under, the Results offer to re-measure
(``start(..., remeasure=True)``), and an old one makes the speedup unreliable.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from ..core.config import RunConfig
from ..core.engines import is_baseline_mode
from ..core.measured import KeptBaseline, MeasuredRun, against_kept
from ..core.runner import Run
from ..core.sequence import baseline_config, workload_key

TICK_MS = 30
DRAIN_PER_TICK = 2000  # hard cap of messages read per tick
DRAIN_BUDGET_S = 0.010  # aim: reading the queue takes at most this much of a tick
MIN_DRAIN = 50  # the adapted cap never goes below this (the time budget still applies)
LATENESS_KEEP = 2000  # ticks kept for the responsiveness readout (about a minute)

IDLE, BASELINE, MAIN = "idle", "baseline", "run"


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[rank]


class RunController(QObject):
    """Owns the current run and the poll timer; emits what happened each tick.

    With a measured baseline, one press of Run makes two runs: ``started`` /
    ``updated`` / ``finished`` fire for each (read ``phase`` to tell them apart),
    while ``runningChanged`` fires once at the very start and once at the very end.
    """

    started = Signal(object)  # the Run
    updated = Signal(object, list)  # the Run, the messages applied this tick
    finished = Signal(dict)  # the run/1 record
    runningChanged = Signal(bool)
    phaseChanged = Signal(str)  # "baseline", "run" or "idle"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.run: Run | None = None
        self.phase = IDLE
        self.stall_after_s: float | None = 5.0
        self.history: list[dict[str, Any]] = []
        self._baselines: dict[tuple[Any, ...], KeptBaseline] = {}
        self._pending: RunConfig | None = None  # the chosen run, waiting for its baseline
        self._measured: MeasuredRun | None = None  # the pair being measured now
        self._kept: KeptBaseline | None = None  # the kept baseline the current run uses
        self.tick_lateness_ms: list[float] = []  # bounded, for the responsiveness readout
        self.ticks = 0
        self.drain_cap = DRAIN_PER_TICK // 4  # adapted each tick to DRAIN_BUDGET_S
        self.last_stop_s: float | None = None  # Stop pressed -> every worker gone
        self._last_tick: float | None = None
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    @property
    def is_running(self) -> bool:
        return self._pending is not None or (self.run is not None and not self.run.finished)

    def kept_baseline(self, config: RunConfig) -> KeptBaseline | None:
        """The latest one-after-another run of the same workload, if one was kept."""
        return self._baselines.get(workload_key(config))

    def baseline_for(self, config: RunConfig) -> float | None:
        """Wall time of the kept baseline of the same workload, if any."""
        kept = self.kept_baseline(config)
        return None if kept is None else kept.wall_s

    def needs_baseline(self, config: RunConfig) -> bool:
        return not is_baseline_mode(config.mode) and self.kept_baseline(config) is None

    def forget_baselines(self) -> None:
        self._baselines.clear()

    def start(
        self,
        config: RunConfig,
        *,
        measure_baseline: bool = False,
        remeasure: bool = False,
        baseline_wall_s: float | None = None,
    ) -> Run:
        """Start ``config``. With ``measure_baseline``: against the kept baseline of the
        same workload (said so in the record), or, without one or with ``remeasure``,
        after timing it one after another first. ``baseline_wall_s``: a baseline a
        sequence measured (compare), used as given."""
        if self.is_running:
            raise RuntimeError("a run is already going; stop it first")
        self.tick_lateness_ms.clear()
        self.ticks = 0
        self.last_stop_s = None
        self._measured, self._kept = None, None
        if measure_baseline and not is_baseline_mode(config.mode):
            kept = None if remeasure else self.kept_baseline(config)
            if kept is None:
                self._measured = MeasuredRun(config, 1)
                self._pending = config
                run = self._begin(baseline_config(config), BASELINE)
            else:
                self._kept = kept
                run = self._begin(config, MAIN, kept.wall_s)
        else:
            run = self._begin(config, MAIN, baseline_wall_s)
        self.runningChanged.emit(True)
        return run

    def _begin(self, config: RunConfig, phase: str, baseline_wall_s: float | None = None) -> Run:
        baseline = None if is_baseline_mode(config.mode) else baseline_wall_s
        self.run = Run(config, baseline_wall_s=baseline, stall_after_s=self.stall_after_s)
        self.phase = phase
        self.run.start()
        self._last_tick = time.perf_counter()
        self.timer.start()
        self.phaseChanged.emit(phase)
        self.started.emit(self.run)
        return self.run

    def stop(self) -> None:
        """Event first; the tick escalates to SIGTERM and SIGKILL if workers ignore it."""
        self._pending = None  # a stopped baseline means: no chosen run either
        if self.run is not None and not self.run.finished:
            self.run.stop()

    def end_worker(self, worker_id: int) -> None:
        if self.is_running and self.run is not None:
            self.run.end_worker(worker_id)

    def lateness_summary(self) -> dict[str, float]:
        """How late the poll timer fired during the latest run, in ms."""
        values = self.tick_lateness_ms
        return {
            "ticks": float(len(values)),
            "last": values[-1] if values else 0.0,
            "p50": percentile(values, 0.50),
            "p99": percentile(values, 0.99),
            "max": max(values, default=0.0),
        }

    def _tick(self) -> None:
        run = self.run
        if run is None:
            self.timer.stop()
            return
        now = time.perf_counter()
        if self._last_tick is not None:
            lateness = (now - self._last_tick) * 1000 - TICK_MS
            self.tick_lateness_ms.append(max(0.0, lateness))
            del self.tick_lateness_ms[:-LATENESS_KEEP]
        self._last_tick = now
        self.ticks += 1
        # Not less for many workers: read slower than 64 workers fill it, the queue stays
        # full and their blocking Started/Done puts wait for slots the running workers'
        # progress takes first (tried: 1.25 ms a tick left 40 workers "starting" for 20 s).
        messages = run.poll(self.drain_cap, now + DRAIN_BUDGET_S)
        self._adapt_drain_cap(len(messages), time.perf_counter() - now)
        self.updated.emit(run, messages)
        if run.finished:
            self._on_run_finished(run)

    def _adapt_drain_cap(self, drained: int, seconds: float) -> None:
        """Fit the next tick's cap to what one message cost to read this tick."""
        if drained < max(MIN_DRAIN, self.drain_cap // 2) or seconds <= 0:
            return  # too few to measure, and the cap was not what limited this tick
        affordable = int(DRAIN_BUDGET_S * drained / seconds)
        # Move halfway each tick: one slow tick (a GC pause) must not halve the flow.
        target = (self.drain_cap + affordable) // 2
        self.drain_cap = max(MIN_DRAIN, min(DRAIN_PER_TICK, target))

    def _on_run_finished(self, run: Run) -> None:
        self.timer.stop()
        if run.stop_requested_at is not None:
            self.last_stop_s = time.perf_counter() - run.stop_requested_at
        record = self._judged(run.record())
        kept = KeptBaseline.from_record(record)
        if kept is not None:
            self._baselines[workload_key(run.config)] = kept
        self.history.append(record)
        if not run.ok:
            self._pending = None  # a baseline that failed measures nothing
        self.finished.emit(record)  # listeners may still call stop(), which drops _pending
        pending, self._pending = self._pending, None
        if pending is not None and self._measured is not None:
            self._begin(pending, MAIN, self._measured.next_baseline_wall_s())
            return
        self._measured, self._kept = None, None
        self.phase = IDLE
        self.phaseChanged.emit(IDLE)
        self.runningChanged.emit(False)

    def _judged(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record as the core's measured pair (or a kept baseline) judges it."""
        if self._measured is not None and not self._measured.done:
            self._measured.add_record(record)
            if self.phase == MAIN:
                return self._measured.result() or record
        elif self._kept is not None and self.phase == MAIN:
            return against_kept(record, self._kept)
        return record

    def shutdown(self) -> None:
        """Blocking last resort at application exit: nothing may outlive the app."""
        self._pending = None
        self.timer.stop()
        if self.run is not None and not self.run.finished:
            self.run.close()
