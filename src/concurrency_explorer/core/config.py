"""What a run is: one validated, JSON-friendly configuration shared by CLI, GUI and files.

Validation lives here, once: the CLI turns a ``ConfigError`` into exit code 2, the
window into a message beside the field, the experiment loader into a dialog.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any

from .child.workers import FAULTS, KINDS, WorkerSpec
from .environment import default_start_method, start_methods

MAX_WORKERS = 64
MAX_COUNT = 1_000_000_000
MAX_QUEUE_SIZE = 1_000_000
DEFAULT_QUEUE_SIZE = 1024  # bounded on purpose: an unbounded queue grows without limit
DEFAULT_COUNT = 2000
DEFAULT_STEP_SLEEP_S = 0.001  # io workers: one short sleep per step


#: RunConfig fields that only some engines accept (``Engine.options``), with their
#: plain-words names for error messages.
ENGINE_OPTIONS = {
    "pool_size": "pool size",
    "no_yield": "no-yield workers (only coroutines can refuse to yield)",
    "python": "other Python (--python runs host modes: thread, sequential, pool-thread, asyncio)",
    "scheduler": "Dask scheduler (--scheduler is for --mode dask)",
    "switch_interval_s": (
        "GIL switch interval (--switch-interval is for workers that share one interpreter: "
        "thread, pool-thread, asyncio, sequential)"
    ),
}
MIN_SWITCH_INTERVAL_S = 1e-6
MAX_SWITCH_INTERVAL_S = 1.0
SCHEDULER_ADDRESS = re.compile(r"^(tcp|tls)://[A-Za-z0-9._\-\[\]:]+:\d{1,5}$")

#: the mode a new window and a bare ``run`` use
DEFAULT_MODE = "process"


class ConfigError(ValueError):
    """A configuration a person got wrong; the message is one plain line."""


def check_mode(mode: object) -> None:
    """ConfigError unless ``mode`` names a registered engine that can run here: the one
    check of a mode's name, for configs, files and every command's flags."""
    from .engines import get_engine_class, mode_names

    if not isinstance(mode, str) or mode not in mode_names():
        raise ConfigError(f"unknown mode {mode!r}; expected one of {', '.join(mode_names())}")
    available, reason = get_engine_class(mode).availability()
    if not available:
        raise ConfigError(f"mode {mode!r} is not available here: {reason}")


def _int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ConfigError(f"{name} must be a whole number, got {value!r:.40}")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:,} and {high:,}, got {value:,}")
    return value


def _float(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{name} must be a number, got {value!r:.40}")
    value = float(value)
    if not math.isfinite(value) or not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _check_python(path: Any) -> None:
    """A usable interpreter path, judged without running it (validation stays cheap)."""
    if not isinstance(path, str) or not path.strip():
        raise ConfigError("the Python interpreter (--python) must be a file's path")
    shown = path[:200]
    if os.path.isdir(path):
        raise ConfigError(f"the Python interpreter {shown} is a folder, not a program")
    if not os.path.isfile(path):
        raise ConfigError(f"the Python interpreter {shown}: no such file")
    if not os.access(path, os.X_OK):
        raise ConfigError(f"the Python interpreter {shown} is not executable (chmod +x?)")


def takes_start_method(mode: str) -> bool:
    from .engines import get_engine_class

    return get_engine_class(mode).uses_start_method


class RunConfig:
    """One run: how many workers, how much each counts, and how they are run.

    Immutable, compared by value. Written out rather than a frozen dataclass:
    ``dataclasses`` imports ``inspect``, 14 ms of -X importtime in every
    command-line run, which a bare multiprocessing script does not pay.
    """

    #: the fields, in order: the ``config`` keys of experiment files and records
    FIELDS = (
        "mode", "start_method", "workers", "counts", "kind", "queue_size",
        "step_iterations", "step_sleep_s", "step_bytes", "report_interval_s", "faults",
        "worker_kinds", "echo", "pool_size", "no_yield", "python", "scheduler",
        "switch_interval_s",
    )  # fmt: skip
    __slots__ = FIELDS

    mode: str
    start_method: str | None  # None: the platform default (process-like modes only)
    workers: int
    counts: tuple[int, ...]
    kind: str
    queue_size: int  # 0 = unbounded (the page's warning, made real)
    step_iterations: int
    step_sleep_s: float
    step_bytes: int
    report_interval_s: float
    faults: dict[int, str]
    #: per-worker kinds overriding ``kind`` (an I/O thread beside a CPU-bound one)
    worker_kinds: dict[int, str]
    echo: bool
    pool_size: int | None  # pool modes: worker slots; None = one per worker
    no_yield: tuple[int, ...]  # asyncio: ids of coroutines that never await
    python: str | None  # host modes: run the host under this interpreter
    scheduler: str | None  # dask: an existing cluster's scheduler; None = LocalCluster
    #: host modes: ``sys.setswitchinterval`` in the workers' host; None = Python's default
    switch_interval_s: float | None

    def __init__(
        self,
        mode: str = DEFAULT_MODE,
        start_method: str | None = None,
        workers: int = 2,
        counts: tuple[int, ...] = (DEFAULT_COUNT, DEFAULT_COUNT),
        kind: str = "cpu",
        queue_size: int = DEFAULT_QUEUE_SIZE,
        step_iterations: int = 20_000,
        step_sleep_s: float = DEFAULT_STEP_SLEEP_S,
        step_bytes: int = 1 << 20,
        report_interval_s: float = 0.02,
        faults: dict[int, str] | None = None,
        worker_kinds: dict[int, str] | None = None,
        echo: bool = False,
        pool_size: int | None = None,
        no_yield: tuple[int, ...] = (),
        python: str | None = None,
        scheduler: str | None = None,
        switch_interval_s: float | None = None,
    ) -> None:
        values = locals()
        for name in self.FIELDS:
            object.__setattr__(self, name, values[name])
        object.__setattr__(self, "faults", {} if faults is None else faults)
        object.__setattr__(self, "worker_kinds", {} if worker_kinds is None else worker_kinds)
        self.validate()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a RunConfig cannot change: use replace({name}=...)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a RunConfig cannot change")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RunConfig):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # holds dicts: as unhashable as before

    def __reduce__(self) -> tuple[Any, ...]:  # pickle and copy: made anew, validated
        return (self.__class__, self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"RunConfig({fields})"

    @classmethod
    def build(
        cls,
        *,
        workers: int = 2,
        count: int | None = None,
        counts: list[int] | tuple[int, ...] | None = None,
        **kwargs: Any,
    ) -> RunConfig:
        """Make a config from one shared ``count`` or a per-worker ``counts`` list."""
        if count is not None and counts is not None:
            raise ConfigError("give either one count for all workers or a counts list, not both")
        workers = _int("workers", workers, 1, MAX_WORKERS)
        if counts is None:
            counts = (DEFAULT_COUNT if count is None else count,) * workers
        return cls(workers=workers, counts=tuple(counts), **kwargs)

    def validate(self) -> None:
        from .engines import get_engine_class

        check_mode(self.mode)
        engine = get_engine_class(self.mode)
        _int("workers", self.workers, 1, MAX_WORKERS)
        if not isinstance(self.counts, tuple):
            object.__setattr__(self, "counts", tuple(self.counts))
        if isinstance(self.no_yield, list):
            object.__setattr__(self, "no_yield", tuple(self.no_yield))
        if len(self.counts) != self.workers:
            raise ConfigError(
                f"{len(self.counts)} counts given for {self.workers} workers; "
                "give one count per worker"
            )
        for i, count in enumerate(self.counts):
            _int(f"count of worker {i}", count, 1, MAX_COUNT)
        if self.kind not in KINDS:
            raise ConfigError(f"unknown kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if engine.uses_start_method:
            if self.start_method is not None and self.start_method not in start_methods():
                raise ConfigError(
                    f"start method {self.start_method!r} is not available on this platform; "
                    f"available: {', '.join(start_methods())}"
                )
        elif self.start_method is not None:
            raise ConfigError(f"mode {self.mode!r} takes no start method")
        _int("queue size", self.queue_size, 0, MAX_QUEUE_SIZE)
        _int("step iterations", self.step_iterations, 1, 100_000_000)
        _float("step sleep", self.step_sleep_s, 0.0, 10.0)
        _int("step bytes", self.step_bytes, 1, 64 << 20)
        _float("report interval", self.report_interval_s, 0.001, 5.0)
        if not isinstance(self.faults, dict):
            raise ConfigError("faults must map worker ids to fault names")
        for wid, fault in self.faults.items():
            _int("fault worker id", wid, 0, self.workers - 1)
            if fault not in FAULTS:
                raise ConfigError(f"unknown fault {fault!r}; expected one of {', '.join(FAULTS)}")
        if not isinstance(self.worker_kinds, dict):
            raise ConfigError("worker_kinds must map worker ids to kinds")
        for wid, kind in self.worker_kinds.items():
            _int("worker_kinds worker id", wid, 0, self.workers - 1)
            if kind not in KINDS:
                raise ConfigError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        if not isinstance(self.echo, bool):
            raise ConfigError("echo must be true or false")
        self._validate_engine_options(engine.options)

    def _validate_engine_options(self, accepted: frozenset[str]) -> None:
        """Options only some engines take: refused, in plain words, for the others."""
        for name, label in ENGINE_OPTIONS.items():
            value = getattr(self, name)
            if value in (None, (), False) or name in accepted:
                continue
            raise ConfigError(f"mode {self.mode!r} takes no {label}")
        if self.pool_size is not None:
            _int("pool size", self.pool_size, 1, MAX_WORKERS)
        if not isinstance(self.no_yield, tuple):
            raise ConfigError("no_yield must be a list of worker ids")
        for wid in self.no_yield:
            _int("no-yield worker id", wid, 0, self.workers - 1)
        if self.python is not None:
            _check_python(self.python)
        if self.switch_interval_s is not None:
            _float(
                "switch interval (seconds)",
                self.switch_interval_s,
                MIN_SWITCH_INTERVAL_S,
                MAX_SWITCH_INTERVAL_S,
            )
        if self.scheduler is not None and (
            not isinstance(self.scheduler, str) or not SCHEDULER_ADDRESS.match(self.scheduler)
        ):
            raise ConfigError(
                f"--scheduler must look like tcp://HOST:PORT, got {str(self.scheduler)[:80]!r}"
            )

    @property
    def effective_start_method(self) -> str | None:
        """The start method this run uses: None for modes that take none."""
        if not takes_start_method(self.mode):
            return None
        return self.start_method or default_start_method()

    def worker_specs(self) -> list[WorkerSpec]:
        return [
            WorkerSpec(
                worker_id=i,
                count=count,
                kind=self.worker_kinds.get(i, self.kind),
                step_iterations=self.step_iterations,
                step_sleep_s=self.step_sleep_s,
                step_bytes=self.step_bytes,
                report_interval_s=self.report_interval_s,
                fault=self.faults.get(i),
                echo=self.echo,
                no_yield=i in self.no_yield,
            )
            for i, count in enumerate(self.counts)
        ]

    def replace(self, **changes: Any) -> RunConfig:
        """A copy with ``changes``, validated like any new config."""
        unknown = set(changes) - set(self.FIELDS)
        if unknown:
            raise TypeError(f"RunConfig has no field {', '.join(sorted(unknown))}")
        return RunConfig(**{name: getattr(self, name) for name in self.FIELDS} | changes)

    def to_dict(self) -> dict[str, Any]:
        """The ``config`` object of the run/1 record (JSON-ready)."""
        return {
            "mode": self.mode,
            "start_method": self.effective_start_method,
            "workers": self.workers,
            "counts": list(self.counts),
            "kind": self.kind,
            "queue_size": self.queue_size,
            "step_iterations": self.step_iterations,
            "step_sleep_s": self.step_sleep_s,
            "step_bytes": self.step_bytes,
            "report_interval_s": self.report_interval_s,
            "faults": {str(k): v for k, v in sorted(self.faults.items())},
            "worker_kinds": {str(k): v for k, v in sorted(self.worker_kinds.items())},
            "echo": self.echo,
            "pool_size": self.pool_size,
            "no_yield": sorted(self.no_yield),
            "python": self.python,
            "scheduler": self.scheduler,
            "switch_interval_s": self.switch_interval_s,
        }

    @classmethod
    def from_dict(cls, data: Any) -> RunConfig:
        """Build from a JSON object (an experiment file or a record's ``config``).

        Unknown keys are refused rather than ignored: a typo must not silently
        run something other than what the file says.
        """
        if not isinstance(data, dict):
            raise ConfigError(f"a configuration must be a JSON object, got {type(data).__name__}")
        known = set(cls.FIELDS)
        extra = sorted(set(data) - known)
        if extra:
            raise ConfigError(f"unknown configuration keys: {', '.join(map(str, extra))[:200]}")
        values = dict(data)
        if "counts" in values:
            counts = values["counts"]
            if not isinstance(counts, list | tuple):
                raise ConfigError("counts must be a list of whole numbers")
            if len(counts) > MAX_WORKERS:
                raise ConfigError(f"at most {MAX_WORKERS} counts, got {len(counts)}")
            values["counts"] = tuple(counts)
            values.setdefault("workers", len(counts))
        elif "workers" in values:
            workers = _int("workers", values["workers"], 1, MAX_WORKERS)
            values["counts"] = (DEFAULT_COUNT,) * workers
        for key, what in (("faults", "fault names"), ("worker_kinds", "kinds")):
            if key not in values:
                continue
            mapping = values[key]
            if not isinstance(mapping, dict):
                raise ConfigError(f"{key} must map worker ids to {what}")
            try:
                values[key] = {int(k): v for k, v in mapping.items()}
            except (TypeError, ValueError):
                raise ConfigError(f"{key} worker ids must be whole numbers") from None
        return cls(**values)
