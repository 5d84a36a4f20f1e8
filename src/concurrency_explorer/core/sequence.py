"""Run sequences: planned runs, one after another, and the one meaning of "the same workload".

A ``RunSequence`` only *plans* runs and collects their records; it never runs
anything itself. The CLI drives it with ``run_sequence`` (blocking, on its own
thread); the window drives the same object from its RunController, one run per
``finished`` signal, so the GUI thread never waits on a loop. Measured baselines
(``core/measured.py``), sweeps (``core/sweep.py``) and engine comparisons
(``core/compare.py``) are all sequences.

"The same workload" is defined here, once: the fields in ``WORKLOAD_FIELDS``. A
measured speedup compares a run with ``baseline_config(run)``, the same workload
done one after another; engine options (pool size, ``--python``, a Dask scheduler,
no-yield, injected faults) belong to the engine, not to the work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .config import RunConfig

BASELINE_MODE = "sequential"

#: The workload: what a run and its one-after-another baseline do alike.
WORKLOAD_FIELDS = (
    "workers",
    "counts",
    "kind",
    "queue_size",
    "step_iterations",
    "step_sleep_s",
    "step_bytes",
    "report_interval_s",
)


def workload_of(config: RunConfig) -> dict[str, Any]:
    """The fields of ``config`` that make up its workload."""
    return {name: getattr(config, name) for name in WORKLOAD_FIELDS}


def workload_key(config: RunConfig) -> tuple[Any, ...]:
    """Hashable: equal for two configs exactly when they run the same workload."""
    return tuple(getattr(config, name) for name in WORKLOAD_FIELDS)


def same_workload(a: RunConfig, b: RunConfig) -> bool:
    return workload_key(a) == workload_key(b)


def baseline_config(config: RunConfig) -> RunConfig:
    """The same workload, one after another: what a measured speedup compares with."""
    return RunConfig(mode=BASELINE_MODE, **workload_of(config))


class RunSequence:
    """Configs to run in order, and the records they produced."""

    def __init__(self, configs: Iterable[RunConfig]) -> None:
        self.configs = list(configs)
        self.records: list[dict[str, Any]] = []
        self.cancelled = False

    @property
    def total(self) -> int:
        return len(self.configs)

    @property
    def done(self) -> bool:
        return self.cancelled or len(self.records) >= len(self.configs)

    def next_config(self) -> RunConfig | None:
        """The config to run next, or None when the sequence is over."""
        if self.done:
            return None
        return self.configs[len(self.records)]

    def next_baseline_wall_s(self) -> float | None:
        """The measured baseline the next run is judged against, if the sequence has one."""
        return None

    def add_record(self, record: dict[str, Any]) -> None:
        """Record the result of the run ``next_config`` gave; a stopped run ends the sequence."""
        if self.done:
            raise RuntimeError("this sequence is over; no more records expected")
        self.records.append(record)
        if record.get("stop", {}).get("requested"):
            self.cancelled = True

    def cancel(self) -> None:
        self.cancelled = True


def run_sequence(
    sequence: RunSequence,
    run: Callable[[RunConfig], dict[str, Any]] | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
    *,
    timeout_s: float | None = None,
) -> RunSequence:
    """Drive ``sequence`` to its end on this thread (CLI, tests). ``run`` returns a record."""
    if run is None:
        from .runner import run_to_completion

        def run(config: RunConfig) -> dict[str, Any]:
            baseline = sequence.next_baseline_wall_s()
            return run_to_completion(config, baseline_wall_s=baseline, timeout_s=timeout_s).record()

    while (config := sequence.next_config()) is not None:
        record = run(config)
        sequence.add_record(record)
        if on_record is not None:
            on_record(record)
    return sequence
