"""Who is on which core, and how busy: per-core CPU and each worker's CPU share.

Cheap enough for a 10 Hz timer (a few /proc reads on Linux): per-core load from
``psutil.cpu_percent(percpu=True)``, primed once at construction (its first call
has nothing to compare with and returns zeros); per worker, CPU % of one core
computed from CPU-time deltas between two samples, and the core it is on.

Processes are measured per process. Threads (which run in one host process) are
measured per native thread with ``Process.threads()``: that is the GIL made
visible. Four CPU-bound threads each get about a quarter of *one* core, however
many cores the machine has; four processes share all the cores.

Workers that share one thread (asyncio coroutines, one-after-another workers, pool
tasks on one pool thread) cannot be told apart by the OS: the thread's CPU is split
between them by the steps each reported in the sample interval (progress messages
carry the worker's own ``perf_counter`` stamps), so each coroutine's lane shows when
*it* ran: they take turns on one thread.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

import psutil

from .child.lifecycle import CLOCK_TICKS, proc_stat_field, proc_stat_fields
from .engines import get_engine_class


@dataclass(frozen=True)
class WorkerCpu:
    """One worker at one sample: CPU % of one core (None until two samples) and its core."""

    worker_id: int
    percent: float | None
    core: int | None


_LINUX = sys.platform.startswith("linux")


def thread_core(pid: int, tid: int) -> int | None:
    """The core a thread last ran on (Linux: field 39 of /proc/PID/task/TID/stat)."""
    if not sys.platform.startswith("linux"):
        return None
    # field 39 overall = index 36 after "pid (comm)"
    return proc_stat_field(f"/proc/{pid}/task/{tid}/stat", 36)


def process_cpu(pid: int) -> tuple[float, int | None] | None:
    """CPU seconds (user + system) of process ``pid`` and the core it last ran on, from
    one read of ``/proc/PID/stat`` (Linux); None when it is gone or unreadable.

    psutil reads that file twice for the same two figures, plus its own bookkeeping:
    3 ms for 64 workers against 1.2 ms, on the window's thread (issue 21)."""
    # after "pid (comm)": utime 11, stime 12 (clock ticks), processor 36
    fields = proc_stat_fields(f"/proc/{pid}/stat", 11, 12, 36)
    if fields is None:
        return None
    utime, stime, core = fields
    return (utime + stime) / CLOCK_TICKS, core


def steps_between(samples: Any, count: int, t_from: float, t_to: float) -> int:
    """Steps a worker reported done in ``(t_from, t_to]`` from its ``(t, remaining)`` samples."""
    at_end: int | None = None
    at_start = count  # no sample at or before t_from: it had not started counting
    for t, remaining in reversed(samples):
        if t > t_to:
            continue
        if at_end is None:
            at_end = remaining
        if t <= t_from:
            at_start = remaining
            break
    if at_end is None:
        return 0
    return max(0, at_start - at_end)


def split_shared(percent: float, steps: dict[int, int]) -> dict[int, float]:
    """One thread's CPU % split between the workers on it, by the steps each made.

    No steps seen at all (progress not yet arrived, or work between steps): an even
    split, the most any one sample can honestly say.
    """
    total = sum(steps.values())
    if total <= 0:
        return {wid: percent / len(steps) for wid in steps}
    return {wid: percent * n / total for wid, n in steps.items()}


class CpuSampler:
    """Samples per-core load and per-worker CPU; keeps only the previous sample."""

    def __init__(self) -> None:
        self.cores = psutil.cpu_count() or 1
        psutil.cpu_percent(percpu=True)  # prime: the next call measures since now
        self._procs: dict[int, psutil.Process] = {}
        self._last: dict[tuple[int, int], tuple[float, float]] = {}  # (pid, tid) -> (t, cpu)

    def per_core(self) -> list[float]:
        """Load of each core since the previous call, in percent."""
        return list(psutil.cpu_percent(percpu=True))

    def _process(self, pid: int) -> psutil.Process | None:
        proc = self._procs.get(pid)
        if proc is None:
            try:
                proc = psutil.Process(pid)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                return None
            self._procs[pid] = proc
        return proc

    def _percent(self, key: tuple[int, int], now: float, cpu_s: float) -> float | None:
        last = self._last.get(key)
        self._last[key] = (now, cpu_s)
        if last is None or now <= last[0]:
            return None
        return max(0.0, 100.0 * (cpu_s - last[1]) / (now - last[0]))

    def workers(self, run: Any) -> list[WorkerCpu]:
        """CPU % and core of every running worker of ``run`` (a core ``Run``)."""
        now = time.perf_counter()
        threads_by_pid: dict[int, dict[int, float]] = {}
        # per (pid, tid): its CPU seconds, core and the workers on it (usually one)
        measured: dict[tuple[int, int], tuple[float, int | None, list[Any]]] = {}
        # a process per worker: its process's CPU is the worker's; else a thread's
        per_process = get_engine_class(run.config.mode).process_per_worker
        for worker in run.workers:
            pid = worker.pid
            if pid is None or worker.final:
                continue
            if per_process and _LINUX:
                key = (pid, 0)
                if key not in measured:
                    found_cpu = process_cpu(pid)
                    if found_cpu is None:
                        continue  # gone: its final message says what it used
                    measured[key] = (*found_cpu, [])
                measured[key][2].append(worker)
                continue
            proc = self._process(pid)
            if proc is None:
                continue
            try:
                if per_process:
                    key = (pid, 0)
                    if key not in measured:
                        times = proc.cpu_times()
                        core = proc.cpu_num() if hasattr(proc, "cpu_num") else None
                        measured[key] = (times.user + times.system, core, [])
                else:
                    if pid not in threads_by_pid:
                        threads_by_pid[pid] = {
                            t.id: t.user_time + t.system_time for t in proc.threads()
                        }
                    tid = worker.thread_id
                    cpu_s = threads_by_pid[pid].get(tid) if tid is not None else None
                    if tid is None or cpu_s is None:
                        continue
                    key = (pid, tid)
                    if key not in measured:
                        measured[key] = (cpu_s, thread_core(pid, tid), [])
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                self._procs.pop(pid, None)
                continue
            measured[key][2].append(worker)
        found: dict[int, tuple[float | None, int | None]] = {}
        for key, (cpu_s, core, members) in measured.items():
            last = self._last.get(key)
            percent = self._percent(key, now, cpu_s)
            if percent is None or last is None or len(members) == 1:
                for worker in members:
                    found[worker.worker_id] = (percent, core)
                continue
            steps = {w.worker_id: steps_between(w.samples, w.count, last[0], now) for w in members}
            for wid, share in split_shared(percent, steps).items():
                found[wid] = (share, core)
        return [WorkerCpu(w.worker_id, *found.get(w.worker_id, (None, None))) for w in run.workers]

    def forget(self) -> None:
        """Drop per-process state (between runs); per-core priming is kept."""
        self._procs.clear()
        self._last.clear()
