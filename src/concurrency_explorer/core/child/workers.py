"""Countdown workers: the code that runs inside threads and child processes.

Standard library only. A ``spawn`` child imports this module before it can do
anything, so every import here is paid once per worker (Qt at the top of a worker
module costs 100+ ms per child).

A worker counts ``count`` steps down to zero. One step is a fixed piece of work
whose kind decides how it treats the GIL:

- ``cpu``: a pure-Python decrement loop. Holds the GIL: threads take turns.
- ``io``: ``time.sleep``. Releases the GIL: threads overlap.
- ``nogil``: SHA-256 of a buffer. C code that drops the GIL while it hashes.

Progress is reported in chunks: the inner loop of a step never tests anything;
between steps one clock read decides whether a report is due (every
``report_interval_s``), so reporting costs nothing measurable next to the work.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import namedtuple

from .iftry import queue_iftry_put
from .protocol import Done, Error, Output, Progress, Started

TYPE_CHECKING = False  # the constant, without importing typing (children stay lean)
if TYPE_CHECKING:  # annotations only; a child never imports typing's heavy parts
    from collections.abc import Callable, Iterator
    from typing import Any

KINDS = ("cpu", "io", "nogil")
FAULTS = ("raise", "hang", "exit", "kill", "ignore-term")

#: Everything one worker needs; a namedtuple (not a dataclass, which imports
#: ``inspect``) so it pickles across every start method and imports nothing.
#: ``fault``: inject a failure halfway (raise / hang / exit / kill / ignore-term);
#: ``echo``: send "Count value N" lines, like the page's examples;
#: ``no_yield``: asyncio only, a coroutine that never awaits (hogs the event loop);
#: ``gil``: log when this worker held the GIL (``gil_stamps``), for workers that
#: share an interpreter; the engine sets it. ``progress_gap_s``: the least time between
#: two progress reports (0: the report interval), set by engines whose many workers
#: share the queue's write lock (``ProcessEngine.progress_gap_for``).
WorkerSpec = namedtuple(
    "WorkerSpec",
    "worker_id count kind step_iterations step_sleep_s step_bytes report_interval_s fault echo"
    " no_yield gil progress_gap_s",
    defaults=("cpu", 20_000, 0.001, 1 << 20, 0.02, None, False, False, False, 0.0),
)
#: kinds whose step runs C code that releases the GIL: the stamps cannot see inside
#: it, so its time is never claimed as held
RELEASING_KINDS = ("io", "nogil")


class StopFlag:
    """Stop, as one shared semaphore: what workers need of an Event, for a fifth of its cost.

    A ``multiprocessing.Event`` is five semaphores (a Condition and a flag); each is
    created in the parent and opened again in every ``spawn``/``forkserver`` child,
    which costs start latency. Workers only ever ask ``is_set()`` and the runner
    only calls ``set()``. ``set()`` puts ``TOKENS`` tokens in; ``is_set()`` borrows
    one and gives it back, so up to ``TOKENS`` simultaneous askers all see it set.
    """

    TOKENS = 256  # more than the most workers (64) that can ask at the same moment

    def __init__(self, ctx: Any) -> None:
        self._sem = ctx.Semaphore(0)

    def set(self) -> None:
        for _ in range(self.TOKENS):
            self._sem.release()

    def is_set(self) -> bool:
        if self._sem.acquire(False):
            self._sem.release()
            return True
        return False


def _spin(iterations: int) -> None:
    # The page's countdown loop. Called once per step, so CPython specialises it
    # after a few calls and a benchmark baseline can drive it the same way.
    while iterations > 0:
        iterations -= 1


def make_step(spec: WorkerSpec) -> Callable[[], object]:
    """Return a zero-argument callable that performs one step of ``spec.kind``."""
    if spec.kind == "cpu":
        iterations = spec.step_iterations
        return lambda: _spin(iterations)
    if spec.kind == "io":
        delay = spec.step_sleep_s
        sleep = time.sleep
        return lambda: sleep(delay)
    if spec.kind == "nogil":
        import hashlib  # only this kind pays for it

        buffer = bytes(spec.step_bytes)
        sha256 = hashlib.sha256
        return lambda: sha256(buffer).digest()
    raise ValueError(f"unknown kind {spec.kind!r}; expected one of {', '.join(KINDS)}")


def _flush_before_dying(q: Any) -> None:
    """A process about to die on purpose first lets its queue's feeder thread finish.

    Killed while that thread writes, it would take the queue's shared write lock with
    it, and every other worker's messages would wait on that lock for ever: the real
    hazard of killing a process that uses a ``multiprocessing.Queue``, but not the
    fault these injections demonstrate (an exit code). Only in a worker process's
    main thread: in a host, the queue is shared with the other workers' threads.
    A process engine's ``DirectQueue`` has no feeder: its put has written the
    message before it returns, and ``close``/``join_thread`` have nothing to wait for.
    """
    if threading.current_thread() is threading.main_thread() and hasattr(q, "join_thread"):
        q.close()
        q.join_thread()


def _inject(fault: str, q: Any = None, at: Any = None) -> None:
    """Fail on purpose. ``at`` (a Progress at the fault's step) is sent first by the
    faults that leave no final message, once the fault is armed: whoever watches
    (the bar, a test) then knows the worker is past its last look at the stop event."""
    if fault in ("exit", "kill") and q is not None:
        if at is not None:
            put_final(q, at)
        _flush_before_dying(q)
    if fault == "raise":
        raise RuntimeError("injected fault: this worker raised on purpose")
    if fault == "hang":
        if q is not None and at is not None:
            put_final(q, at)
        while True:  # a stall: alive, silent, deaf to the stop event
            time.sleep(3600)
    if fault == "exit":
        os._exit(3)
    if fault == "kill":
        import signal

        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
        time.sleep(3600)
    if fault == "ignore-term":  # deaf to the Event and to SIGTERM: only SIGKILL ends it
        import signal

        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("the ignore-term fault needs a process of its own (mode process)")
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if q is not None and at is not None:
            put_final(q, at)  # only now: SIGTERM can no longer end it
        while True:
            time.sleep(3600)
    raise ValueError(f"unknown fault {fault!r}")


def put_final(q: Any, message: Any) -> None:
    """Blocking put: started/done/error must arrive even when the queue is full."""
    q.put(message)


def progress_limit(q: Any) -> int | None:
    """How many items ``q`` may hold for a Progress to still be put: half its size.

    Progress is "latest value wins": one a worker skips is carried by its next. The
    upper half of a bounded queue is kept for the final messages (Started, Done,
    Error), so they never wait behind a full queue of progress (issue 21: 64 workers
    kept a 1024 queue full, and their Started/Done waited, then queued behind a
    thousand progress messages). None: no limit known (unbounded, or ``qsize()``
    not implemented, as on macOS), only the if-then-try put's own ``full()`` applies.
    """
    size = getattr(q, "maxsize", getattr(q, "_maxsize", None))  # queue.Queue / mp.Queue
    if not isinstance(size, int) or size <= 0 or size >= 1 << 30:
        return None
    try:
        q.qsize()
    except (NotImplementedError, AttributeError):
        return None
    return max(1, size // 2)


MAX_PROGRESS_GAP_S = 2.0  # a backed-off bar still moves every 2 s (or 2 least gaps)
#: Messages on their way (``qsize()``: put, not yet read) past which progress backs off.
#: What is on its way waits in line: between busy worker processes a
#: ``multiprocessing.Queue`` delivers only so many a second, because each put's feeder
#: thread takes the queue's shared write lock and then needs its own process's GIL,
#: held by that worker's busy main thread until the kernel gives it a core again.
#: Measured on 2 busy cores: 300/s from 8 cpu workers, 145/s from 32, 30-80/s from 64
#: (900/s from 64 io workers, whose main threads sleep). 64 workers reporting once a
#: second kept 200-300 on their way: bars showed values 3-4 s old and stood still for
#: 4-8 s. 16 on their way, even at 40/s: 0.4 s. (Process engines now use a
#: ``DirectQueue``, whose writers need no feeder: 450-560/s from 64 cpu workers on
#: the same 2 busy cores; the back-off stays for readers that fall behind.)
PROGRESS_BACKLOG = 16


def progress_gap(
    gap: float, depth: int, limit: int, base: float, backlog: int | None = None
) -> float:
    """The next gap between a worker's progress reports, from the queue's ``depth``.

    Doubled while more than a quarter of what progress may fill is on its way (or
    ``backlog`` messages, if less: ``PROGRESS_BACKLOG`` in a crowded run): the reader,
    or the queue's write lock, is behind, and more progress would only wait there,
    stale, and cost time to deliver and read. Halved back towards ``base`` (the least
    gap) once it caught up. Stop is still looked at every report interval: only
    progress backs off.
    """
    threshold = limit // 4 if backlog is None else min(limit // 4, backlog)
    if depth > threshold:
        return min(max(MAX_PROGRESS_GAP_S, 2 * base), gap * 2)
    return max(base, gap / 2)


def run_worker(
    spec: WorkerSpec,
    q: Any,
    stop: Any,
    t_request: float | None = None,
    after_started: Callable[[], object] | None = None,
) -> None:
    """Count ``spec.count`` steps down to zero, reporting through ``q``.

    ``stop`` is anything with ``is_set()`` (a threading or multiprocessing Event);
    it is checked at each report, so Stop takes effect within one report interval.
    ``after_started`` runs right after the Started message is queued (set-up that
    need not delay the first message).
    """
    for _ in countdown(spec, q, stop, t_request, after_started=after_started, cooperative=False):
        pass


def countdown(
    spec: WorkerSpec,
    q: Any,
    stop: Any,
    t_request: float | None = None,
    step: Callable[[], object] | None = None,
    after_started: Callable[[], object] | None = None,
    cooperative: bool = True,
) -> Iterator[None]:
    """The worker itself, as a generator that yields after every step (``cooperative``).

    The asyncio engine awaits between steps, which is exactly where a coroutine lets
    the others run; CPU time then counts only this worker's own stretches between
    yields, so coroutines sharing one thread are not charged for each other's work.
    Threads and processes (``run_worker``) pass ``cooperative=False``: the loop never
    yields and pays no per-step clock reads (measured: 64 io threads made ~20% fewer
    steps with a yield and two ``thread_time`` calls per step).
    ``step`` replaces the kind's step (asyncio's ``io`` awaits instead of sleeping).
    """
    clock = time.perf_counter
    cpu_clock = time.thread_time
    wid = spec.worker_id
    t0 = clock()
    cpu_start = cpu_clock()
    cpu_used = 0.0
    put_final(q, Started(wid, os.getpid(), threading.get_native_id(), t0, time.time(), t_request))
    if after_started is not None:
        after_started()
    remaining = spec.count
    sent = dropped = 0
    held = None
    if spec.gil:
        from .gil_stamps import HeldLog

        held = HeldLog(wid, q, clock())
    releases = step is None and spec.kind in RELEASING_KINDS
    limit = progress_limit(q)
    try:
        step = step or make_step(spec)
        fault_at = spec.count // 2 if spec.fault else -1
        interval = spec.report_interval_s
        next_report = t0 + interval
        least_gap = max(interval, spec.progress_gap_s or 0.0)
        gap, next_progress = least_gap, t0  # between progress reports: backs off
        backlog = None
        if spec.progress_gap_s:  # a crowded run (``progress_gap_s``): few, fresh reports
            backlog = PROGRESS_BACKLOG
            # the workers' reports spread over the gap, not all at once after each start
            next_progress = t0 + least_gap * ((wid * 0.618034) % 1.0)
        echo = spec.echo
        stopped = False
        while remaining > 0:
            if echo:
                put_final(q, Output(wid, f"Count value {remaining}", clock()))
            if releases and held is not None:
                held.mark(clock())
            step()
            remaining -= 1
            if remaining == fault_at:
                _inject(spec.fault or "", q, Progress(wid, remaining, clock()))
            now = clock()
            if held is not None:
                held.mark(now, not releases)
            if now >= next_report or echo:
                if stop.is_set():
                    stopped = True
                    break
                if remaining and (now >= next_progress or echo):
                    depth = 0 if limit is None else q.qsize()
                    if (limit is None or depth < limit) and queue_iftry_put(
                        q, Progress(wid, remaining, now)
                    ):
                        sent += 1
                    else:
                        dropped += 1
                    if limit is not None:
                        gap = progress_gap(gap, depth, limit, least_gap, backlog)
                    next_progress = now + gap
                next_report = now + interval
            if cooperative:
                cpu_used += cpu_clock() - cpu_start
                yield
                cpu_start = cpu_clock()
                if held is not None:
                    held.resume(clock())
        if not stopped and remaining and stop.is_set():
            stopped = True
    except Exception as exc:
        import traceback

        if held is not None:
            held.send(clock(), final=True)
        put_final(
            q,
            Error(
                wid,
                type(exc).__name__,
                str(exc),
                traceback.format_exc(),
                remaining,
                clock(),
                sent,
                dropped,
            ),
        )
        return
    t1 = clock()
    cpu_used += cpu_clock() - cpu_start
    if held is not None:
        held.send(t1, final=True)
    put_final(q, Done(wid, remaining, stopped, t1 - t0, cpu_used, t1, sent, dropped))


def process_main(spec: WorkerSpec, q: Any, stop: Any) -> None:
    """Entry point of a worker process (any start method).

    The orphan guards are armed right after the Started message, not before: in a
    ``spawn`` child they cost an import of ``ctypes`` (3-8 ms), which would delay the
    first message by that much. The parent pid is read first thing, so a parent that
    dies in between is still noticed (``die_with_parent`` exits at once).
    """
    ppid = os.getppid()

    def guard() -> None:
        from .lifecycle import die_with_parent

        die_with_parent(ppid)

    run_worker(spec, q, stop, after_started=guard)


def _thread_entry(spec: WorkerSpec, q: Any, stop: Any, t_request: float) -> None:
    run_worker(spec, q, stop, t_request)


def _pool_entry(spec: WorkerSpec, q: Any, stop: Any, t_request: float) -> None:
    if stop.is_set():
        return  # still queued when Stop came: never started, the runner marks it stopped
    run_worker(spec, q, stop, t_request)


def host_main(
    entry: str, specs: list[WorkerSpec], q: Any, stop: Any, options: dict | None = None
) -> None:
    """Run workers in a host process with the engine's host function ``entry`` (threads,
    one after another, a thread pool, coroutines, subinterpreters: ``run_host``).

    This runs in a host process, not in the GUI: CPU-bound threads would otherwise
    starve the GUI thread of the GIL (its timer then ticks every 300-700 ms).
    Every mode thus reports through one multiprocessing queue.
    """
    from .lifecycle import die_with_parent

    die_with_parent()
    run_host(entry, specs, q, stop, options)


def run_host(
    entry: str, specs: list[WorkerSpec], q: Any, stop: Any, options: dict | None = None
) -> None:
    """The body of a host, whatever started it (a multiprocessing child or ``--python``).

    ``entry`` is the engine's ``host_entry``: ``"module:function"`` in this package, a
    function of ``(specs, q, stop, options)``. Only its module is imported, so a mode
    pays only for what it uses (asyncio, concurrent.futures, subinterpreters).
    """
    options = options or {}
    if options.get("switch_interval_s"):
        sys.setswitchinterval(options["switch_interval_s"])
    host_function(entry)(specs, q, stop, options)


def host_function(entry: str) -> Callable[[list[WorkerSpec], Any, Any, dict], None]:
    """The host function ``entry`` names; ValueError for anything outside this package."""
    import importlib

    module, _, name = entry.partition(":")
    if not module.isidentifier() or not name.isidentifier():
        raise ValueError(f"host cannot run {entry!r}")
    try:
        return getattr(importlib.import_module(f"{__package__}.{module}"), name)
    except (ImportError, AttributeError):
        raise ValueError(f"host cannot run {entry!r}") from None


def host_threads(specs: list[WorkerSpec], q: Any, stop: Any, options: dict) -> None:
    """``thread``: one thread per worker, all started at once."""
    threads = []
    for spec in specs:
        thread = threading.Thread(
            target=_thread_entry,
            args=(spec, q, stop, time.perf_counter()),
            name=f"worker-{spec.worker_id}",
        )
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()


def host_one_after_another(specs: list[WorkerSpec], q: Any, stop: Any, options: dict) -> None:
    """``sequential``: one worker after another, on this thread."""
    for spec in specs:
        if stop.is_set():
            break
        run_worker(spec, q, stop, time.perf_counter())


def host_thread_pool(specs: list[WorkerSpec], q: Any, stop: Any, options: dict) -> None:
    """``pool-thread``: the workers as tasks of a ThreadPoolExecutor."""
    from concurrent.futures import ThreadPoolExecutor  # only this mode pays for it

    size = options.get("pool_size") or len(specs)
    with ThreadPoolExecutor(max_workers=size, thread_name_prefix="pool") as pool:
        for spec in specs:
            pool.submit(_pool_entry, spec, q, stop, time.perf_counter())
