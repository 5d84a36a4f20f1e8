"""No lost finals, failures that say what happened (issue 8, promises 3 and 4).

A queue of one slot and a reader that looks away: progress must be dropped and
counted (per worker and per run), while every started/done/error arrives. Per
worker, what arrived must be exactly what was sent: started + progress_sent + done.
"""

from __future__ import annotations

import contextlib
import json
import queue
import time

import pytest

from concurrency_explorer.cli import main
from concurrency_explorer.core import RunConfig, run_to_completion
from concurrency_explorer.core.runner import Run

FLOODS = [
    ("process", "fork", 4),
    ("process", "spawn", 4),
    ("thread", None, 4),
    ("thread", None, 64),
    ("process", "forkserver", 64),
]


@pytest.mark.parametrize(
    ("mode", "method", "workers"), FLOODS, ids=[f"{m}-{s}-{n}" for m, s, n in FLOODS]
)
def test_full_queue_drops_progress_but_never_finals(mode, method, workers):
    config = RunConfig.build(
        mode=mode,
        start_method=method,
        workers=workers,
        count=300,
        step_iterations=2_000,  # tiny steps: a report due after nearly every one
        queue_size=1,
        report_interval_s=0.001,
    )
    run = Run(config)
    run.start()
    try:
        time.sleep(1.5)  # nobody drains meanwhile: the one slot stays full
        deadline = time.monotonic() + 120
        while not run.finished:
            assert time.monotonic() < deadline, "run did not finish"
            run.poll()
            time.sleep(0.01)
    finally:
        run.close()
    record = run.record()
    assert run.ok, [w["state"] for w in record["workers"]]
    assert all(w["final_remaining"] == 0 for w in record["workers"])
    assert record["queue"]["dropped"] > 0, "a one-slot queue must have dropped progress"
    assert record["queue"]["dropped"] == sum(w["dropped"] for w in record["workers"])
    for w in record["workers"]:
        # everything sent arrived: Started + every progress put that succeeded + Done
        assert w["messages"] == w["progress_sent"] + 2, w
    batches = record.get("gil", {}).get("batches", 0)  # threads: the GIL log's batches too
    assert record["queue"]["messages"] == sum(w["messages"] for w in record["workers"]) + batches


