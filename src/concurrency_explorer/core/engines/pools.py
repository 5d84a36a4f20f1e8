"""Pools (``concurrent.futures``): workers become *tasks* handed to a fixed set of
threads or processes that outlive each task.

What a pool changes, and what these engines let you see:

- start-up is paid once: a process pool kept *warm* between runs of the same
  shape (start method, pool size, queue size) starts its second run's tasks in
  about a millisecond instead of a process start each (``start_latency_s``);
- tasks reuse workers: with ``pool_size`` below the number of workers, later
  tasks wait for a free slot and run on a thread or process that already ran one
  (``task_reused`` in the record);
- a process pool is one failure domain: when one pool process dies, the executor
  breaks and every task still in it fails with ``BrokenProcessPool``.

The process pool's processes are created by the launcher thread (``submit`` spawns
them there), which lives as long as the app: ``PR_SET_PDEATHSIG`` in the pool's
initializer fires when the *thread* that created the process ends. Warm pools
are shut down by ``shutdown_warm_pools()``: the CLI calls it before exiting, the
window on close, ``atexit`` as a last resort, and the test suite after each test.
"""

from __future__ import annotations

import atexit
import functools
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from .. import launcher
from ..child.direct_queue import make_queue
from ..child.iftry import drain
from ..child.pool_worker import pool_init, pool_task
from ..child.workers import WorkerSpec
from ..config import RunConfig
from ..environment import default_start_method, start_methods
from .base import Engine, UnitStatus
from .mp import HostEngine, ProcessEngine, get_context

MAX_WARM_POOLS = 2  # a few shapes at most: each warm pool holds processes and memory
BROKEN_TEXT = (
    "the process pool broke: one of its processes died, and a pool is one failure "
    "domain, so every task still in it failed (BrokenProcessPool)"
)
CANCELLED_TEXT = "cancelled before a pool slot was free (Stop)"


@dataclass
class WarmPool:
    """A process pool with the channel its initializer handed to every process."""

    key: tuple[str, int, int]
    executor: ProcessPoolExecutor
    queue: Any
    stop_event: Any
    runs: int = 0  # runs served so far
    processes: dict[int, Any] = field(default_factory=dict)  # pid -> Process, as seen

    def shutdown(self) -> None:
        """Stop the pool's processes and wait for them, then release the queue."""
        self.executor.shutdown(wait=True, cancel_futures=True)
        for process in self.processes.values():
            process.join(timeout=2.0)
            if process.exitcode is None:
                process.kill()
                process.join(timeout=2.0)
        self.queue.close()
        self.queue.join_thread()


_warm: dict[tuple[str, int, int], WarmPool] = {}
_warm_lock = threading.Lock()


def _take_warm(key: tuple[str, int, int]) -> WarmPool | None:
    with _warm_lock:
        return _warm.pop(key, None)


def _keep_warm(pool: WarmPool) -> None:
    evicted = []
    with _warm_lock:
        _warm[pool.key] = pool
        while len(_warm) > MAX_WARM_POOLS:
            evicted.append(_warm.pop(next(iter(_warm))))
    for old in evicted:
        old.shutdown()


def warm_pool_keys() -> list[tuple[str, int, int]]:
    """Shapes (start method, pool size, queue size) of the pools kept warm now."""
    with _warm_lock:
        return list(_warm)


def shutdown_warm_pools() -> int:
    """Shut every warm pool down and wait for its processes. Returns how many."""
    with _warm_lock:
        pools = list(_warm.values())
        _warm.clear()
    for pool in pools:
        pool.shutdown()
    return len(pools)


atexit.register(shutdown_warm_pools)


