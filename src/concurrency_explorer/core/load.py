"""How much CPU the rest of the machine used while a run ran: the ``load`` record key.

A speedup measured while a browser, a video call or another test suite eats cores
says little about threads or processes. ``LoadMeter`` samples, on a small thread of
its own (so neither the window's timer nor the CLI loop pays for it):

- the whole machine's busy CPU seconds (``/proc/stat`` on Linux, ``psutil.cpu_times()``
  elsewhere: everything but idle and iowait; ``steal`` counts, it is other virtual
  machines taking our cores);
- this app's own: this process (every thread: the window, the poll loop) and every
  process below it (workers, host processes, the forkserver, a local Dask cluster).
  A child born during the run counts from zero; its last moments before it exits
  are taken from the CPU seconds its workers reported, whichever is larger.

``others_cores = (machine busy - own) / seconds``: how many cores other programs
kept busy on average.

Where "busy" starts, and why: ``BUSY_OTHERS_CORES`` = a quarter of one core. An idle
machine's background and this meter's own blind spots (a child's last tick before
it exits, the fork itself) stay below 0.1 core here. Above a quarter of a core,
any one of the run's workers may lose a quarter of its core to another program,
more than the 10 % a measured speedup is allowed to be off (reliability.py). The line is
absolute, not a share of the cores: one worker slowed by 25 % holds up a parallel
run however many idle cores the machine has elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from .child.lifecycle import CLOCK_TICKS, proc_stat_fields
from .reliability import cores

BUSY_OTHERS_CORES = 0.25
SAMPLE_EVERY_S = 0.2
#: Listing this process's children costs little where the kernel lists each thread's
#: children (``descendant_pids``); elsewhere it reads every process's ``/proc/N/stat``
#: (3 ms among 100 processes, 15 ms beside a browser's 500). Either way it runs again
#: only once that cost is at most this share of one core; the samples between read
#: the known ones alone.
LISTING_SHARE = 0.01
_IDLE_FIELDS = ("idle", "iowait", "guest", "guest_nice")  # guest time is inside user already

#: Linux: read /proc directly. psutil reads the same files, but importing it took
#: 16 ms of -X importtime in every command-line run (a bare multiprocessing script
#: pays none); elsewhere psutil is imported when first needed.
_PROC = sys.platform.startswith("linux") and os.path.exists("/proc/stat")
# /proc/stat's "cpu" line: user nice system idle iowait irq softirq steal guest guest_nice
_PROC_STAT_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal",
                     "guest", "guest_nice")  # fmt: skip


def machine_busy_s() -> float:
    """CPU seconds the whole machine spent busy since boot, summed over cores."""
    if _PROC:
        with open("/proc/stat", "rb") as stat:
            values = stat.readline().split()[1:]
        return sum(
            int(value) for name, value in zip(_PROC_STAT_FIELDS, values, strict=False)
            if name not in _IDLE_FIELDS
        ) / CLOCK_TICKS
    import psutil

    times = psutil.cpu_times()
    return sum(getattr(times, name) for name in times._fields if name not in _IDLE_FIELDS)


def birth_clock() -> float:
    """Now, on the clock ``cpu_and_birth`` gives a process's birth in."""
    return time.clock_gettime(time.CLOCK_BOOTTIME) if _PROC else time.time()


def cpu_and_birth(pid: int) -> tuple[float, float] | None:
    """CPU seconds (user + system) of process ``pid`` and when it was born
    (``birth_clock``); None when it is gone or unreadable. On Linux one read of
    ``/proc/PID/stat``: utime, stime and starttime, in clock ticks since boot."""
    if _PROC:
        # after "pid (comm)": utime 11, stime 12, starttime 19
        fields = proc_stat_fields(f"/proc/{pid}/stat", 11, 12, 19)
        if fields is None:
            return None
        utime, stime, start = fields
        return (utime + stime) / CLOCK_TICKS, start / CLOCK_TICKS
    import psutil

    try:
        process = psutil.Process(pid)
        times = process.cpu_times()
        return float(times.user + times.system), process.create_time()
    except psutil.Error:
        return None