def test_dropped_progress_is_shown_in_the_cli_table(capsys):
    argv = ["run", "--mode", "thread", "--workers", "8", "--count", "300"]
    argv += ["--step-iterations", "2000", "--queue-size", "1"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "dropped" in out


@pytest.mark.parametrize(("mode", "method"), [("process", "fork"), ("process", "spawn")])
def test_a_worker_killed_by_a_signal_shows_its_exit_code(mode, method):
    config = RunConfig.build(
        mode=mode, start_method=method, workers=2, count=200, faults={1: "kill"}
    )
    record = run_to_completion(config, timeout_s=60).record()
    good, bad = record["workers"]
    assert good["state"] == "done" and good["exit_code"] == 0
    assert bad["state"] == "failed" and bad["exit_code"] == -9
    assert bad["error"]["type"] == "WorkerExited"
    assert "SIGKILL" in bad["error"]["message"] and "-9" in bad["error"]["message"]


def test_a_killed_thread_host_fails_every_worker_it_held():
    config = RunConfig.build(mode="thread", workers=2, counts=[100, 10_000_000], faults={0: "kill"})
    record = run_to_completion(config, timeout_s=60).record()
    assert [w["state"] for w in record["workers"]] == ["failed", "failed"]
    assert [w["exit_code"] for w in record["workers"]] == [-9, -9]


@pytest.mark.parametrize(
    ("fault", "words"),
    [("raise", "RuntimeError"), ("kill", "SIGKILL"), ("exit", "code 3")],
)
def test_cli_exits_1_when_a_worker_fails_and_says_why(capsys, fault, words):
    code = main(["run", "--workers", "2", "--count", "100", "--fault", f"1:{fault}", "--json"])
    record = json.loads(capsys.readouterr().out)
    assert code == 1
    assert record["ok"] is False
    bad = record["workers"][1]
    assert words in bad["error"]["type"] + bad["error"]["message"]
    if fault == "raise":
        assert "Traceback" in bad["error"]["traceback"]


def test_the_app_keeps_working_after_a_failed_run():
    failed = run_to_completion(
        RunConfig.build(mode="process", workers=2, count=100, faults={0: "raise"})
    )
    assert failed.failed
    again = run_to_completion(RunConfig.build(mode="process", workers=2, count=100))
    assert again.ok


@pytest.mark.parametrize("unit", ["thread", "process"])
def test_finals_never_wait_behind_a_queue_full_of_progress(unit):
    """Issue 21: nobody reads while workers report as fast as they can. Progress may
    fill only half the queue, so every Started and Done still finds a slot: the workers
    finish (a blocking put into a queue full of progress would hold them for ever) and
    their finals are in the queue, behind at most half a queue of progress."""
    import multiprocessing
    import threading

    from concurrency_explorer.core.child.iftry import drain
    from concurrency_explorer.core.child.protocol import Done, Progress, Started
    from concurrency_explorer.core.child.workers import (
        StopFlag,
        WorkerSpec,
        process_main,
        progress_limit,
        run_worker,
    )

    ctx = multiprocessing.get_context("fork" if unit == "process" else "spawn")
    size, workers = 16, 4
    q = ctx.Queue(size)
    stop = StopFlag(ctx)
    assert progress_limit(q) == size // 2
    specs = [WorkerSpec(wid, 400, "cpu", 2_000, report_interval_s=0.0005) for wid in range(workers)]
    if unit == "thread":
        units = [threading.Thread(target=run_worker, args=(s, q, stop)) for s in specs]
    else:
        units = [ctx.Process(target=process_main, args=(s, q, stop)) for s in specs]
    for u in units:
        u.start()
    items: list = []
    try:
        deadline = time.monotonic() + 20
        for u in units:
            u.join(max(0.0, deadline - time.monotonic()))  # nothing is read meanwhile
        finished = not any(u.is_alive() for u in units)
    finally:
        stop.set()
        deadline = time.monotonic() + 20
        while any(u.is_alive() for u in units) and time.monotonic() < deadline:
            items += drain(q, 10 * size)  # frees a final put stuck behind progress
            time.sleep(0.01)
        for u in units:
            u.join(5)
        items += _read_all_and_close(q)  # everything, also what a feeder thread still holds
    assert finished, "a final put waited behind a queue full of progress"
    kinds = [type(m) for m in items]
    assert kinds.count(Started) == workers and kinds.count(Done) == workers, kinds
    assert kinds.count(Progress) <= size // 2
    assert all(m.remaining == 0 for m in items if isinstance(m, Done))


def test_progress_backs_off_while_the_reader_is_behind():
    """Progress is latest-value-wins: while the queue holds more than a quarter of what
    progress may fill, a worker doubles the gap between its reports (so a slow reader
    gets less to read, and fresher); once the reader caught up, it halves back."""
    from concurrency_explorer.core.child.workers import MAX_PROGRESS_GAP_S, progress_gap

    base, limit = 0.02, 512
    gap = base
    for _ in range(10):
        gap = progress_gap(gap, depth=200, limit=limit, base=base)
    assert gap == MAX_PROGRESS_GAP_S
    for _ in range(10):
        gap = progress_gap(gap, depth=10, limit=limit, base=base)
    assert gap == base
    assert progress_gap(base, depth=limit // 4, limit=limit, base=base) == base


def _stop_and_read_the_rest(worker, stop, q) -> list:
    """Stop a worker thread, read what it left in ``q`` and close the queue."""
    stop.set()
    worker.join(10)
    items = _read_all_and_close(q)
    assert not worker.is_alive()
    return items


def _read_all_and_close(q) -> list:
    """Everything in ``q`` (also what a feeder thread still holds), then close it."""
    items = []
    while True:
        try:
            items.append(q.get(timeout=1))
        except queue.Empty:
            break
    q.close()
    q.join_thread()
    return items


def test_a_worker_facing_a_backlog_reports_less_often():
    """A queue already a quarter full and not read: the worker's reports thin out to one
    per MAX_PROGRESS_GAP_S instead of one per report interval (and its finals arrive)."""
    import multiprocessing
    import threading

    from concurrency_explorer.core.child.protocol import Done
    from concurrency_explorer.core.child.workers import StopFlag, WorkerSpec, run_worker

    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue(64)
    for _ in range(20):  # more than a quarter of the 32 progress may fill
        q.put(None)
    spec = WorkerSpec(0, 1_000_000, "io", step_sleep_s=0.0005, report_interval_s=0.001)
    stop = StopFlag(ctx)
    worker = threading.Thread(target=run_worker, args=(spec, q, stop))
    worker.start()
    time.sleep(1.0)
    items = _stop_and_read_the_rest(worker, stop, q)
    done = [m for m in items if isinstance(m, Done)]
    assert done and done[0].stopped
    attempts = done[0].progress_sent + done[0].dropped
    assert 2 <= attempts <= 15, attempts  # a report interval of 1 ms: ~1000 without backoff


def test_a_crowded_run_backs_off_at_a_small_backlog():
    """In a crowded run (``backlog``) progress backs off once a few messages are on their
    way, not only once the queue is a quarter full: they wait for the write lock, stale."""
    from concurrency_explorer.core.child.workers import PROGRESS_BACKLOG, progress_gap

    base, limit = 0.02, 512
    depth = PROGRESS_BACKLOG + 1
    assert progress_gap(base, depth=depth, limit=limit, base=base) == base
    assert progress_gap(base, depth=depth, limit=limit, base=base, backlog=PROGRESS_BACKLOG) == (
        2 * base
    )
    # a least gap above the cap's own 2 s: backed off, it doubles once more at most
    assert progress_gap(3.0, depth=depth, limit=limit, base=3.0, backlog=16) == 6.0


def test_a_worker_with_a_least_progress_gap_reports_that_often_at_most():
    """``progress_gap_s``: a worker reports progress at most once per that gap, while it
    still looks at Stop every report interval (it stops at once)."""
    import multiprocessing
    import threading

    from concurrency_explorer.core.child.protocol import Done, Progress
    from concurrency_explorer.core.child.workers import StopFlag, WorkerSpec, run_worker

    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue(4096)
    spec = WorkerSpec(
        0, 1_000_000, "io", step_sleep_s=0.0005, report_interval_s=0.001, progress_gap_s=0.25
    )
    stop = StopFlag(ctx)
    worker = threading.Thread(target=run_worker, args=(spec, q, stop))
    started = time.perf_counter()
    worker.start()
    items = []
    while time.perf_counter() - started < 1.0:  # read as the window does, so no backlog
        with contextlib.suppress(queue.Empty):
            items.append(q.get(timeout=0.05))
    items += _stop_and_read_the_rest(worker, stop, q)
    elapsed = time.perf_counter() - started
    progress = [m for m in items if isinstance(m, Progress)]
    done = [m for m in items if isinstance(m, Done)]
    assert done and done[0].stopped
    # one per 0.25 s at most (a report interval of 1 ms: ~1000 without the gap)
    assert 1 <= len(progress) <= elapsed / 0.25 + 1, (len(progress), elapsed)
