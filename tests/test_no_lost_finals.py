"""No lost finals, failures that say what happened (issue 8, promises 3 and 4).

A queue of one slot and a reader that looks away: progress must be dropped and
counted (per worker and per run), while every started/done/error arrives. Per
worker, what arrived must be exactly what was sent: started + progress_sent + done.
"""

from __future__ import annotations

import json
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
