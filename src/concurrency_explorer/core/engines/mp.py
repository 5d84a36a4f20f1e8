"""Engines built on ``multiprocessing``: processes, and a host process for threads.

Every one of them reports through one ``multiprocessing.Queue``. Threads and the
one-after-another mode run inside a *host* process rather than the caller's: a
CPU-bound thread in the GUI process would starve the GUI thread of the GIL.
Start methods are chosen per run with ``get_context``; ``set_start_method`` is
never called (it is global, and raises once it has been set).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
import time
from multiprocessing.connection import wait as connection_wait
from typing import TYPE_CHECKING, Any, ClassVar

from .. import launcher, spare
from ..child.lifecycle import renice
from ..child.workers import WorkerSpec, host_main, process_main
from ..environment import default_start_method, start_methods
from .base import Engine, UnitStatus

if TYPE_CHECKING:
    from ..config import RunConfig
    from .start_helper import StartHelper

APP_PID_ENV = "CONCURRENCY_EXPLORER_APP_PID"
FORKSERVER_PRELOAD = "concurrency_explorer.core.child._forkserver_preload"
HELPED_METHODS = ("fork", "spawn")  # start methods whose starts a helper takes over


def _make_package_importable_by_forkserver() -> None:
    """Python 3.11's forkserver accepts the parent's ``sys_path`` but never applies it
    (``forkserver.main`` ignores the argument), and a preload that fails to import is
    skipped *silently*: the guard that ties the forkserver to the app would never arm
    whenever the package is found through ``sys.path`` alone (pytest's ``pythonpath``,
    a script run from the source tree). The forkserver inherits the environment, so
    the package's root goes on its ``PYTHONPATH``."""
    if getattr(sys, "frozen", False):
        return  # the frozen bundle finds its own modules
    root = package_root()
    current = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in current:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *current])


@functools.cache
def package_root() -> str:
    """The folder the ``concurrency_explorer`` package is in (resolved once: a start
    request paid 0.1-0.2 ms for it, with ``pathlib`` imported for nothing else)."""
    import concurrency_explorer

    return os.path.dirname(os.path.dirname(os.path.realpath(concurrency_explorer.__file__)))


def prepare_forkserver(ctx: Any) -> None:
    """Preload the worker module in the forkserver and tie its life to the app's."""
    pid = str(os.getpid())
    if os.environ.get(APP_PID_ENV) != pid:
        os.environ[APP_PID_ENV] = pid
    _make_package_importable_by_forkserver()
    ctx.set_forkserver_preload([FORKSERVER_PRELOAD])


def get_context(method: str) -> Any:
    """``multiprocessing.get_context(method)``, prepared for our use."""
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        prepare_forkserver(ctx)
    elif method == "fork":
        from ..child.lifecycle import warm

        warm()  # forked children inherit ctypes and prctl instead of importing them
    return ctx


class _Unit:
    __slots__ = ("end_seen", "future", "process", "reaped", "worker_ids")

    def __init__(self, process: Any, worker_ids: tuple[int, ...]) -> None:
        self.process = process
        self.worker_ids = worker_ids
        self.future: launcher.Job | None = None
        self.reaped = False
        self.end_seen = False  # wait_for_end has returned once for its end