def descendant_pids(pid: int) -> list[int] | None:
    """Every process below ``pid``, from the kernel's list of each thread's children
    (Linux: ``/proc/PID/task/TID/children``), walked down this app's own tree.

    Listing by parent pid (psutil's ``children``) reads every process's
    ``/proc/N/stat`` on the machine: 2.1 ms of CPU among 77 processes here, 15 ms
    beside a browser's 500, taken from the cores the workers run on; this walk took
    0.09 ms. None where the kernel keeps no such lists (then: by parent pid).
    """
    if not os.path.exists(f"/proc/{pid}/task/{pid}/children"):
        return None
    found: list[int] = []
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            tids = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue  # ended meanwhile
        for tid in tids:
            try:
                with open(f"/proc/{current}/task/{tid}/children", "rb") as lister:
                    children = [int(child) for child in lister.read().split()]
            except (OSError, ValueError):
                continue  # a thread (or the process) ended meanwhile
            found.extend(children)
            stack.extend(children)
    return found


def is_busy(others_cores: float) -> bool:
    return others_cores >= BUSY_OTHERS_CORES


class LoadMeter:
    """Samples from ``start()`` to ``stop()``; ``result()`` is the record's ``load``."""

    def __init__(self, every_s: float = SAMPLE_EVERY_S) -> None:
        self.every_s = every_s
        self._pid = os.getpid()
        self._own: dict[int, list[float]] = {}  # pid -> [cpu at first sight, latest cpu]
        self._known: dict[int, bool] = {}  # child pid -> born before start()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0: float | None = None
        self._t1: float | None = None
        self._busy0 = 0.0
        self._busy1 = 0.0
        self._born0 = 0.0  # start() on birth_clock()
        self._next_listing = 0.0
        self.samples = 0
        self.listings = 0
        self.cpu_s = 0.0  # what the sampling itself cost: the record's load.meter_cpu_s

    def start(self, watch: bool = True) -> None:
        """Take the cheap snapshots now (the machine's busy CPU and this process's);
        with ``watch``, list the children and sample on until ``stop`` (``watch()``).

        A run passes ``watch=False`` and calls ``watch()`` once its workers have
        started. Listing children reads every process's ``/proc/N/stat`` (3-7 ms here,
        more beside a browser): done before the starts it was half of a ``fork``
        start's latency, and done during them it took CPU the children needed.
        """
        self._born0 = birth_clock()
        self._t0 = time.perf_counter()
        self._busy0 = machine_busy_s()
        self._sample(listing=False)
        if watch:
            self.watch()

    def watch(self) -> None:
        """List the children and keep sampling on a daemon thread until ``stop``.

        A run calls it once its workers have started (``Run.poll``), so that the
        listing does not compete with the starts it would slow down. A child born
        before ``start`` (the app's forkserver, a warm pool) is then first seen up to
        a sampling interval late, and what it used meanwhile counts as others' (a pool's
        workers report their CPU, see ``own_cpu_s``); a child born after ``start``
        counts from zero, as always. A no-op after ``stop``.
        """
        with self._lock:
            if self._t0 is None or self._stop.is_set() or self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._loop, name="concurrency-explorer-load", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        self._sample(listing=True)
        while not self._stop.wait(self.every_s):
            self._sample()

    def _sample(self, listing: bool | None = None) -> None:
        """Read the CPU of this process and its children. ``listing``: list the children
        first (True), read only those already known (False), or list when it is due."""
        now, cpu0 = time.perf_counter(), time.thread_time()
        if listing is None:
            listing = now >= self._next_listing
        found: dict[int, tuple[float, float]] = {}
        if listing:
            for pid in self._descendants():
                if pid not in self._known and (seen := cpu_and_birth(pid)) is not None:
                    found[pid] = seen
            self.listings += 1
            cost = time.perf_counter() - now
            self._next_listing = now + cost / LISTING_SHARE
        own_cpu = sum(os.times()[:2])  # this process, every thread: a syscall, no file
        with self._lock:
            self._note(self._pid, own_cpu, born_before=True)
            for pid, (cpu, born) in found.items():
                # the birth is read once: 10 ms ticks on Linux, hence the margin
                self._known[pid] = born < self._born0 - 0.01
                self._note(pid, cpu, self._known[pid])
            for pid, born_before in list(self._known.items()):
                if pid in found:
                    continue
                seen = cpu_and_birth(pid)
                if seen is None:
                    del self._known[pid]  # gone: its last value stays
                    continue
                self._note(pid, seen[0], born_before)
            self.samples += 1
            self.cpu_s += time.thread_time() - cpu0

    def _descendants(self) -> list[int]:
        pids = descendant_pids(self._pid)
        if pids is not None:
            return pids
        import psutil  # no per-thread lists: by parent pid

        with contextlib.suppress(psutil.Error):
            return [child.pid for child in psutil.Process(self._pid).children(recursive=True)]
        return []

    def _note(self, pid: int, cpu: float, born_before: bool) -> None:
        if pid not in self._own:
            self._own[pid] = [cpu if born_before else 0.0, cpu]
        else:
            self._own[pid][1] = cpu

    def stop(self) -> None:
        """Last snapshot and join the thread. Safe to call twice."""
        with self._lock:
            if self._t0 is None or self._stop.is_set():
                return
            self._stop.set()  # and no watch() from now on
            thread = self._thread
        if thread is not None:
            thread.join(5)
        self._sample(listing=True)
        self._busy1 = machine_busy_s()
        self._t1 = time.perf_counter()

    def own_cpu_s(self, reported: Mapping[int, float] | None = None) -> float:
        """This app's CPU seconds in the window; ``reported``: pid -> CPU its workers said."""
        reported = reported or {}
        with self._lock:
            own = {pid: last - first for pid, (first, last) in self._own.items()}
        for pid, cpu in reported.items():
            if pid != self._pid:
                own[pid] = max(own.get(pid, 0.0), cpu)
        return sum(own.values())

    def result(self, reported: Mapping[int, float] | None = None) -> dict[str, Any]:
        """``{"others_cores", "busy", "cores", "own_cores", "seconds", "busy_threshold_cores",
        "meter_cpu_s"}``: ``meter_cpu_s`` is the CPU this meter's sampling took (it is in
        ``own_cores``, not in others'): what the instrument weighed, said, not hidden."""
        if self._t0 is None:
            return empty_load()
        t1 = self._t1 if self._t1 is not None else time.perf_counter()
        busy1 = self._busy1 if self._t1 is not None else machine_busy_s()
        seconds = max(t1 - self._t0, 1e-6)
        own = self.own_cpu_s(reported)
        others = max(0.0, (busy1 - self._busy0) - own) / seconds
        return {
            "others_cores": round(others, 3),
            "busy": is_busy(others),
            "cores": cores(),
            "own_cores": round(own / seconds, 3),
            "seconds": round(seconds, 3),
            "busy_threshold_cores": BUSY_OTHERS_CORES,
            "meter_cpu_s": round(self.cpu_s, 4),
        }


