"""The runner end to end: every mode and start method, Stop, faults, the record."""

from __future__ import annotations

import os
import time

import psutil
import pytest
from tests.runs import stop_and_wait, wait_at_fault, wait_running

from concurrency_explorer.core import RunConfig, run_to_completion
from concurrency_explorer.core.environment import start_methods
from concurrency_explorer.core.runner import SCHEMA, TICK_MAX_S, TICK_S, Run, next_tick

MODES = [("sequential", None), ("thread", None)] + [("process", m) for m in start_methods()]
RECORD_KEYS = {"schema", "config", "environment", "wall_s", "speedup", "workers"}
WORKER_KEYS = {
    "id",
    "count",
    "final_remaining",
    "pid",
    "thread_id",
    "start_latency_s",
    "app_start_s",
    "wall_s",
    "cpu_s",
    "messages",
    "dropped",
    "exit_code",
    "error",
}
ENV_KEYS = {
    "python",
    "implementation",
    "platform",
    "cpu_count",
    "gil_enabled",
    "start_methods",
    "default_start_method",
}
CONFIG_KEYS = {"mode", "start_method", "workers", "counts", "kind", "queue_size"}


@pytest.mark.parametrize(("mode", "method"), MODES, ids=[f"{m}-{s}" for m, s in MODES])
@pytest.mark.parametrize("kind", ["cpu", "io", "nogil"])
def test_page_counts_reach_zero(mode, method, kind):
    config = RunConfig.build(
        mode=mode, start_method=method, workers=2, counts=[10, 20], kind=kind, step_bytes=1 << 16
    )
    run = run_to_completion(config, timeout_s=60)
    record = run.record()
    assert run.ok, record
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
    assert [w["count"] for w in record["workers"]] == [10, 20]
    assert record["config"]["start_method"] == (method if mode == "process" else None)
    pids = {w["pid"] for w in record["workers"]}
    assert os.getpid() not in pids, "workers never run in the caller's process"
    if mode == "process":
        assert len(pids) == 2
    else:
        assert len(pids) == 1  # one host process
        assert len({w["thread_id"] for w in record["workers"]}) == (2 if mode == "thread" else 1)
    for w in record["workers"]:
        assert w["state"] == "done"
        assert w["exit_code"] == 0
        assert w["error"] is None
        assert w["start_latency_s"] is not None and 0 <= w["start_latency_s"] < 10
        assert w["wall_s"] > 0


def test_record_has_the_public_schema():
    run = run_to_completion(RunConfig.build(mode="process", workers=2, counts=[10, 20]))
    record = run.record()
    assert record["schema"] == SCHEMA
    assert set(record) >= RECORD_KEYS
    assert set(record["config"]) >= CONFIG_KEYS
    assert set(record["environment"]) >= ENV_KEYS
    for w in record["workers"]:
        assert set(w) >= WORKER_KEYS
    import json

    json.dumps(record)  # JSON-ready, no custom types


def test_stop_ends_every_worker_quickly():
    config = RunConfig.build(mode="process", workers=2, count=10_000_000)
    run = Run(config)
    run.start()
    wait_running(run, timeout_s=20)
    pids = [w.pid for w in run.workers]
    assert stop_and_wait(run) < 2.0
    assert [w.state for w in run.workers] == ["stopped", "stopped"]
    assert all(w.remaining > 0 for w in run.workers)
    assert not any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie" for p in pids)
    assert run.record()["stop"]["escalation"] == "event"


def test_stop_escalates_to_terminate_for_a_deaf_worker():
    # count 2: worker 0 hangs after its first step
    config = RunConfig.build(mode="thread", workers=2, count=2, faults={0: "hang"})
    run = Run(config)
    run.start()
    wait_at_fault(run, 0)  # no watchdog: it would end the worker before Stop does
    run.stop()
    while not run.finished:
        run.poll()
        time.sleep(0.01)
    record = run.record()
    assert record["stop"]["escalation"] in ("terminate", "kill")
    assert record["workers"][0]["state"] == "stopped"


@pytest.mark.parametrize(
    ("fault", "exit_code", "text"),
    [("raise", 0, "RuntimeError"), ("exit", 3, "code 3"), ("kill", -9, "SIGKILL")],
)
def test_worker_failures_are_reported(fault, exit_code, text):
    config = RunConfig.build(mode="process", workers=2, count=100, faults={1: fault})
    run = run_to_completion(config, timeout_s=30)
    record = run.record()
    assert run.failed and not run.ok
    good, bad = record["workers"]
    assert good["state"] == "done" and good["final_remaining"] == 0
    assert bad["state"] == "failed"
    assert bad["exit_code"] == exit_code
    assert text in (bad["error"]["type"] + bad["error"]["message"])
    if fault == "raise":
        assert "Traceback" in bad["error"]["traceback"]


def test_full_queue_drops_progress_but_never_finals():
    # queue of 1 and a reader that only looks at the end: progress must be dropped,
    # counted, and every final message must still arrive
    config = RunConfig.build(
        mode="process", workers=4, count=400, queue_size=1, report_interval_s=0.001
    )
    run = Run(config)
    run.start()
    time.sleep(1.5)  # nobody drains meanwhile
    while not run.finished:
        run.poll()
        time.sleep(0.01)
    record = run.record()
    assert run.ok
    assert all(w["final_remaining"] == 0 for w in record["workers"])
    assert record["queue"]["dropped"] > 0
    assert record["queue"]["dropped"] == sum(w["dropped"] for w in record["workers"])


