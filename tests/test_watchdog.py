"""The watchdog and Stop's escalation (issue 8, promise 2).

A worker silent for ``stall_after_s`` is marked stalled (and stays marked in the
record: ``stalled``, ``longest_silence_s``, ``watchdog.stalled_workers``), then ended
(SIGTERM, then SIGKILL) and counted as failed: a run with a hung worker ends. Stop
escalates Event -> SIGTERM -> SIGKILL and records how far it had to go; a one-click
end does SIGTERM, then SIGKILL.

No test waits a fixed time for a worker to reach its fault: a ``hang`` or
``ignore-term`` worker reports the fault's step (``remaining == count // 2``) once
the fault is armed, so ``at_fault`` is the state the test needs, however busy the
machine is.
"""

from __future__ import annotations

import time

import psutil
import pytest
from tests.runs import at_fault, ladder_stops_at

from concurrency_explorer.core import RunConfig, run_to_completion, summary
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


@pytest.mark.parametrize(("fault", "took"), [("hang", "terminate"), ("ignore-term", "kill")])
def test_a_stalled_worker_is_ended_and_counted_failed(closing, monkeypatch, fault, took):
    ladder_stops_at(monkeypatch, took)
    # one worker (a busy machine may silence a healthy neighbour for 0.3 s, too; that
    # ending one worker leaves the others alone is the one-click test's business)
    config = RunConfig.build(mode="process", workers=1, count=400, faults={0: fault})
    run = closing(Run(config))
    run.start()
    poll_until(run, lambda: at_fault(run, 0), what="worker 0 to reach its fault")
    # the watchdog from here: a busy machine may starve a worker for 0.3 s before its
    # fault, and the test is about a worker that hangs, not one that is slow
    run.stall_after_s = STALL_S
    pid = run.workers[0].pid
    finish(run)  # no Stop: the run ends only because the watchdog ends the hung worker
    record = run.record()
    (w0,) = record["workers"]
    assert w0["state"] == "failed" and w0["error"]["type"] == "Stalled"
    assert f"allows {STALL_S:g} s" in w0["error"]["message"]
    assert w0["stalled"] is True and w0["longest_silence_s"] >= STALL_S
    assert record["ok"] is False
    assert record["watchdog"] == {
        "stall_after_s": STALL_S,
        "stalled_workers": [0],
        "ended_workers": {"0": took},
    }
    assert record["stop"]["requested"] is False and record["stop"]["ended_workers"] == {}
    assert gone(pid)
    assert schema_problem(record, "run") is None


def test_a_silent_io_worker_is_ended_too():
    # each io step sleeps 5 s: silent longer than the watchdog allows; the limit is
    # the person's word for "hung", so the worker is ended and the run fails
    config = RunConfig.build(mode="process", workers=1, count=3, kind="io", step_sleep_s=5.0)
    run = run_to_completion(config, stall_after_s=STALL_S, timeout_s=60)
    record = run.record()
    assert record["workers"][0]["state"] == "failed"
    assert record["workers"][0]["stalled"] is True
    assert record["stop"]["requested"] is False  # ended by the watchdog, not the timeout


def test_timeout_with_unfinished_workers_is_not_ok():
    config = RunConfig.build(mode="process", workers=1, count=400, faults={0: "hang"})
    record = run_to_completion(config, timeout_s=1.0).record()
    assert record["ok"] is False
    assert record["stop"]["requested"] is True and record["stop"]["reason"] == "timeout"
    worker = record["workers"][0]
    assert worker["state"] == "stopped" and worker["final_remaining"] > 0
    assert "timed out after" in summary.headline(record)  # the CLI's and window's words
    assert schema_problem(record, "run") is None


def test_no_watchdog_no_stall():
    config = RunConfig.build(mode="thread", workers=1, count=3, kind="io", step_sleep_s=0.3)
    record = run_to_completion(config).record()
    assert record["workers"][0]["stalled"] is False
    assert record["watchdog"]["stall_after_s"] is None


@pytest.mark.parametrize(
    ("fault", "escalation"),
    [(None, "event"), ("hang", "terminate"), ("ignore-term", "kill")],
)
def test_stop_escalates_only_as_far_as_it_must(closing, monkeypatch, fault, escalation):
    ladder_stops_at(monkeypatch, escalation)
    faults = {0: fault} if fault else {}
    counts = [FAULT_AT_400 if fault else LONG, LONG]
    config = RunConfig.build(mode="process", workers=2, counts=counts, faults=faults)
    run = closing(Run(config))  # no watchdog: it would end worker 0 before Stop does
    run.start()
    if fault:  # past its fault: deaf to the Event (and, armed, to SIGTERM)
        poll_until(run, lambda: at_fault(run, 0), what="worker 0 to reach its fault")
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
def test_one_click_end_of_a_hung_worker(closing, monkeypatch, fault, took):
    ladder_stops_at(monkeypatch, took)
    config = RunConfig.build(mode="process", workers=2, count=FAULT_AT_400, faults={0: fault})
    run = closing(Run(config))  # the person ends it before any watchdog would
    run.start()
    poll_until(run, lambda: at_fault(run, 0), what="worker 0 to reach its fault")
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


def _cli_record(capsys, *flags: str) -> tuple[int, dict]:
    import json

    from concurrency_explorer.cli import main

    code = main(["run", "--mode", "process", "--workers", "2", "--count", "300",
                 "--fault", "0:hang", "--json", *flags])  # fmt: skip
    return code, json.loads(capsys.readouterr().out)