def empty_load() -> dict[str, Any]:
    """A run that never started used no time: nothing to say about the machine."""
    return {"others_cores": 0.0, "busy": False, "cores": cores(), "own_cores": 0.0,
            "seconds": 0.0, "busy_threshold_cores": BUSY_OTHERS_CORES,
            "meter_cpu_s": 0.0}  # fmt: skip


def reported_cpu_by_pid(workers: Iterable[Mapping[str, Any]]) -> dict[int, float]:
    """pid -> the CPU seconds the workers in that process reported (record entries)."""
    by_pid: dict[int, float] = {}
    for w in workers:
        if w.get("pid") and w.get("cpu_s") is not None and w["pid"] != os.getpid():
            by_pid[w["pid"]] = by_pid.get(w["pid"], 0.0) + w["cpu_s"]
    return by_pid


def combine(loads: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The load over several runs (a run and its baselines): the busiest one counts.

    A disturbed baseline skews a speedup as much as a disturbed run, so the worst
    of them decides; ``runs`` keeps each one's ``others_cores``.
    """
    loads = [dict(load) for load in loads if load]
    if not loads:
        return empty_load()
    worst = max(loads, key=lambda load: load.get("others_cores", 0.0))
    combined = dict(worst)
    combined["busy"] = any(load.get("busy") for load in loads)
    combined["runs"] = [load.get("others_cores", 0.0) for load in loads]
    combined["includes_baseline"] = True
    return combined


class LoadWords(NamedTuple):
    """The machine's load over several runs, as both front ends say it."""

    busy: bool
    text: str  # "other programs used up to 1.6 of 2 cores during 3 of 3 runs"


def load_over_runs(
    loads: Iterable[Mapping[str, Any] | None], runs: str = "runs"
) -> LoadWords | None:
    """What other programs used while several runs ran (a comparison, a sweep): the
    busiest run counts (``combine``); ``runs`` names them after "3 of 3". The window's
    busy flag and the CLI's machine line both say it in these words; None when no
    run's load was measured."""
    known = [load for load in loads if load]
    if not known:
        return None
    worst = combine(known)
    others, total = worst["others_cores"], worst.get("cores", "?")
    if not worst["busy"]:
        return LoadWords(False, f"other programs used at most {others:.1f} of {total} cores")
    busy = sum(1 for load in known if load.get("busy"))
    return LoadWords(
        True,
        f"other programs used up to {others:.1f} of {total} cores during {busy} of "
        f"{len(known)} {runs}",
    )
