"""Pool engines: tasks on a thread pool (in a host) or a process pool kept warm."""

from __future__ import annotations

import os
import time

import psutil
import pytest
from tests.runs import stop_and_wait, wait_at_fault, wait_running

from concurrency_explorer.cli import main
from concurrency_explorer.core import ConfigError, RunConfig, run_to_completion
from concurrency_explorer.core.engines import pools
from concurrency_explorer.core.environment import start_methods
from concurrency_explorer.core.runner import Run

POOL_MODES = [("pool-thread", None)] + [("pool-process", m) for m in start_methods()]


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize(("mode", "method"), POOL_MODES, ids=[f"{m}-{s}" for m, s in POOL_MODES])
@pytest.mark.parametrize("kind", ["cpu", "io"])
def test_pool_counts_reach_zero(mode, method, kind):
    config = RunConfig.build(mode=mode, start_method=method, workers=2, counts=[10, 20], kind=kind)
    run = run_to_completion(config, timeout_s=60)
    record = run.record()
    assert run.ok, record
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
    assert record["config"]["pool_size"] is None
    assert record["pool"]["size"] == 2
    assert os.getpid() not in {w["pid"] for w in record["workers"]}
    for w in record["workers"]:
        assert w["state"] == "done" and w["exit_code"] == 0 and w["error"] is None
        assert w["start_latency_s"] is not None and w["start_latency_s"] >= 0
        assert isinstance(w["task_reused"], bool)


@pytest.mark.parametrize("method", start_methods())
def test_process_pool_is_kept_warm_for_the_next_run_of_the_same_shape(method):
    config = RunConfig.build(mode="pool-process", start_method=method, workers=2, counts=[10, 20])
    first = run_to_completion(config, timeout_s=60).record()
    assert first["pool"]["warm"] is False and first["pool"]["kept_warm"] is True
    pool_pids = set(first["pool"]["processes"])
    assert len(pool_pids) == 2 and all(_alive(p) for p in pool_pids)  # still there, idle
    assert pools.warm_pool_keys() == [(method, 2, config.queue_size)]

    second = run_to_completion(config, timeout_s=60).record()
    assert second["ok"] and second["pool"]["warm"] is True
    assert {w["pid"] for w in second["workers"]} <= pool_pids  # no new process
    assert any(w["task_reused"] for w in second["workers"])
    # the point of a pool, in direction only (figures: benchmarks/pool_warm_start.py)
    first_latency = max(w["start_latency_s"] for w in first["workers"])
    second_latency = max(w["start_latency_s"] for w in second["workers"])
    assert second_latency < first_latency

    assert pools.shutdown_warm_pools() == 1
    assert pools.warm_pool_keys() == []
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pool_pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pool_pids)


def test_a_pool_of_more_processes_than_cores_yields_to_the_window():
    """Its processes run as nice as that many worker processes would (issue 21), and
    report as crowded ones do; a pool no bigger than the cores runs at the app's priority."""
    from concurrency_explorer.core.engines.mp import ProcessEngine

    size = (os.cpu_count() or 1) + 1
    expected = ProcessEngine.niceness_for(size)
    assert expected >= ProcessEngine.NICENESS
    config = RunConfig.build(mode="pool-process", start_method="fork", workers=size, count=5)
    record = run_to_completion(config, timeout_s=60).record()
    assert record["ok"] and record["worker_niceness"] == expected
    assert record["progress_gap_s"] == ProcessEngine.progress_gap_for(size, 0.02)
    # each pool process renices itself in its initializer, before its first task: one
    # that got no task may still be starting when the run ends (seen on a busy machine)
    wanted = {min(19, os.nice(0) + expected)}  # 19: the kernel's cap
    deadline = time.monotonic() + 30
    while (nice := {psutil.Process(p).nice() for p in record["pool"]["processes"]}) != wanted:
        assert time.monotonic() < deadline, f"pool processes at niceness {nice}, not {wanted}"
        time.sleep(0.05)
    small = RunConfig.build(mode="pool-process", start_method="fork", workers=1, count=5)
    one = run_to_completion(small, timeout_s=60).record()
    assert one["worker_niceness"] == 0
    assert {psutil.Process(pid).nice() for pid in one["pool"]["processes"]} == {os.nice(0)}
    assert pools.shutdown_warm_pools() == 2


