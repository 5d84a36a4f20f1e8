"""Compare engines: one workload on every available engine, one after another.

The first run is the workload ``sequential`` (the baseline); every other engine's
run then gets a *measured* speedup against it (``speedup_basis: measured``). A
process pool runs twice, cold and then warm, because what a pool changes is the
second run. The result is a list of ordinary run/1 records, each with one added
key, ``compare``: ``{label, baseline_wall_s, ideal_speedup}`` (ideal: the number
of workers, capped by the cores).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .config import RunConfig
from .engines import availability, get_engine_class
from .runner import run_to_completion

BASELINE_MODE = "sequential"
#: The workload: what every engine runs alike. Engine options (pool size, --python,
#: a Dask scheduler, no-yield) are per engine and left at their defaults here.
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


def available_modes() -> list[str]:
    """Every mode this machine can run now, in registry order, the baseline first."""
    modes = [mode for mode, (ok, _reason) in availability().items() if ok]
    return sorted(modes, key=lambda mode: mode != BASELINE_MODE)


def plan(
    base: RunConfig, modes: list[str] | None = None, scheduler: str | None = None
) -> list[tuple[str, RunConfig]]:
    """(label, config) for each run: the baseline, then each mode (pool-process twice)."""
    workload = {name: getattr(base, name) for name in WORKLOAD_FIELDS}
    chosen = available_modes() if modes is None else list(modes)
    if BASELINE_MODE in chosen:
        chosen.remove(BASELINE_MODE)
    runs = []
    for mode in [BASELINE_MODE, *chosen]:
        extra: dict[str, Any] = {}
        if get_engine_class(mode).uses_start_method:
            extra["start_method"] = base.start_method
        if mode == "dask" and scheduler:
            extra["scheduler"] = scheduler
        config = RunConfig(mode=mode, **workload, **extra)
        runs.append((mode, config))
        if mode == "pool-process":
            runs.append(("pool-process (warm)", config))
    return runs


def compare(
    base: RunConfig,
    modes: list[str] | None = None,
    *,
    scheduler: str | None = None,
    timeout_s: float | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Run the plan; return one run/1 record per run (with ``compare`` added)."""
    records: list[dict[str, Any]] = []
    baseline_wall: float | None = None
    ideal = min(base.workers, os.cpu_count() or 1)
    for label, config in plan(base, modes, scheduler):
        run = run_to_completion(config, timeout_s=timeout_s, baseline_wall_s=baseline_wall)
        record = run.record()
        if label == BASELINE_MODE and run.ok:
            baseline_wall = run.wall_s
            # the baseline against itself: 1.0 by definition, measured
            record["speedup"], record["speedup_basis"] = 1.0, "measured"
        record["compare"] = {
            "label": label,
            "baseline_wall_s": None if baseline_wall is None else round(baseline_wall, 6),
            "ideal_speedup": 1 if label == BASELINE_MODE else ideal,
        }
        records.append(record)
        if on_record is not None:
            on_record(record)
    return records