def test_cli_timeout_with_an_unfinished_worker_fails(capsys):
    code, record = _cli_record(capsys, "--timeout", "2")
    assert code == 1
    assert record["ok"] is False and record["stop"]["reason"] == "timeout"
    assert record["workers"][0]["state"] == "stopped"
    assert record["workers"][0]["final_remaining"] > 0


def test_cli_stall_after_ends_the_run_and_fails(capsys):
    code, record = _cli_record(capsys, "--stall-after", "1")  # no --timeout: it must end
    assert code == 1
    assert record["ok"] is False
    assert record["workers"][0]["state"] == "failed"
    assert record["workers"][0]["error"]["type"] == "Stalled"
    assert "0" in record["watchdog"]["ended_workers"]


class _Engine:
    """Just enough engine for the watchdog: it records whom it was asked to end."""

    gil_stamps = False
    gil_shared = False

    def __init__(self) -> None:
        self.ended: list[int] = []

    def terminate(self, worker_id: int | None = None) -> list[int]:
        self.ended.append(worker_id)
        return []


def test_a_run_that_was_slow_before_is_not_hung_when_slow_again():
    """64 threads on a busy machine each wait seconds for the GIL: the watchdog's limit
    grows with the longest gap the run has shown, so it does not end healthy workers
    (it did, in the window's 64-thread stress test under busy loops)."""
    from concurrency_explorer.core.child.protocol import Progress
    from concurrency_explorer.core.runner import STALL_GAP_FACTOR

    config = RunConfig.build(mode="thread", workers=2, count=100)
    engine = _Engine()
    run = Run(config, stall_after_s=1.0, engine=engine)
    for worker in run.workers:
        worker.state = "running"
    t = 1000.0
    for wid in (0, 1):
        run._apply(Progress(wid, 99, t))
    assert run.stall_limit_s() == 1.0
    run._apply(Progress(0, 98, t + 2.0))  # worker 0 waited 2 s for its turn, and came back
    assert run.stall_limit_s() == pytest.approx(STALL_GAP_FACTOR * 2.0)
    run._watchdog(t + 5.5)  # worker 1 silent 5.5 s, worker 0 3.5 s: within 3x 2 s
    assert engine.ended == [] and not run.workers[1].stalled
    run._watchdog(t + 6.5)  # worker 1 silent 6.5 s: past the limit
    assert engine.ended == [1] and run.workers[1].stalled and not run.workers[0].stalled
    assert "6.0 s on this run" in run._stall_text(1)


def test_no_gaps_seen_the_person_s_limit_holds():
    from concurrency_explorer.core.child.protocol import Progress

    engine = _Engine()
    config = RunConfig.build(mode="thread", workers=1, count=100)
    run = Run(config, stall_after_s=0.5, engine=engine)
    run.workers[0].state = "running"
    run._apply(Progress(0, 99, 10.0))
    run._watchdog(10.6)
    assert engine.ended == [0]
    assert "allows 0.5 s)" in run._stall_text(0)


class _Queue:
    def __init__(self, items: list) -> None:
        self.items = list(items)

    def empty(self) -> bool:
        return not self.items

    def get_nowait(self):
        return self.items.pop(0)


def test_a_backlog_is_not_silence_but_a_hang_after_it_is():
    """Messages waiting unread may be any worker's: the watchdog does not count that
    time as silence (it ended 19 healthy threads of 64 when the window's drain fell
    behind on a busy machine). Once the queue is found empty, silence counts again."""
    from concurrency_explorer.core.child.protocol import Progress

    engine = _Engine()
    engine.queue = _Queue([])
    engine.units = lambda: []
    engine.start_requests = lambda: {}
    engine.start_ends = lambda: {}
    config = RunConfig.build(mode="thread", workers=2, count=100)
    run = Run(config, stall_after_s=0.5, engine=engine)
    run.t0 = time.perf_counter()
    for worker in run.workers:
        worker.state = "running"
    stale = time.perf_counter() - 10.0  # sent 10 s ago, read only now
    engine.queue.items = [Progress(0, 99, stale), Progress(1, 99, stale), Progress(0, 98, stale)]
    run.poll(max_items=1)  # the drain stops with messages still waiting: blind
    run.poll()  # the rest, and the queue found empty: silence counts from the blind time
    assert engine.ended == [] and not any(w.stalled for w in run.workers)
    deadline = time.monotonic() + 30
    while engine.ended != [0, 1]:  # nothing more comes: both are hung, and are ended
        assert time.monotonic() < deadline, engine.ended
        run.poll()
        time.sleep(0.01)
    assert all(w.stalled for w in run.workers)


def test_no_stall_is_judged_while_messages_are_in_flight(closing, monkeypatch):
    """Issue 21: with 64 processes on 2 cores the workers' messages wait seconds for the
    queue's write lock. A silence is no evidence then: while ``qsize()`` says messages
    were put that a read cannot see yet, the watchdog waits; once they are in, it judges."""
    config = RunConfig.build(mode="process", workers=1, count=400, faults={0: "hang"})
    run = closing(Run(config))
    run.start()
    poll_until(run, lambda: at_fault(run, 0), what="worker 0 to reach its fault")
    queue = run.engine.queue
    monkeypatch.setattr(queue, "qsize", lambda: 3)  # as if 3 were stuck in feeders
    run.stall_after_s = STALL_S
    deadline = time.monotonic() + 4 * STALL_S
    while time.monotonic() < deadline:
        run.poll()
        time.sleep(0.01)
    assert not run.workers[0].stalled and not run.watchdog_ended
    monkeypatch.undo()  # in flight no more: now the silence counts
    run.stall_after_s = STALL_S
    finish(run)
    assert run.workers[0].state == "failed" and run.workers[0].error["type"] == "Stalled"
