"""The watchdog and Stop's escalation (issue 8, promise 2).

A worker silent for ``stall_after_s`` is marked stalled (and stays marked in the
record: ``stalled``, ``longest_silence_s``, ``watchdog.stalled_workers``); Stop
escalates Event -> SIGTERM -> SIGKILL and records how far it had to go; a one-click
end does SIGTERM, then SIGKILL.
"""

from __future__ import annotations

import time

import psutil
import pytest

from concurrency_explorer.core import RunConfig, run_to_completion
from concurrency_explorer.core.experiment import schema_problem
from concurrency_explorer.core.runner import Run

STALL_S = 0.3


@pytest.fixture
def closing():
    """Close every run a test made, also when it fails half-way (no orphans)."""
    runs: list[Run] = []
    yield lambda run: runs.append(run) or run
    for run in runs:
        run.close()


def poll_until(run: Run, predicate, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        run.poll()
        time.sleep(0.01)


def finish(run: Run, timeout: float = 30.0) -> float:
    """Poll to the end; seconds it took."""
    t = time.monotonic()
    poll_until(run, lambda: run.finished, timeout, "the run to finish")
    return time.monotonic() - t


def gone(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


LONG = 10_000_000  # steps: runs until stopped
FAULT_AT_400 = 400  # the fault strikes halfway: after 200 quick steps


def test_a_silent_worker_is_marked_stalled_in_state_and_record(closing):
    config = RunConfig.build(mode="process", workers=2, counts=[400, LONG], faults={0: "hang"})
    run = closing(Run(config, stall_after_s=STALL_S))
    run.start()
    poll_until(run, lambda: run.workers[0].state == "stalled", what="worker 0 to stall")
    assert run.workers[1].state == "running"  # its neighbour keeps reporting
    run.stop()
    finish(run)
    record = run.record()
    w0, w1 = record["workers"]
    assert w0["stalled"] is True and w0["longest_silence_s"] >= STALL_S
    assert w1["stalled"] is False
    assert record["watchdog"] == {"stall_after_s": STALL_S, "stalled_workers": [0]}
    assert schema_problem(record, "run") is None


def test_stalled_stays_recorded_after_the_worker_recovers():
    # each io step sleeps 0.5 s: silent longer than the watchdog allows, then reports
    config = RunConfig.build(mode="thread", workers=1, count=3, kind="io", step_sleep_s=0.5)
    run = run_to_completion(config, stall_after_s=STALL_S)
    worker = run.record()["workers"][0]
    assert worker["state"] == "done"
    assert worker["stalled"] is True


def test_no_watchdog_no_stall():
    config = RunConfig.build(mode="thread", workers=1, count=3, kind="io", step_sleep_s=0.3)
    record = run_to_completion(config).record()
    assert record["workers"][0]["stalled"] is False
    assert record["watchdog"]["stall_after_s"] is None


@pytest.mark.parametrize(
    ("fault", "escalation"),
    [(None, "event"), ("hang", "terminate"), ("ignore-term", "kill")],
)
def test_stop_escalates_only_as_far_as_it_must(closing, fault, escalation):
    faults = {0: fault} if fault else {}
    counts = [FAULT_AT_400 if fault else LONG, LONG]
    config = RunConfig.build(mode="process", workers=2, counts=counts, faults=faults)
    run = closing(Run(config, stall_after_s=STALL_S))
    run.start()
    if fault:  # past its fault: silent, deaf to the Event (and maybe to SIGTERM)
        poll_until(run, lambda: run.workers[0].state == "stalled", what="the fault")
    poll_until(run, lambda: run.workers[1].state == "running", what="worker 1")
    pids = [w.pid for w in run.workers]
    run.stop()
    took = finish(run)
    record = run.record()
    assert record["stop"]["requested"] is True
    assert record["stop"]["escalation"] == escalation
    assert [w["state"] for w in record["workers"]] == ["stopped", "stopped"]
    assert took < 10  # loose on a loaded machine; the ladder itself is 0.6 s + 0.6 s
    assert all(gone(pid) for pid in pids)
    if escalation == "kill":
        assert record["workers"][0]["exit_code"] == -9
    if escalation == "terminate":
        assert record["workers"][0]["exit_code"] == -15


@pytest.mark.parametrize(("fault", "took"), [("hang", "terminate"), ("ignore-term", "kill")])
def test_one_click_end_of_a_stalled_worker(closing, fault, took):
    config = RunConfig.build(mode="process", workers=2, count=FAULT_AT_400, faults={0: fault})
    run = closing(Run(config, stall_after_s=STALL_S))
    run.start()
    poll_until(run, lambda: run.workers[0].state == "stalled", what="worker 0 to stall")
    pid = run.workers[0].pid
    assert run.end_worker(0) == [pid]
    assert run.end_worker(0) == []  # a second click does nothing more
    finish(run)
    record = run.record()
    assert record["stop"]["ended_workers"] == {"0": took}
    assert record["stop"]["requested"] is False
    assert record["workers"][0]["state"] == "stopped"
    assert record["workers"][1]["state"] == "done"  # the others are left alone
    assert gone(pid)


def test_ignore_term_needs_a_process_of_its_own():
    config = RunConfig.build(mode="thread", workers=2, count=50, faults={1: "ignore-term"})
    record = run_to_completion(config, timeout_s=30).record()
    assert record["workers"][1]["state"] == "failed"
    assert "process of its own" in record["workers"][1]["error"]["message"]
