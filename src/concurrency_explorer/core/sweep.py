"""Sweeps: 1..N workers, one run after another, and what they add up to.

A ``Sweep`` is a ``RunSequence`` (``core/sequence.py``): it plans, the CLI or the
window drives. Its baseline is ``sequence.baseline_config``, the one definition of
"the same workload" that ``run --baseline`` and ``compare`` use too.

Speedup in a sweep (the definition the plot and ``sweep --json`` use):

    speedup(N) = T_seq(N) / T(N)

``T(N)``: the N-worker run's span, from its first worker's start request to its
last worker's end. A process's start-up (fork / forkserver / spawn) counts
against it; the one-off boot of the host process that runs threads does not.
``T_seq(N)``: the same total workload (N x ``count`` steps) done one after
another, *measured* by one sequential run of ``max_workers`` workers that runs
first: the sum of its first N workers' wall times. The ideal is
``min(N, cores)``: more workers than cores cannot run at once. Every point carries
the keys every speedup carries: ``speedup_basis``, ``speedup_reliable``,
``speedup_note``, ``cores_used`` and ``load`` (the run's and the baseline's).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import metrics
from .config import MAX_WORKERS, ConfigError, RunConfig
from .environment import start_methods
from .load import combine
from .reliability import BASELINE_WAS_SLOWED, beyond_ideal, cores, judge_speedup
from .sequence import RunSequence, baseline_config, run_sequence

__all__ = ["RunSequence", "Sweep", "run_sequence", "startup_comparison", "work_span_s"]


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
        baseline = baseline_config(base.replace(workers=max_workers, counts=(count,) * max_workers))
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
        """One point per finished run with N workers: ``{workers, wall_s, speedup, ...}``,
        with the keys every speedup carries (``speedup_basis``, ``speedup_reliable``,
        ``speedup_note``, ``cores_used``, ``load`` of the run and the baseline together)."""
        points = []
        baseline_load = self.records[0].get("load") if self.records else None
        for record in self.records[1:]:
            n = record["config"]["workers"]
            wall = record.get("wall_s")
            span = work_span_s(record)
            baseline = self.sequential_wall_s(n)
            value = None
            if record.get("ok") and span and baseline:
                value = round(baseline / span, 3)
            loads = [load for load in (baseline_load, record.get("load")) if load]
            point = {
                "workers": n,
                "wall_s": wall,
                "speedup": value,
                "span_s": None if span is None else round(span, 6),
                "ideal": min(n, cores()),
                "sequential_wall_s": None if baseline is None else round(baseline, 6),
                "ok": bool(record.get("ok")),
                "speedup_basis": "measured" if value is not None else "none",
                "cores_used": record.get("cores_used"),
                "load": combine(loads) if loads else None,
            }
            judged = {**record, **point, "load": point["load"]}
            point["speedup_reliable"], point["speedup_note"] = judge_speedup(judged)
            points.append(point)
        return points


def beyond_ideal_note(points: list[dict[str, Any]]) -> str | None:
    """The sweep's points that beat the ideal, explained (see core/compare.py)."""
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
    return metrics.work_span_s(record["workers"])


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