def test_a_different_shape_gets_its_own_pool():
    base = dict(mode="pool-process", start_method="spawn", workers=2, counts=[5, 5])
    a = run_to_completion(RunConfig.build(**base)).record()
    b = run_to_completion(RunConfig.build(**base, pool_size=1)).record()
    assert b["pool"]["warm"] is False
    assert not set(a["pool"]["processes"]) & set(b["pool"]["processes"])
    assert len(pools.warm_pool_keys()) == 2


@pytest.mark.parametrize("mode", ["pool-thread", "pool-process"])
def test_a_small_pool_makes_tasks_wait_and_reuse_workers(mode):
    config = RunConfig.build(mode=mode, workers=4, counts=[10, 20, 10, 20], pool_size=2)
    record = run_to_completion(config, timeout_s=60).record()
    assert record["ok"], record
    runners = {(w["pid"], w["thread_id"]) for w in record["workers"]}
    assert len(runners) <= 2
    assert sum(w["task_reused"] for w in record["workers"]) >= 2
    assert record["pool"]["size"] == 2 and record["config"]["pool_size"] == 2


@pytest.mark.parametrize("mode", ["pool-thread", "pool-process"])
def test_stop_ends_pool_tasks_and_cancels_waiting_ones(mode):
    config = RunConfig.build(mode=mode, workers=3, count=10_000_000, pool_size=2)
    run = Run(config)
    run.start()
    wait_running(run, 2, timeout_s=30)
    assert stop_and_wait(run) < 3.0
    assert [w.state for w in run.workers] == ["stopped"] * 3
    record = run.record()
    assert record["stop"]["escalation"] == "event"  # cooperative: the pool stays healthy
    if mode == "pool-process":
        assert record["pool"]["kept_warm"] is True


def test_a_deaf_task_breaks_the_process_pool_which_is_then_shut():
    config = RunConfig.build(mode="pool-process", workers=2, count=40, faults={0: "hang"})
    run = Run(config)
    run.start()
    wait_at_fault(run, 0)  # stop only once the task is past its fault: deaf for sure
    run.stop()
    while not run.finished:
        run.poll()
        time.sleep(0.01)
    record = run.record()
    assert record["stop"]["escalation"] in ("terminate", "kill")
    assert record["pool"]["kept_warm"] is False
    assert pools.warm_pool_keys() == []
    assert all(not _alive(p) for p in record["pool"]["processes"])


def test_a_dying_pool_process_breaks_the_whole_pool():
    config = RunConfig.build(mode="pool-process", workers=2, count=2000, faults={0: "exit"})
    run = run_to_completion(config, timeout_s=60)
    record = run.record()
    assert run.failed
    bad = record["workers"][0]
    assert bad["state"] == "failed" and "BrokenProcessPool" in bad["error"]["message"]
    assert record["pool"]["kept_warm"] is False


@pytest.mark.parametrize("mode", ["pool-thread", "pool-process"])
def test_a_raising_task_is_reported_and_the_others_finish(mode):
    config = RunConfig.build(mode=mode, workers=2, count=100, faults={1: "raise"})
    record = run_to_completion(config, timeout_s=60).record()
    good, bad = record["workers"]
    assert good["state"] == "done" and good["final_remaining"] == 0
    assert bad["state"] == "failed" and bad["error"]["type"] == "RuntimeError"


def test_pool_size_is_refused_outside_pool_modes():
    with pytest.raises(ConfigError, match="takes no pool size"):
        RunConfig.build(mode="thread", workers=2, pool_size=1)
    with pytest.raises(ConfigError, match="pool size"):
        RunConfig.build(mode="pool-thread", workers=2, pool_size=0)


def test_cli_runs_a_pool_and_shuts_it(capsys):
    import json

    argv = ["run", "--mode", "pool-process", "--pool-size", "1", "--counts", "10,20", "--json"]
    assert main(argv) == 0
    record = json.loads(capsys.readouterr().out)
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
    assert len({w["pid"] for w in record["workers"]}) == 1
    assert pools.warm_pool_keys() == []  # the CLI shut its pool before returning