def test_estimated_speedup_is_work_over_wall():
    # the definition, not a timing target (those live in benchmarks/): the sum of
    # each worker's own CPU time over the run's wall time, never above the core count
    run = run_to_completion(RunConfig.build(mode="process", workers=2, count=200, kind="cpu"))
    record = run.record()
    assert record["speedup_basis"] == "estimated"
    work = sum(w["cpu_s"] for w in record["workers"])
    assert record["speedup"] == pytest.approx(work / record["wall_s"], rel=0.01, abs=0.01)
    assert 0 < record["speedup"] <= (os.cpu_count() or 1) + 0.1


def test_measured_baseline_is_used_when_given():
    config = RunConfig.build(mode="process", workers=2, counts=[10, 20])
    run = run_to_completion(config, baseline_wall_s=1.0)
    value, basis = run.speedup()
    assert basis == "measured"
    assert value == pytest.approx(1.0 / run.wall_s, rel=1e-2)


def test_echo_sends_the_pages_lines():
    config = RunConfig.build(mode="thread", workers=2, counts=[3, 2], kind="io", echo=True)
    run = run_to_completion(config)
    assert run.workers[0].output == ["Count value 3", "Count value 2", "Count value 1"]
    assert run.workers[1].output == ["Count value 2", "Count value 1"]


def test_a_run_starts_once():
    run = run_to_completion(RunConfig.build(mode="thread", workers=1, counts=[5]))
    with pytest.raises(RuntimeError):
        run.start()


def test_close_mid_run_leaves_nothing():
    run = Run(RunConfig.build(mode="process", workers=3, count=10_000_000))
    run.start()
    time.sleep(0.3)
    run.poll()
    run.close()
    assert run.finished


@pytest.mark.parametrize("method", start_methods())
def test_the_record_shows_the_apps_own_part_of_each_start(method):
    """Issue 15: the app's work before each ``Process.start()`` (queue, stop flag, load
    meter, the hop to the launcher thread) is shown per worker, not subtracted: it
    lies between the run's start and the start request, and is not in
    ``start_latency_s``, which runs from that request to the first message."""
    from concurrency_explorer.core.experiment import validate_record

    run = run_to_completion(
        RunConfig.build(mode="process", start_method=method, workers=2, counts=[3, 3])
    )
    record = run.record()
    validate_record(record)
    first, second = sorted(record["workers"], key=lambda w: w["requested_at_s"])
    assert first["app_start_s"] == pytest.approx(first["requested_at_s"], abs=1e-5)
    # the second's turn came when the first's Process.start() returned, after its request
    assert 0 <= second["app_start_s"] < second["requested_at_s"] - first["requested_at_s"]
    for w in record["workers"]:
        latency = w["started_at_s"] - w["requested_at_s"]
        assert w["start_latency_s"] == pytest.approx(latency, abs=2e-6)


def test_the_apps_own_part_is_unknown_where_this_process_did_not_start_the_worker():
    run = run_to_completion(RunConfig.build(mode="thread", workers=2, counts=[3, 3]))
    assert [w["app_start_s"] for w in run.record()["workers"]] == [None, None]


@pytest.mark.parametrize(("mode", "method"), [("process", None), ("thread", None)])
def test_run_to_completion_wakes_when_the_run_ends_not_a_tick_later(mode, method):
    """Polling on a tick noticed a run's end up to a tick late, added to every CLI
    command. With a 5 s tick, a run of a few steps that slept its ticks out took
    5 s at least; waiting on the processes' sentinels ends it when they do."""
    config = RunConfig.build(mode=mode, start_method=method, workers=2, counts=[3, 3])
    t0 = time.perf_counter()
    run = run_to_completion(config, tick_s=5.0)
    assert run.ok
    assert time.perf_counter() - t0 < 4.5
    assert run.polls < 20  # woken by the ends, not polling in a loop while they happen


def test_the_tick_grows_while_the_queue_stays_empty_and_shrinks_when_it_fills():
    tick = TICK_S
    for _ in range(10):
        tick = next_tick(tick, drained=3, capacity=1024, sees_ends=True)
    assert tick == TICK_MAX_S  # a quiet queue: poll at most every TICK_MAX_S
    tick = next_tick(tick, drained=200, capacity=1024, sees_ends=True)
    assert tick == TICK_MAX_S / 2  # an eighth full: read twice as often
    for _ in range(10):
        tick = next_tick(tick, drained=1, capacity=1, sees_ends=True)
    assert tick == TICK_S  # a one-slot queue (a lesson on blocking) keeps the short tick
    # an engine whose wait cannot wake at a unit's end would see the run's end late
    assert next_tick(TICK_MAX_S, drained=0, capacity=1024, sees_ends=False) == TICK_S


def test_a_process_run_polls_less_often_than_its_workers_report():
    """Each wake-up of the parent takes a core from the workers it times (issue 15,
    item 6): a quiet queue is read at most every TICK_MAX_S, not every 20 ms."""
    config = RunConfig.build(mode="process", workers=2, count=40, kind="io", step_sleep_s=0.02)
    run = run_to_completion(config)
    assert run.ok
    record = run.record()
    assert record["wall_s"] >= 0.8
    assert run.polls <= 2 + record["wall_s"] / TICK_S / 2  # 50 polls a second before
    assert run.messages > run.polls  # several messages a drain: the reports all arrived
