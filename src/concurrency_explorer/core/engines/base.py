"""The engine interface: every way of running workers sits behind it.

A run asks an engine for a channel (a queue and a stop event), hands it worker
specs, and then only reads messages and unit statuses. Sequential, threads and
processes today; pools, asyncio, subinterpreters or a cluster are new subclasses
that speak the same protocol (``core.child.protocol``) and so fill the same run record.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from ..child.workers import WorkerSpec

if TYPE_CHECKING:
    from ..config import RunConfig


class UnitStatus(NamedTuple):
    """One OS-level thing the engine runs (a process, a host process, a task).
    A NamedTuple: a frozen dataclass imported ``inspect`` into every CLI run."""

    worker_ids: tuple[int, ...]
    pid: int | None
    alive: bool
    exitcode: int | None  # None while running; negative: killed by that signal
    start_error: str | None = None
    #: why the unit ended without its workers' final messages, when the engine
    #: knows better than an exit code (a broken pool, a cancelled cluster task)
    failure: str | None = None
    #: True when the unit's end does not imply its messages arrived: a pool process
    #: outlives its task, and its queue's feeder thread may still be sending when the
    #: task's result is back; a cluster reports over another channel than results.
    #: The runner then gives the messages ``LAG_GRACE_S`` before judging the worker.
    messages_may_lag: bool = False


class Engine(ABC):
    """Runs worker specs and reports through ``self.queue`` (the protocol's messages)."""

    mode: ClassVar[str]
    label: ClassVar[str]  # plain words for the window and the results text
    uses_start_method: ClassVar[bool] = False
    description: ClassVar[str] = ""
    #: RunConfig options beyond the common ones that this engine understands
    #: (e.g. ``pool_size``); validation refuses the others for this mode.
    options: ClassVar[frozenset[str]] = frozenset()
    #: True when the workers share one interpreter (threads of a host, coroutines):
    #: they then log when they held its GIL, and the record gains ``gil``
    gil_stamps: ClassVar[bool] = False
    #: True when those workers share one GIL (threads); False: one GIL each (subinterpreters)
    gil_shared: ClassVar[bool] = True

    # -- what the window and the CLI say about this mode (plain words) ---------------
    #: the mode menu's tooltip: teaching text; ``description`` when empty
    tip: ClassVar[str] = ""
    #: one unit of work, counted in the results' headline ("2 processes", "1 coroutine")
    unit: ClassVar[str] = "worker"
    #: a count of workers while they run: noun and where ("Running 2 workers in a thread
    #: pool…"), and how they ran ("4 workers ran as threads")
    noun: ClassVar[str] = "workers"
    where: ClassVar[str] = ""
    ran_as: ClassVar[str] = ""
    #: True for the baseline mode, one worker after another: the speedup's reference
    is_baseline: ClassVar[bool] = False
    #: True when every worker is a process of its own, started by this run
    process_per_worker: ClassVar[bool] = False
    #: True when every worker is a thread of its own, started by this run (each has its
    #: own thread id; one after another and coroutines share one thread)
    thread_per_worker: ClassVar[bool] = False
    #: True when the run has a dashboard to link to (``record_extras`` says where)
    has_dashboard: ClassVar[bool] = False
    #: True when a second run of the same shape starts warm (kept processes): a
    #: comparison then runs this mode twice, cold and warm
    keeps_warm: ClassVar[bool] = False
    #: the standalone script (``core.scenarios.codegen``): import lines and the body of
    #: ``run_all()``, with ``{start_method}`` filled in; None: no standalone equivalent
    script_imports: ClassVar[tuple[str, ...]] = ()
    script_run_all: ClassVar[str | None] = None

    @classmethod
    def tooltip(cls) -> str:
        """What the mode menu shows for this mode."""
        return cls.tip or cls.description

    @classmethod
    def expectation(cls, config: RunConfig) -> str:
        """What a person should expect to see for ``config``, before pressing Run."""
        text = cls.description
        if config.effective_start_method:
            text += f" Processes are started with {config.effective_start_method}."
        return text + " Like every mode, it runs outside this window's process."

    @classmethod
    def running_note(cls, kind: str, cores: int) -> str:
        """The Timeline's sentence while ``kind`` workers run on a ``cores``-core machine."""
        return f"{kind} work releases the GIL while it waits, so threads overlap."

    @classmethod
    def shutdown(cls, timeout: float = 30.0) -> bool:
        """End what this engine keeps between runs (warm pools, closing clusters),
        waiting up to ``timeout`` seconds; False when something is still closing.
        The CLI calls it before exiting, the test suite after every test."""
        return True

    def __init__(self, start_method: str | None, queue_size: int) -> None:
        self.start_method = start_method
        self.queue_size = queue_size
        self.queue: Any = None
        self.stop_event: Any = None

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        """(available, reason if not) for this interpreter and platform."""
        return True, ""

    @classmethod
    def from_config(cls, config: RunConfig) -> Engine:
        """The engine for one run; engines with options of their own read them here."""
        return cls(config.effective_start_method, config.queue_size)

    def worker_extras(self) -> dict[int, dict[str, Any]]:
        """Per-worker keys this engine adds to the record's ``workers`` entries."""
        return {}

    def worker_places(self) -> dict[int, str]:
        """Where each worker ran, when that is not this machine's process (a Dask
        worker's address); the worker rows show it."""
        return {}

    def record_extras(self) -> dict[str, Any]:
        """Run-level keys this engine adds to the record (e.g. ``pool``, ``dask``)."""
        return {}

    def worker_environment(self) -> dict[str, Any] | None:
        """The interpreter that ran the workers (the record's ``worker_environment``):
        this one, unless the engine runs them elsewhere (``--python``, a cluster);
        None when that is unknown (the other interpreter never answered)."""
        from ..environment import environment

        env = environment()
        return {key: env[key] for key in ("python", "implementation", "gil_enabled", "executable")}

    @abstractmethod
    def open(self) -> None:
        """Create ``self.queue`` and ``self.stop_event``."""

    @abstractmethod
    def start(self, specs: list[WorkerSpec]) -> None:
        """Start the workers without blocking the caller for long."""

    @abstractmethod
    def units(self) -> list[UnitStatus]:
        """The current status of every unit (non-blocking)."""

    def start_requests(self) -> dict[int, float]:
        """perf_counter of each worker's start request, where the parent knows it."""
        return {}

    def wait_for_end(self, timeout: float) -> None:
        """Block up to ``timeout``, returning early when one of this run's units ends
        where the engine can see that (its processes' sentinels); else a sleep."""
        time.sleep(timeout)

    def sees_ends(self) -> bool:
        """True when ``wait_for_end`` wakes as soon as a unit ends: a caller may then
        poll less often without noticing the run's end any later."""
        return False

    def start_ends(self) -> dict[int, float]:
        """perf_counter when each worker's ``Process.start()`` returned, where this
        process made that call: with ``start_requests`` it shows what the app itself
        did before each start (``app_start_s`` in the record)."""
        return {}

    def request_stop(self) -> None:
        """Step one of Stop: the cooperative signal workers check at each report."""
        if self.stop_event is not None:
            self.stop_event.set()

    @abstractmethod
    def terminate(self, worker_id: int | None = None) -> list[int]:
        """Step two: SIGTERM the units (of one worker, or all). Returns pids signalled."""

    @abstractmethod
    def kill(self, worker_id: int | None = None) -> list[int]:
        """Step three: SIGKILL. Returns pids signalled."""

    @abstractmethod
    def close(self) -> None:
        """Reap everything and release the queue. Called once the run is over."""
