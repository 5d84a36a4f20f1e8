"""Sweeps: a planned series of runs, one after another, and what they add up to.

A ``RunSequence`` only *plans* runs and collects their records; it never runs
anything itself. The CLI drives it with ``run_sequence`` (blocking, on its own
thread); the window drives the same object from its RunController, one run per
``finished`` signal, so the GUI thread never waits on a loop.

Speedup in a sweep (the definition the plot and ``sweep --json`` use):

    speedup(N) = T_seq(N) / T(N)

``T(N)``: the N-worker run's span, from its first worker's start request to its
last worker's end. A process's start-up (fork / forkserver / spawn) counts
against it; the one-off boot of the host process that runs threads does not.
``T_seq(N)``: the same total workload (N x ``count`` steps) done one after
another, *measured* by one sequential run of ``max_workers`` workers that runs
first: the sum of its first N workers' wall times. The ideal is
``min(N, cores)``: more workers than cores cannot run at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from .config import MAX_WORKERS, ConfigError, RunConfig
from .environment import start_methods


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

    def add_record(self, record: dict[str, Any]) -> None:
        """Record the result of the run ``next_config`` gave; a stopped run ends the sequence."""
        if self.done:
            raise RuntimeError("this sequence is over; no more records expected")
        self.records.append(record)
        if record.get("stop", {}).get("requested"):
            self.cancelled = True

    def cancel(self) -> None:
        self.cancelled = True


def cores() -> int:
    return os.cpu_count() or 1


class Sweep(RunSequence):
    """1..``max_workers`` workers of ``base``'s mode/method/kind, after a sequential baseline."""

    def __init__(self, base: RunConfig, max_workers: int, count: int) -> None:
        if isinstance(max_workers, bool) or not isinstance(max_workers, int):
            raise ConfigError(f"max workers must be a whole number, got {max_workers!r:.40}")
        if not 1 <= max_workers <= MAX_WORKERS:
            raise ConfigError(f"max workers must be between 1 and {MAX_WORKERS}, got {max_workers}")
        self.base = base
        self.max_workers = max_workers
        self.count = count
        baseline = base.replace(
            mode="sequential", start_method=None, workers=max_workers, counts=(count,) * max_workers
        )
        runs = [base.replace(workers=n, counts=(count,) * n) for n in range(1, max_workers + 1)]
        super().__init__([baseline, *runs])

    def sequential_wall_s(self, n: int) -> float | None:
        """T_seq(n): the first n workers' wall times in the measured sequential run."""
        if not self.records:
            return None
        workers = self.records[0]["workers"][:n]
        if len(workers) < n or any(w.get("state") != "done" for w in workers):
            return None
        return sum(w["wall_s"] for w in workers)

    def points(self) -> list[dict[str, Any]]:
        """One point per finished run with N workers: ``{workers, wall_s, speedup, ...}``."""
        points = []
        for record in self.records[1:]:
            n = record["config"]["workers"]
            wall = record.get("wall_s")
            span = work_span_s(record)
            baseline = self.sequential_wall_s(n)
            value = None
            if record.get("ok") and span and baseline:
                value = round(baseline / span, 3)
            points.append(
                {
                    "workers": n,
                    "wall_s": wall,
                    "speedup": value,
                    "span_s": None if span is None else round(span, 6),
                    "ideal": min(n, cores()),
                    "sequential_wall_s": None if baseline is None else round(baseline, 6),
                    "ok": bool(record.get("ok")),
                }
            )
        return points


def beyond_ideal_note(points: list[dict[str, Any]]) -> str | None:
    """The sweep's points that beat the ideal, explained (see core/compare.py)."""
    from .compare import BASELINE_WAS_SLOWED, beyond_ideal

    rows = [
        {
            "label": f"{p['workers']} worker{'s' * (p['workers'] != 1)}",
            "speedup": p["speedup"],
            "ideal_speedup": p["ideal"],
        }
        for p in points
    ]
    return beyond_ideal(rows, BASELINE_WAS_SLOWED)


def work_span_s(record: dict[str, Any]) -> float | None:
    """First start request (or start) to last end, in seconds; None if unknown."""
    starts = [
        w.get("requested_at_s") if w.get("requested_at_s") is not None else w.get("started_at_s")
        for w in record["workers"]
    ]
    ends = [w.get("ended_at_s") for w in record["workers"]]
    if not starts or any(t is None for t in starts + ends):
        return None
    return max(ends) - min(starts)


def startup_comparison(base: RunConfig, methods: Iterable[str] | None = None) -> RunSequence:
    """The same process workload under each start method, for start latency bars."""
    chosen = [m for m in (methods or start_methods()) if m in start_methods()]
    return RunSequence(base.replace(mode="process", start_method=m) for m in chosen)


def startup_latencies(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per start method: each worker's start latency (request to its first message)."""
    return [
        {
            "start_method": r["config"]["start_method"],
            "latencies_s": [w.get("start_latency_s") for w in r["workers"]],
        }
        for r in records
    ]


def run_sequence(
    sequence: RunSequence,
    run: Callable[[RunConfig], dict[str, Any]] | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
) -> RunSequence:
    """Drive ``sequence`` to its end on this thread (CLI, tests). ``run`` returns a record."""
    if run is None:
        from .runner import run_to_completion

        def run(config: RunConfig) -> dict[str, Any]:
            return run_to_completion(config).record()

    while (config := sequence.next_config()) is not None:
        record = run(config)
        sequence.add_record(record)
        if on_record is not None:
            on_record(record)
    return sequence