class PoolProcessEngine(Engine):
    """Workers as tasks of a ``ProcessPoolExecutor`` (``mp_context`` from the start
    method), kept warm between runs of the same shape."""

    mode = "pool-process"
    label = "process pool"
    uses_start_method = True
    options = frozenset({"pool_size"})
    description = (
        "A pool of processes that outlive each task. The first run pays for starting "
        "them; a second run of the same shape finds them warm and starts at once."
    )
    unit = "process-pool task"
    keeps_warm = True
    where = "in a process pool"
    ran_as = "in a process pool"
    script_imports = (
        "import multiprocessing",
        "from concurrent.futures import ProcessPoolExecutor",
    )
    script_run_all = """

def run_all():
    ctx = multiprocessing.get_context({start_method!r})
    with ProcessPoolExecutor(max_workers=len(COUNTS), mp_context=ctx) as pool:
        return list(pool.map(countdown, range(len(COUNTS)), COUNTS))
"""

    @classmethod
    def shutdown(cls, timeout: float = 30.0) -> bool:
        shutdown_warm_pools()
        return True

    def __init__(self, start_method: str | None, queue_size: int) -> None:
        super().__init__(start_method, queue_size)
        self.pool_size: int | None = None
        self._pool: WarmPool | None = None
        self._was_warm = False
        self._launch: launcher.Job | None = None
        self._requests: dict[int, float] = {}
        self._broken = False
        self._signalled: list[int] = []
        self._process_pids: set[int] = set()
        self._progress_gap_s = 0.0

    @classmethod
    def from_config(cls, config: RunConfig) -> PoolProcessEngine:
        engine = cls(config.effective_start_method, config.queue_size)
        engine.pool_size = config.pool_size or config.workers
        return engine

    def open(self) -> None:
        method = self.start_method or default_start_method()
        if method not in start_methods():
            raise ValueError(f"start method {method!r} is not available here")
        size = self.pool_size or 1
        key = (method, size, self.queue_size)
        pool = _take_warm(key)
        self._was_warm = pool is not None
        if pool is None:
            ctx = get_context(method)
            q = make_queue(ctx, self.queue_size)  # no feeder thread in a busy pool process
            stop = ctx.Event()
            executor = ProcessPoolExecutor(
                max_workers=size,
                mp_context=ctx,
                initializer=pool_init,
                initargs=(q, stop, self.worker_niceness()),
            )
            pool = WarmPool(key, executor, q, stop)
        else:
            pool.stop_event.clear()
            drain(pool.queue, 1_000_000)  # nothing should be left; never mix two runs
        pool.runs += 1
        self._pool = pool
        self.queue = pool.queue
        self.stop_event = pool.stop_event

    def worker_niceness(self) -> int:
        """How much nicer than the window the pool's processes run: as many busy worker
        processes (the pool's size) run in mode process (``ProcessEngine.niceness_for``)."""
        return ProcessEngine.niceness_for(self.pool_size or 1)

    def start(self, specs: list[WorkerSpec]) -> None:
        assert self._pool is not None, "open() first"
        # as many busy processes as the pool's size: crowded, they report less often
        gap = functools.partial(ProcessEngine.progress_gap_for, self.pool_size or 1)
        specs = [spec._replace(progress_gap_s=gap(spec.report_interval_s)) for spec in specs]
        self._progress_gap_s = max((spec.progress_gap_s for spec in specs), default=0.0)
        self._launch = launcher.submit(self._submit_all, self._pool, specs)

    def _submit_all(self, pool: WarmPool, specs: list[WorkerSpec]) -> dict[int, Future[Any]]:
        # On the launcher thread: ``submit`` starts pool processes from here.
        futures = {}
        for spec in specs:
            t_request = time.perf_counter()
            self._requests[spec.worker_id] = t_request
            futures[spec.worker_id] = pool.executor.submit(pool_task, spec, t_request)
        # the executor's own table of its processes (pid -> Process); read after the
        # submits that created them, so terminate/kill and shutdown can reach them
        pool.processes.update(getattr(pool.executor, "_processes", None) or {})
        self._process_pids.update(pool.processes)
        return futures

    def start_requests(self) -> dict[int, float]:
        return dict(self._requests)

    def _futures(self) -> dict[int, Future[Any]] | None:
        if self._launch is None or not self._launch.done() or self._launch.exception():
            return None
        return self._launch.result()

    def units(self) -> list[UnitStatus]:
        if self._launch is not None and self._launch.done() and self._launch.exception():
            error = self._launch.exception()
            reason = f"{type(error).__name__}: {error}"
            return [UnitStatus((wid,), None, False, None, reason) for wid in self._requests]
        futures = self._futures()
        if futures is None:
            return [UnitStatus(tuple(self._requests), None, True, None)]
        return [self._status(wid, future) for wid, future in futures.items()]

    def _status(self, wid: int, future: Future[Any]) -> UnitStatus:
        if not future.done():
            return UnitStatus((wid,), None, True, None)
        if future.cancelled():
            return UnitStatus((wid,), None, False, None, failure=CANCELLED_TEXT)
        error = future.exception()
        failure = None
        if isinstance(error, BrokenProcessPool):
            self._broken = True
            failure = BROKEN_TEXT
        elif error is not None:
            failure = f"{type(error).__name__}: {error}"
        if failure:
            return UnitStatus((wid,), None, False, None, failure=failure, messages_may_lag=True)
        pid, _before = future.result()
        # the result can overtake the task's last messages (the process lives on,
        # its queue's feeder thread may still be sending): let the runner wait for them
        return UnitStatus((wid,), pid, False, 0, messages_may_lag=True)

    def request_stop(self) -> None:
        super().request_stop()
        futures = self._futures() or {}
        for future in futures.values():
            future.cancel()  # only tasks still waiting for a slot; running ones see the Event

    def _signal(self, sig: int) -> list[int]:
        # A pool process cannot be ended alone: the executor breaks and ends the rest.
        # So terminate/kill (of one worker or all) end the whole pool.
        if self._pool is None:
            return []
        pids = []
        for pid, process in list(self._pool.processes.items()):
            if process.exitcode is None:
                self._broken = True
                (process.kill if sig == signal.SIGKILL else process.terminate)()
                pids.append(pid)
        self._signalled.extend(pids)
        return pids

    def terminate(self, worker_id: int | None = None) -> list[int]:
        return self._signal(signal.SIGTERM)

    def kill(self, worker_id: int | None = None) -> list[int]:
        return self._signal(signal.SIGKILL)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if self._launch is not None and launcher.launch_failed(self._launch, timeout=30):
            self._broken = True
        futures = self._futures() or {}
        for future in futures.values():
            if not future.done():
                future.cancel()
            done = future.done() and not future.cancelled()
            if done and isinstance(future.exception(), BrokenProcessPool):
                self._broken = True
        if getattr(pool.executor, "_broken", False) or not all(f.done() for f in futures.values()):
            self._broken = True
        if self._broken:
            pool.shutdown()
        else:
            _keep_warm(pool)

    def record_extras(self) -> dict[str, Any]:
        pool = self._pool_info()
        extras: dict[str, Any] = {
            "worker_niceness": self.worker_niceness(),
            "progress_gap_s": self._progress_gap_s,
        }
        if pool:
            extras["pool"] = pool
        return extras

    def _pool_info(self) -> dict[str, Any]:
        futures = self._futures() or {}
        pids = set()
        for future in futures.values():
            if future.done() and not future.cancelled() and future.exception() is None:
                pids.add(future.result()[0])
        return {
            "kind": "process",
            "size": self.pool_size,
            "warm": self._was_warm,
            "kept_warm": not self._broken,
            "pids": sorted(pids),  # the pool processes that ran this run's tasks
            "processes": sorted(self._process_pids),  # every process of the pool
        }

    def worker_extras(self) -> dict[int, dict[str, Any]]:
        extras = {}
        for wid, future in (self._futures() or {}).items():
            if future.done() and not future.cancelled() and future.exception() is None:
                _pid, before = future.result()
                extras[wid] = {"task_reused": before > 0}
        return extras


class PoolThreadEngine(HostEngine):
    """Workers as tasks of a ``ThreadPoolExecutor`` inside a host process."""

    mode = "pool-thread"
    label = "thread pool"
    host_entry = "workers:host_thread_pool"
    description = (
        "A pool of threads in one host process. Tasks queue for a free thread; "
        "with fewer threads than workers, later tasks reuse the first ones' threads."
    )
    unit = "thread-pool task"
    where = "in a thread pool"
    ran_as = "in a thread pool"
    script_imports = ("from concurrent.futures import ThreadPoolExecutor",)
    script_run_all = """

def run_all():
    with ThreadPoolExecutor(max_workers=len(COUNTS)) as pool:
        return list(pool.map(countdown, range(len(COUNTS)), COUNTS))
"""

    options = frozenset({"pool_size", "python", "switch_interval_s"})

    @classmethod
    def host_engine(cls, config: RunConfig) -> PoolThreadEngine:
        engine = cls(config.effective_start_method, config.queue_size)
        engine.host_options["pool_size"] = config.pool_size or config.workers
        return engine

    def record_extras(self) -> dict[str, Any]:
        return {"pool": {"kind": "thread", "size": self.host_options.get("pool_size")}}