class MultiprocessingEngine(Engine):
    """Shared plumbing: a context, a bounded queue, an Event, processes started
    from the launcher thread."""

    #: whether the queue's writers write to its pipe themselves (``DirectQueue``):
    #: each in a busy process of its own, a feeder thread would hold the queue's
    #: shared write lock until its process's main thread let go of the GIL
    direct_queue: ClassVar[bool] = False

    def __init__(self, start_method: str | None, queue_size: int) -> None:
        super().__init__(start_method, queue_size)
        self._ctx: Any = None
        self._units: list[_Unit] = []
        self._requests: dict[int, float] = {}
        self._ends: dict[int, float] = {}
        self._spare_shape: tuple[Any, int, bool] | None = None

    def context_name(self) -> str:
        raise NotImplementedError

    def open(self) -> None:
        self._ctx = get_context(self.context_name())
        shared = self._shared_context()
        # made ahead, after the previous run of this shape, if any (core/spare.py)
        self.queue, self.stop_event = spare.take(shared, self.queue_size, self.direct_queue)
        self._spare_shape = (shared, self.queue_size, self.direct_queue)

    def _shared_context(self) -> Any:
        """The context the queue and the stop flag are made in: the workers' own."""
        return self._ctx

    def _launch(
        self,
        target: Any,
        args: tuple[Any, ...],
        worker_ids: tuple[int, ...],
        name: str,
        record_request: bool,
        niceness: int = 0,
    ) -> None:
        process = self._ctx.Process(target=target, args=args, name=name, daemon=True)
        unit = _Unit(process, worker_ids)

        def start() -> int:
            if record_request:
                now = time.perf_counter()
                for wid in worker_ids:
                    self._requests[wid] = now
            process.start()
            if record_request:
                now = time.perf_counter()
                for wid in worker_ids:
                    self._ends[wid] = now
            renice(process.pid, niceness)  # after the start: never delays its first message
            return process.pid

        unit.future = launcher.submit(start)
        self._units.append(unit)

    def _hand_over(self) -> None:
        """Let the launcher thread begin the first start now (``launcher.hand_over``)."""
        if self._units and self._units[0].future is not None:
            launcher.hand_over(self._units[0].future)

    def start_requests(self) -> dict[int, float]:
        return dict(self._requests)

    def start_ends(self) -> dict[int, float]:
        return dict(self._ends)

    def wait_for_end(self, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        pending = [u.future for u in self._units if u.future is not None and not u.future.done()]
        if pending:  # a start under way: its process has no sentinel yet
            launcher.wait(pending, timeout)
        live, ended_since = [], False
        for unit in self._units:
            if unit.future is None or not unit.future.done() or unit.future.exception():
                continue
            if unit.process.exitcode is None:
                live.append(unit.process)
            elif not unit.end_seen:
                unit.end_seen = ended_since = True
        if ended_since:
            return  # ended since the last wait: the caller's next poll is to see it now
        remaining = deadline - time.perf_counter()
        if not live:
            time.sleep(max(0.0, remaining))  # nothing to wait on (lagging messages)
            return
        ready = connection_wait([p.sentinel for p in live], max(0.0, remaining))
        for process in live:
            # a ready sentinel: its fds are closed, but waitpid may say "running" for a
            # few ms more (its threads still exiting). Waiting here keeps the caller
            # from polling in a loop meanwhile; never past the deadline (join() would
            # block on waitpid for as long as a process that closed its fds lives on).
            while (
                process.sentinel in ready
                and process.exitcode is None
                and time.perf_counter() < deadline
            ):
                time.sleep(0.001)

    def sees_ends(self) -> bool:
        return True  # every unit is a process of ours: its sentinel says when it ends

    def units(self) -> list[UnitStatus]:
        statuses = []
        for unit in self._units:
            future = unit.future
            if future is None or not future.done():
                statuses.append(UnitStatus(unit.worker_ids, None, True, None))
                continue
            error = future.exception()
            if error is not None:
                reason = f"{type(error).__name__}: {error}"
                statuses.append(UnitStatus(unit.worker_ids, None, False, None, reason))
                continue
            code = unit.process.exitcode
            statuses.append(UnitStatus(unit.worker_ids, unit.process.pid, code is None, code))
        return statuses

    def _signal(self, worker_id: int | None, method: str) -> list[int]:
        pids = []
        for unit in self._units:
            if worker_id is not None and worker_id not in unit.worker_ids:
                continue
            if unit.future is None or not unit.future.done() or unit.future.exception():
                continue
            if unit.process.exitcode is None:
                getattr(unit.process, method)()
                pids.append(unit.process.pid)
        return pids

    def terminate(self, worker_id: int | None = None) -> list[int]:
        return self._signal(worker_id, "terminate")

    def kill(self, worker_id: int | None = None) -> list[int]:
        return self._signal(worker_id, "kill")

    def close(self) -> None:
        # Starts still queued on the launcher thread never happen: closing must neither
        # wait for them (64 starts on a saturated machine took minutes) nor leave them.
        never = {id(u) for u in self._units if u.future is not None and u.future.cancel()}
        for unit in self._units:
            if id(unit) in never:
                continue
            if unit.future is not None and launcher.launch_failed(unit.future, timeout=10):
                continue  # never started: nothing to reap
            process = unit.process
            process.join(timeout=1.0)
            if process.exitcode is None:
                process.kill()
                process.join(timeout=2.0)
            if process.exitcode is not None:
                process.close()
        if self.queue is not None:
            self.queue.close()
            self.queue.join_thread()
        if self._spare_shape is not None:
            spare.prepare_next(*self._spare_shape)
            self._spare_shape = None


class ProcessEngine(MultiprocessingEngine):
    mode = "process"
    label = "processes"
    uses_start_method = True
    description = (
        "One process per worker. Each has its own interpreter and its own GIL, "
        "so CPU-bound work runs in parallel on several cores."
    )
    tip = (
        "Processes each have their own interpreter and GIL: CPU-bound work runs in "
        "parallel on several cores, at the price of start-up and copying data."
    )
    unit = "process"
    noun = "processes"
    process_per_worker = True
    direct_queue = True
    ran_as = "as processes"
    script_imports = ("import multiprocessing",)
    script_run_all = """

def run_all():
    ctx = multiprocessing.get_context({start_method!r})  # per run; never set_start_method
    processes = [ctx.Process(target=countdown, args=(i, c)) for i, c in enumerate(COUNTS)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    return [(i, f"exit code {{p.exitcode}}") for i, p in enumerate(processes)]
"""

    @classmethod
    def expectation(cls, config: RunConfig) -> str:
        text = (
            f"{config.workers} processes, started with {config.effective_start_method}: "
            "each has its own interpreter and GIL, so with a free core each, cpu bars move "
            "side by side at full speed. Watch the 'start ms' column: spawn pays for a "
            "fresh interpreter per worker."
        )
        niceness = cls.niceness_for(config.workers)
        if niceness:
            text += (
                " More processes than cores: they run at a lower priority "
                f"(nice +{niceness}) than this window, so it keeps ticking while they "
                "queue for the cores."
            )
        return text

    @classmethod
    def running_note(cls, kind: str, cores: int) -> str:
        return (
            f"Processes each have their own GIL: up to {cores} "
            "can run at full speed at once, one per core."
        )

    def context_name(self) -> str:
        method = self.start_method or default_start_method()
        if method not in start_methods():
            raise ValueError(f"start method {method!r} is not available here")
        return method

    #: Above this many workers a start helper process starts them (None: the number
    #: of cores), with ``fork`` and ``spawn``; ``forkserver`` forks in its server already.
    helper_above: int | None = None
    #: Above this many workers per core, the workers run ``NICENESS`` nicer than the
    #: window (``worker_niceness``).
    NICE_ABOVE_PER_CORE = 1
    NICENESS = 10  # the least; more workers per core run nicer still (``niceness_for``)
    #: The kernel's weight of a task at nice 10..19 (``sched_prio_to_weight``; nice 0 is
    #: 1024): a core's time is shared in proportion to the weights of who wants it.
    NICE_WEIGHTS: ClassVar[dict[int, int]] = {
        10: 110, 11: 87, 12: 70, 13: 56, 14: 45, 15: 36, 16: 29, 17: 23, 18: 18, 19: 15,
    }  # fmt: skip
    WINDOW_WEIGHT = 1024
    #: Up to this many busy workers per core report progress every report interval;
    #: more report less often (``progress_gap_for``).
    REPORT_FREELY_PER_CORE = 4
    #: The longest least gap: a bar moves at least twice a second (``DirectQueue``).
    MAX_PROGRESS_GAP_S = 0.5

    def __init__(self, start_method: str | None, queue_size: int) -> None:
        super().__init__(start_method, queue_size)
        self._helper: StartHelper | None = None
        self._niceness = 0
        self._progress_gap_s = 0.0
        self._helper_method = ""
        #: the run's worker count, known before ``open`` when made ``from_config``
        self.planned_workers: int | None = None

    @classmethod
    def from_config(cls, config: RunConfig) -> Engine:
        engine = cls(config.effective_start_method, config.queue_size)
        engine.planned_workers = config.workers
        return engine

    def _shared_context(self) -> Any:
        # A fork run's helper is not forked from the app (see ``start``): the queue and
        # flag then come from the helper's context (a fork context's semaphores cannot
        # be handed to a process that was not forked from their maker).
        planned = self.planned_workers
        if self.context_name() == "fork" and planned is not None and self.uses_helper(planned):
            return get_context(host_start_method())
        return self._ctx

    def worker_niceness(self, workers: int) -> int:
        """How much nicer than the window this run's workers are (``niceness_for``)."""
        return self.niceness_for(workers)

    @classmethod
    def niceness_for(cls, workers: int) -> int:
        """How much nicer than the window ``workers`` worker processes run: 0 up to
        ``NICE_ABOVE_PER_CORE`` per core; past it at least ``NICENESS``, and as much more
        (up to 19) as it takes for the busy workers sharing one core to weigh at most
        half the window's thread (``NICE_WEIGHTS``): 3-8 workers on 2 cores +10, 16 +13,
        32 +16, 64 +19.

        Why: the scheduler gives each task that wants a core a share in proportion to
        its weight, and a thread that ran longer than its share waits until the others
        caught up. The window needs 2-10 ms of CPU at a time (a drain, a repaint); at
        the workers' own priority it got a fifth of a core beside 8 workers on 2 cores
        and waited 5-8 ms in the run queue per ms of work (``/proc/thread-self/schedstat``:
        3.2 s queued for 0.43 s of CPU in 5 s; its 30 ms timer p99 60-110 ms). At +10
        beside 64 workers it still got only a fifth (timer p99 33-38 ms on the shared
        machine); at +19 two thirds (8-13 ms). Nicer workers only yield to the window
        (and to other programs: a run on a busy machine is flagged as such already);
        among themselves nothing changes, and with no more workers than cores each has
        a core of its own: such runs stay as they were.
        Set on each worker right after its start, by whoever started it (the helper, or
        the launcher thread for ``forkserver``'s and for runs too small for a helper).
        """
        if not hasattr(os, "setpriority"):
            return 0
        cores = os.cpu_count() or 1
        if workers <= cls.NICE_ABOVE_PER_CORE * cores:
            return 0
        per_core = -(-workers // cores)  # the busiest core's share of them
        for niceness, weight in sorted(cls.NICE_WEIGHTS.items()):
            if niceness >= cls.NICENESS and per_core * weight <= cls.WINDOW_WEIGHT // 2:
                return niceness
        return max(cls.NICE_WEIGHTS)

    @classmethod
    def progress_gap_for(cls, workers: int, interval: float) -> float:
        """The least gap between one worker's progress reports (0: the report interval):
        ``interval`` times the square of the workers per core over
        ``REPORT_FREELY_PER_CORE``, at most ``MAX_PROGRESS_GAP_S``. On 2 cores, with the
        default 20 ms: 8 workers every report interval (as before), 16 every 80 ms, 32
        every 0.32 s, 64 every 0.5 s (1.28 s by the square).

        Why the square: each progress message waits for the queue's shared write lock,
        and its holder for its own busy main thread's next turn on a core, which comes
        round about once per workers-per-core slices; so the queue delivers about
        ``cores / workers`` as many messages a second (measured: 300/s from 8 busy
        workers on 2 cores, 30-80/s from 64), while ``workers`` want to send. Reports
        beyond that only wait in line and make every bar's value seconds old
        (``workers.PROGRESS_BACKLOG``); fewer, fresh ones keep every bar moving. The
        workers still look at Stop every report interval.

        The square was measured with each worker's feeder thread; ``DirectQueue``
        writers deliver 450-560/s from 64 on the same cores, so the gap is capped: 64
        workers at 0.5 s (128/s) kept the window's thread at the same ~10 % of a core
        and its timer p99 within the noise of 6 alternated rounds at load 15-43 (fork
        median 31 vs 34 ms, spawn 40 vs 41), while the median worker's longest
        still bar went from 1.3 s to 0.6 s (``gui_at_scale --quick``).
        """
        cores = os.cpu_count() or 1
        per_core = -(-workers // cores)
        if per_core <= cls.REPORT_FREELY_PER_CORE:
            return 0.0
        return min(interval * (per_core / cls.REPORT_FREELY_PER_CORE) ** 2, cls.MAX_PROGRESS_GAP_S)

    def uses_helper(self, workers: int) -> bool:
        """Start from a helper: once workers outnumber cores, the first ones take every
        core while the rest are started, and starting them in the window's process then
        stops the window (``core/child/starter.py``)."""
        above = self.helper_above if self.helper_above is not None else os.cpu_count() or 1
        return self.context_name() in HELPED_METHODS and workers > above

    def start(self, specs: list[WorkerSpec]) -> None:
        specs = [
            spec._replace(progress_gap_s=self.progress_gap_for(len(specs), spec.report_interval_s))
            for spec in specs
        ]
        self._progress_gap_s = max((spec.progress_gap_s for spec in specs), default=0.0)
        if self.uses_helper(len(specs)):
            from .start_helper import StartHelper  # only runs that need it pay for it

            method = self.context_name()
            # The helper is a warm forkserver child, never a fork of the app: forking the
            # window's large process stalls it (its GIL held across the page-table copy,
            # then copy-on-write faults for as long as the helper lives). fork's workers
            # are then forks of the small helper. Only a fork run whose queue was made
            # in a fork context (an engine not made from a config) still forks the app.
            forked_queue = method == "fork" and self._shared_context() is self._ctx
            helper_ctx = self._ctx if forked_queue else get_context(host_start_method())
            self._helper_method = helper_ctx.get_start_method()
            self._niceness = self.worker_niceness(len(specs))
            self._helper = StartHelper(
                helper_ctx, method, specs, self.queue, self.stop_event, self._niceness
            )
            return
        self._niceness = self.worker_niceness(len(specs))
        for spec in specs:
            self._launch(
                process_main,
                (spec, self.queue, self.stop_event),
                (spec.worker_id,),
                f"worker-{spec.worker_id}",
                record_request=True,
                niceness=self._niceness,
            )
        self._hand_over()

    def start_requests(self) -> dict[int, float]:
        if self._helper is not None:
            return self._helper.start_requests()
        return super().start_requests()

    def start_ends(self) -> dict[int, float]:
        if self._helper is not None:
            return {}  # the helper's own starts: its requests say when they began
        return super().start_ends()

    def wait_for_end(self, timeout: float) -> None:
        if self._helper is not None:  # the workers are the helper's children, not ours
            time.sleep(timeout)
            return
        super().wait_for_end(timeout)

    def sees_ends(self) -> bool:
        return self._helper is None

    def units(self) -> list[UnitStatus]:
        if self._helper is not None:
            return self._helper.units()
        return super().units()

    def terminate(self, worker_id: int | None = None) -> list[int]:
        if self._helper is not None:
            return self._helper.signal(worker_id, kill=False)
        return super().terminate(worker_id)

    def kill(self, worker_id: int | None = None) -> list[int]:
        if self._helper is not None:
            return self._helper.signal(worker_id, kill=True)
        return super().kill(worker_id)

    def close(self) -> None:
        if self._helper is not None:
            self._helper.close()
        super().close()

    def record_extras(self) -> dict[str, Any]:
        extras: dict[str, Any] = {
            "worker_niceness": self._niceness,
            "progress_gap_s": round(self._progress_gap_s, 4),
        }
        if self._helper is not None:
            extras["start_helper"] = {"start_method": self._helper_method}
        return extras


def host_start_method() -> str:
    """Warm and safe: forkserver where it exists (POSIX), else spawn. Never fork
    the GUI process for a host: it has threads of its own."""
    return "forkserver" if "forkserver" in start_methods() else "spawn"


class HostEngine(MultiprocessingEngine):
    """All workers in one host process: threads, one after another, a thread pool
    or coroutines: the child runs the engine's ``host_entry``."""

    options = frozenset({"python", "switch_interval_s"})
    gil_stamps = True
    #: the host function in ``core.child`` ("module:function"), of (specs, q, stop, options)
    host_entry: ClassVar[str]

    def __init__(self, start_method: str | None, queue_size: int) -> None:
        super().__init__(start_method, queue_size)
        self.host_options: dict[str, Any] = {}

    @classmethod
    def from_config(cls, config: RunConfig) -> Engine:
        """This engine, or with ``python`` set the same host under that interpreter."""
        engine = cls.host_engine(config)
        if config.switch_interval_s is not None:
            engine.host_options["switch_interval_s"] = config.switch_interval_s
        if config.python is None:
            return engine
        from .stdio import StdioHostEngine

        return StdioHostEngine(
            cls.mode,
            cls.host_entry,
            config.python,
            config.queue_size,
            engine.host_options,
            hosted=engine,
        )

    @classmethod
    def host_engine(cls, config: RunConfig) -> HostEngine:
        """The engine with its host options set from ``config`` (subclasses add theirs)."""
        return cls(config.effective_start_method, config.queue_size)

    def context_name(self) -> str:
        return host_start_method()

    def start(self, specs: list[WorkerSpec]) -> None:
        self._launch(
            host_main,
            (self.host_entry, specs, self.queue, self.stop_event, self.host_options),
            tuple(spec.worker_id for spec in specs),
            f"{self.mode}-host",
            record_request=False,
        )
        self._hand_over()


class ThreadEngine(HostEngine):
    mode = "thread"
    label = "threads"
    host_entry = "workers:host_threads"
    description = (
        "One thread per worker, all in one interpreter. In CPython they share one GIL: "
        "CPU-bound threads take turns, I/O and GIL-releasing C code overlap."
    )
    tip = (
        "Threads share one interpreter and, in CPython, one GIL (global interpreter lock): "
        "only one thread runs Python bytecode at a time, switching every 5 ms, so "
        "CPU-bound threads are no faster than one after another. They do overlap while "
        "waiting (io) or inside C code that releases the GIL (nogil)."
    )
    unit = "thread"
    noun = "threads"
    ran_as = "as threads"
    thread_per_worker = True
    script_imports = ("import threading",)
    script_run_all = """

def run_all():
    results = []
    threads = [
        threading.Thread(target=lambda i=i, c=c: results.append(countdown(i, c)))
        for i, c in enumerate(COUNTS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)
"""

    @classmethod
    def expectation(cls, config: RunConfig) -> str:
        n = config.workers
        text = (
            f"{n} threads run inside one separate host process (not in this window's "
            "process), so the window keeps ticking even while they fight over that "
            "process's GIL. "
        )
        if config.kind == "cpu":
            return text + (
                "cpu work holds the GIL: the threads take turns, every bar moves at 1/"
                f"{n} speed, and the speedup comes out near 1x."
            )
        if config.kind == "io":
            return text + "io steps sleep and release the GIL: the threads overlap."
        return text + "nogil steps release the GIL inside C code: threads can use several cores."

    @classmethod
    def running_note(cls, kind: str, cores: int) -> str:
        if kind == "cpu":
            return (
                "Threads share one GIL: only one runs Python at a time, so together they "
                "get about one core, each about 1/N of it. They take turns."
            )
        return super().running_note(kind, cores)


class SequentialEngine(HostEngine):
    mode = "sequential"
    label = "one after another"
    host_entry = "workers:host_one_after_another"
    description = "The baseline: the same workers, run one after another on one thread."
    tip = "One worker after another: the baseline every speedup is measured against."
    where = "one after another"
    ran_as = "one after another"
    is_baseline = True
    script_run_all = """

def run_all():
    return [countdown(i, count) for i, count in enumerate(COUNTS)]
"""

    @classmethod
    def expectation(cls, config: RunConfig) -> str:
        return (
            "One after another, on one thread in a host process: one bar at a time. This is "
            "the baseline the other modes' speedup is measured against."
        )

    @classmethod
    def running_note(cls, kind: str, cores: int) -> str:
        return "One after another: one lane at a time is busy."
