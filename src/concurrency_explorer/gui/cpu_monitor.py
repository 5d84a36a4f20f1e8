"""One 10 Hz sampler for every chart: per-core load and per-worker CPU, in bounded buffers.

The charts do not own timers: they listen to ``sampled`` (10 Hz), which also
paces their redraws (``setData`` at most 10 times a second, well under 20 Hz).
Each call is a few /proc reads, so the GUI thread never waits on it.

Each run's samples (``RunSamples``) are kept after it ends, the latest ``KEPT_RUNS``
of them: a scenario ends on a re-timed baseline, and its charts must still show
the run its verdict is about.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from ..core.cpu_sampler import CpuSampler, WorkerCpu
from ..core.runner import Run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

SAMPLE_MS = 100  # 10 Hz
CORE_HISTORY = 600  # 60 s of per-core load
WORKER_HISTORY = 3000  # 5 min of one worker's CPU share
# Runs up to this size are sampled whether a chart shows them or not, so a chart tab
# opened mid-run or afterwards shows the whole run; bigger runs only while one is shown.
# Measured (2 busy cores): 4 process workers ~0.5 ms a sample, 16 ~2 ms.
ALWAYS_SAMPLED_WORKERS = 8
RUN_HISTORY = 6000  # the latest run's per-core load, 10 minutes of it (then its last 10)
RUN_TAIL_S = 1.0  # the run's trace goes on this long after its end: the load falls
# A sample reads /proc once per worker (~0.1 ms each, on the window's thread). Past
# ALWAYS_SAMPLED_WORKERS the interval grows with the workers (64: ~2 Hz), so sampling
# costs the window about as much per second as 8 workers at 10 Hz (issue 21).
SAMPLE_MS_PER_WORKER = 8
KEPT_RUNS = 6  # runs whose samples are kept whole: a scenario makes at most four


class RunSamples:
    """One run, whole (in seconds since it started): its workers' CPU shares, and the
    sample times, per-core loads and its workers' cores (same lengths), bounded."""

    def __init__(self, run: Run, cores: int) -> None:
        self.run = run
        # per worker: (seconds since run start, CPU % of one core)
        self.worker_cpu: dict[int, deque[tuple[float, float]]] = {
            w.worker_id: deque(maxlen=WORKER_HISTORY) for w in run.workers
        }
        self.times: deque[float] = deque(maxlen=RUN_HISTORY)
        self.core_loads: list[deque[float]] = [deque(maxlen=RUN_HISTORY) for _ in range(cores)]
        self.workers_cores: deque[float] = deque(maxlen=RUN_HISTORY)


def sample_interval_ms(workers: int) -> int:
    """The sampling interval for a run of ``workers`` (charts redraw at this pace)."""
    return max(SAMPLE_MS, SAMPLE_MS_PER_WORKER * workers)


class CpuMonitor(QObject):
    """Samples while the window lives; keeps bounded buffers the views draw from."""

    sampled = Signal()

    def __init__(self, controller: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.sampler = CpuSampler()
        self.cores = self.sampler.cores
        self.t0 = time.perf_counter()
        self.times: deque[float] = deque(maxlen=CORE_HISTORY)
        self.core_loads: list[deque[float]] = [
            deque(maxlen=CORE_HISTORY) for _ in range(self.cores)
        ]
        # the current run's workers together, in cores (0 when nothing runs): same length
        # as ``times``; the one figure other programs on the machine do not blur
        self.workers_cores: deque[float] = deque(maxlen=CORE_HISTORY)
        self.run: Run | None = None
        # widgets that show per-worker CPU: a run of more than ALWAYS_SAMPLED_WORKERS is
        # only sampled while one is visible (64 threads cost several ms a sample)
        self.consumers: list[Any] = []
        self.current: dict[int, WorkerCpu] = {}  # per worker of the current run: now
        # the latest run's samples (charts opened after it show it whole), and the
        # runs before it, newest last
        self.samples: RunSamples | None = None
        self.kept: deque[RunSamples] = deque(maxlen=KEPT_RUNS)
        self.timer = QTimer(self)
        self.timer.setInterval(SAMPLE_MS)
        self.timer.timeout.connect(self.sample)
        controller.started.connect(self._on_started)
        controller.runningChanged.connect(self._on_running)
        self.timer.start()

    def samples_of(self, run: Run | None) -> RunSamples | None:
        """``run``'s samples, if it is one of the latest ``KEPT_RUNS``."""
        return next((kept for kept in reversed(self.kept) if kept.run is run), None)

    # the latest run's buffers, by their older names
    @property
    def worker_cpu(self) -> dict[int, deque[tuple[float, float]]]:
        return self.samples.worker_cpu if self.samples is not None else {}

    @property
    def run_times(self) -> deque[float]:
        return self.samples.times if self.samples is not None else deque()

    @property
    def run_core_loads(self) -> list[deque[float]]:
        return self.samples.core_loads if self.samples is not None else []

    def _on_started(self, run: Run) -> None:
        self.run = run
        self.timer.setInterval(sample_interval_ms(len(run.workers)))
        self.sampler.forget()
        self.current = {}
        self.samples = RunSamples(run, self.cores)
        self.kept.append(self.samples)  # the oldest kept run's samples go
        self.sample()  # the run's trace starts at its start, not up to a tick later

    def _on_running(self, running: bool) -> None:
        if not running:
            self.timer.setInterval(SAMPLE_MS)  # idle: the core load at full pace again

    def sample(self) -> None:
        owner = self.parent()
        if isinstance(owner, QWidget) and not owner.isVisible():
            return  # a hidden window (tests, minimised to nothing) pays nothing
        now = time.perf_counter()
        self.times.append(now - self.t0)
        loads = self.sampler.per_core()
        for buffer, load in zip(self.core_loads, loads, strict=False):
            buffer.append(load)
        samples = self.samples  # the current run's (set with ``run``)
        run = samples.run if samples is not None else None
        total = 0.0
        watched = run is not None and (
            len(run.workers) <= ALWAYS_SAMPLED_WORKERS or any(c.isVisible() for c in self.consumers)
        )
        if samples is not None and run is not None and run.t0 is not None and not run.finished:
            for snapshot in self.sampler.workers(run) if watched else ():
                self.current[snapshot.worker_id] = snapshot
                if snapshot.percent is not None:
                    total += snapshot.percent
                    samples.worker_cpu[snapshot.worker_id].append((now - run.t0, snapshot.percent))
        elif run is not None and run.finished and self.current:
            self.current = {}
        self.workers_cores.append(total / 100.0)
        if samples is not None and run is not None and run.t0 is not None and now >= run.t0:
            ended = run.t_end if run.finished else None
            last = samples.times[-1] + run.t0 if samples.times else run.t0
            # until a second after the end, and at least once after it (a busy GUI
            # thread may miss the whole second)
            if ended is None or now - ended <= RUN_TAIL_S or last < ended:
                samples.times.append(now - run.t0)
                for buffer, load in zip(samples.core_loads, loads, strict=False):
                    buffer.append(load)
                samples.workers_cores.append(total / 100.0)
        self.sampled.emit()

    def stop(self) -> None:
        self.timer.stop()


def monitor_for(window: MainWindow) -> CpuMonitor:
    """The window's one CpuMonitor, made on first use (views share it)."""
    monitor = window.extensions.find(CpuMonitor)
    if monitor is None:
        monitor = window.extensions.add(CpuMonitor(window.controller, window))
        monitor.setObjectName("cpuMonitor")
    return monitor
