"""Who is on which core, and how busy: per-core CPU and each worker's CPU share.

Cheap enough for a 10 Hz timer (a few /proc reads on Linux): per-core load from
``psutil.cpu_percent(percpu=True)``, primed once at construction (its first call
has nothing to compare with and returns zeros); per worker, CPU % of one core
computed from CPU-time deltas between two samples, and the core it is on.

Processes are measured per process. Threads (which run in one host process) are
measured per native thread with ``Process.threads()``: that is the GIL made
visible. Four CPU-bound threads each get about a quarter of *one* core, however
many cores the machine has; four processes share all the cores.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

import psutil


@dataclass(frozen=True)
class WorkerCpu:
    """One worker at one sample: CPU % of one core (None until two samples) and its core."""

    worker_id: int
    percent: float | None
    core: int | None


def thread_core(pid: int, tid: int) -> int | None:
    """The core a thread last ran on (Linux: field 39 of /proc/PID/task/TID/stat)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open(f"/proc/{pid}/task/{tid}/stat", "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    # the command name (field 2) may hold spaces; fields after it follow the last ')'
    fields = data[data.rfind(b")") + 2 :].split()
    try:
        return int(fields[36])  # field 39 overall = index 36 after "pid (comm)"
    except (IndexError, ValueError):
        return None


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
        out = []
        for worker in run.workers:
            pid = worker.pid
            if pid is None or worker.final:
                out.append(WorkerCpu(worker.worker_id, None, None))
                continue
            proc = self._process(pid)
            if proc is None:
                out.append(WorkerCpu(worker.worker_id, None, None))
                continue
            try:
                if run.config.mode == "process":
                    times = proc.cpu_times()
                    percent = self._percent((pid, 0), now, times.user + times.system)
                    core = proc.cpu_num() if hasattr(proc, "cpu_num") else None
                else:
                    if pid not in threads_by_pid:
                        threads_by_pid[pid] = {
                            t.id: t.user_time + t.system_time for t in proc.threads()
                        }
                    tid = worker.thread_id
                    cpu_s = threads_by_pid[pid].get(tid) if tid is not None else None
                    if cpu_s is None:
                        out.append(WorkerCpu(worker.worker_id, None, None))
                        continue
                    percent = self._percent((pid, tid), now, cpu_s)
                    core = thread_core(pid, tid)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                self._procs.pop(pid, None)
                out.append(WorkerCpu(worker.worker_id, None, None))
                continue
            out.append(WorkerCpu(worker.worker_id, percent, core))
        return out

    def forget(self) -> None:
        """Drop per-process state (between runs); per-core priming is kept."""
        self._procs.clear()
        self._last.clear()
