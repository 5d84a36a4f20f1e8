"""The start helper (core/child/starter.py): runs with more worker processes than cores.

Forced here with ``helper_above = 0`` so the path is tested on any machine. The
run must read exactly as one started from the app: same states, a start latency
from the helper's start request to the first message, Stop and one-click ends
working, and every process reaped (the conftest fails a test that leaves one).
"""

from __future__ import annotations

import contextlib
import os
import time

import psutil
import pytest

from concurrency_explorer.core import RunConfig
from concurrency_explorer.core.engines.mp import ProcessEngine
from concurrency_explorer.core.environment import start_methods
from concurrency_explorer.core.runner import Run, run_to_completion

METHODS = [m for m in ("fork", "spawn") if m in start_methods()]


@pytest.fixture
def helped(monkeypatch):
    monkeypatch.setattr(ProcessEngine, "helper_above", 0)


def _config(method: str, workers: int = 3, count: int = 40, **extra) -> RunConfig:
    return RunConfig.build(
        mode="process", start_method=method, workers=workers, count=count, **extra
    )


def test_the_helper_is_used_only_past_the_cores():
    engine = ProcessEngine("spawn", 16)
    cores = os.cpu_count() or 1
    assert not engine.uses_helper(cores)
    assert engine.uses_helper(cores + 1)
    assert not ProcessEngine("forkserver", 16).uses_helper(cores + 1) or (
        "forkserver" not in start_methods()
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_helped_run_reads_as_any_run(helped, method):
    parents: set[int] = set()

    def look(run: Run) -> None:
        for worker in run.workers:
            if worker.pid is not None:
                with contextlib.suppress(psutil.NoSuchProcess):
                    parents.add(psutil.Process(worker.pid).ppid())

    run = run_to_completion(_config(method), on_poll=look, timeout_s=120)
    record = run.record()
    assert record["ok"], record["workers"]
    assert run.engine._helper is not None
    assert parents and os.getpid() not in parents  # started by the helper, not by us
    for worker in record["workers"]:
        assert worker["state"] == "done"
        assert worker["start_latency_s"] is not None and worker["start_latency_s"] >= 0
        assert worker["exit_code"] == 0
    assert len({w["pid"] for w in record["workers"]}) == 3


@pytest.mark.parametrize("method", METHODS)
def test_stop_ends_a_helped_run_and_its_workers(helped, method):
    run = Run(_config(method, count=100_000_000))
    run.start()
    deadline = time.perf_counter() + 90
    while not all(w.t_started for w in run.workers) and time.perf_counter() < deadline:
        run.poll()
        time.sleep(0.01)
    pids = [w.pid for w in run.workers]
    assert all(pids), "every worker started"
    run.stop()
    while not run.finished and time.perf_counter() < deadline:
        run.poll()
        time.sleep(0.01)
    assert run.finished
    assert {w.state for w in run.workers} == {"stopped"}
    assert not [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]


def test_a_worker_that_ignores_sigterm_is_killed_by_the_app(helped):
    method = METHODS[0]
    config = _config(method, workers=2, count=400, faults={0: "ignore-term"})
    run = Run(config, stall_after_s=None)
    run.start()
    deadline = time.perf_counter() + 90
    first = run.workers[0]

    def in_fault() -> bool:  # past halfway and silent: sleeping with SIGTERM ignored
        silent = first.last_message_t is not None and time.perf_counter() - first.last_message_t
        return first.remaining < 300 and bool(silent) and silent > 0.5

    while not in_fault() and time.perf_counter() < deadline:
        run.poll()
        time.sleep(0.01)
    run.stop()
    while not run.finished and time.perf_counter() < deadline:
        run.poll()
        time.sleep(0.01)
    assert run.finished
    assert run.escalation == "kill"
    assert run.workers[0].state == "stopped"


def _poll_until_every_pid_is_known(run: Run) -> None:
    deadline = time.perf_counter() + 90
    while not all(w.pid for w in run.workers) and time.perf_counter() < deadline:
        run.poll()
        time.sleep(0.01)


@pytest.mark.parametrize("method", METHODS)
def test_the_helper_is_never_a_fork_of_the_app(helped, method):
    """Issue 21: forking the window's large process for the helper stalled the window;
    the helper is a forkserver (or spawn) child, and fork's workers are forks of it."""
    run = Run(_config(method, count=100_000_000))
    run.start()
    try:
        _poll_until_every_pid_is_known(run)
        helper = run.engine._helper
        assert helper is not None and helper.future.result(timeout=30)
        assert psutil.Process(helper.process.pid).ppid() != os.getpid()
        assert {psutil.Process(w.pid).ppid() for w in run.workers} == {helper.process.pid}
    finally:
        run.close()
    assert run.record()["start_helper"]["start_method"] != "fork"


@pytest.mark.parametrize(
    "method", [m for m in ("fork", "spawn", "forkserver") if m in start_methods()]
)
def test_many_workers_per_core_run_nicer_than_the_window(monkeypatch, method):
    """More workers than cores yield to the window (from the helper, or set right after
    the start for forkserver's); up to one per core they run at the window's priority."""
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    engine = ProcessEngine(method, 16)
    assert engine.worker_niceness(1) == 0 and engine.worker_niceness(2) == ProcessEngine.NICENESS
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert engine.worker_niceness(2) == 0 and engine.worker_niceness(3) == ProcessEngine.NICENESS
    # more per core: nicer still, until the busy ones on a core weigh half the window
    by_count = {n: engine.worker_niceness(n) for n in (8, 9, 16, 32, 64)}
    assert by_count == {8: 10, 9: 11, 16: 13, 32: 16, 64: 19}
    for n, niceness in by_count.items():
        per_core = -(-n // 2)
        assert per_core * ProcessEngine.NICE_WEIGHTS[niceness] <= ProcessEngine.WINDOW_WEIGHT // 2
    monkeypatch.setattr(os, "cpu_count", lambda: 1)

    run = Run(_config(method, workers=5, count=100_000_000))
    run.start()
    try:
        _poll_until_every_pid_is_known(run)
        nice = {psutil.Process(w.pid).nice() for w in run.workers}
    finally:
        run.close()
    expected = engine.worker_niceness(5)  # 5 on one core: nicer than the least
    assert expected > ProcessEngine.NICENESS
    assert nice == {min(19, os.nice(0) + expected)}  # 19: the kernel's cap
    assert run.record()["worker_niceness"] == expected
    small = run_to_completion(_config(method, workers=1, count=10), timeout_s=60).record()
    assert small["worker_niceness"] == 0


def test_crowded_runs_report_progress_less_often(monkeypatch):
    """Past REPORT_FREELY_PER_CORE busy workers per core each reports progress less
    often, by the square of workers per core (the queue delivers fewer per second the
    more share a core), but at least twice a second; the record says how often, and
    the workers were told."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    gaps = {n: ProcessEngine.progress_gap_for(n, 0.02) for n in (2, 8, 16, 32, 48, 64)}
    assert gaps == pytest.approx({2: 0.0, 8: 0.0, 16: 0.08, 32: 0.32, 48: 0.5, 64: 0.5})

    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    method = "fork" if "fork" in start_methods() else "spawn"
    record = run_to_completion(_config(method, workers=5, count=20), timeout_s=60).record()
    assert record["progress_gap_s"] == pytest.approx(0.02 * (5 / 4) ** 2, abs=1e-4)
    small = run_to_completion(_config(method, workers=2, count=10), timeout_s=60).record()
    assert small["progress_gap_s"] == 0.0
