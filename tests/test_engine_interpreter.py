"""Subinterpreters: unavailable here (3.11) with a reason; the host's pump is tested
with ordinary queues, and the real thing runs when a 3.12+ Python is named."""

from __future__ import annotations

import json
import os
import platform
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tests.procutil import app_env

from concurrency_explorer.cli import main
from concurrency_explorer.core import ConfigError, RunConfig
from concurrency_explorer.core.child.interp_host import PlainTupleQueue, QueueFlag, pump
from concurrency_explorer.core.child.protocol import Done, Progress, Started
from concurrency_explorer.core.child.workers import WorkerSpec, run_worker
from concurrency_explorer.core.engines import availability

ROOT = Path(__file__).resolve().parents[1]
INTERP_PYTHON = os.environ.get("CONCURRENCY_EXPLORER_INTERP_PYTHON")


def test_unavailable_mode_is_listed_with_its_reason(capsys):
    ok, reason = availability()["interpreter"]
    if ok:
        pytest.skip("this Python has concurrent.interpreters")
    assert "3.14" in reason and "concurrent.interpreters" in reason
    assert main(["info", "--json"]) == 0
    modes = json.loads(capsys.readouterr().out)["modes"]
    assert modes["interpreter"] == {
        "available": False,
        "reason": reason,
        "label": "subinterpreters",
    }


def test_unavailable_mode_is_refused_with_exit_2_and_the_reason(capsys):
    ok, reason = availability()["interpreter"]
    if ok:
        pytest.skip("this Python has concurrent.interpreters")
    assert main(["run", "--mode", "interpreter", "--counts", "10,20"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and reason in err
    with pytest.raises(ConfigError, match="not available here"):
        RunConfig.build(mode="interpreter", workers=1, counts=[1])


def test_workers_report_as_plain_tuples_and_the_pump_restores_them():
    # the host's logic with ordinary queues standing in for cross-interpreter ones
    source: queue.Queue = queue.Queue(8)
    target: queue.Queue = queue.Queue()
    stop = threading.Event()
    stop_flag = QueueFlag(queue.Queue())
    specs = [WorkerSpec(i, 30, "io", step_sleep_s=0.001, report_interval_s=0.002) for i in (0, 1)]
    threads = [
        threading.Thread(
            target=run_worker, args=(s, PlainTupleQueue(source), stop_flag, time.perf_counter())
        )
        for s in specs
    ]
    for t in threads:
        t.start()
    moved = pump(source, target, stop, stop_flag, threads)
    messages = list(target.queue)
    assert moved == len(messages)
    assert {type(m) for m in messages} <= {Started, Progress, Done}
    done = sorted((m.worker_id, m.remaining, m.stopped) for m in messages if isinstance(m, Done))
    assert done == [(0, 0, False), (1, 0, False)]


def test_the_pump_forwards_stop_to_the_workers():
    source: queue.Queue = queue.Queue()
    target: queue.Queue = queue.Queue()
    stop = threading.Event()
    stop_flag = QueueFlag(queue.Queue())
    spec = WorkerSpec(0, 10_000_000, "cpu", step_iterations=1000, report_interval_s=0.005)
    thread = threading.Thread(target=run_worker, args=(spec, PlainTupleQueue(source), stop_flag))
    thread.start()
    threading.Timer(0.2, stop.set).start()
    pump(source, target, stop, stop_flag, [thread])
    done = [m for m in target.queue if isinstance(m, Done)]
    assert len(done) == 1 and done[0].stopped and done[0].remaining > 0


@pytest.mark.skipif(not INTERP_PYTHON, reason="set CONCURRENCY_EXPLORER_INTERP_PYTHON")
def test_real_subinterpreters_under_another_python():
    out = subprocess.run(
        [INTERP_PYTHON, str(ROOT / "scripts" / "check_subinterpreters.py"), "2", "20"],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    result = json.loads(out)
    assert sorted(d[:2] for d in result["done"]) == [[0, 0], [1, 0]]
    assert {s[1] for s in result["started"]} == {result["pid"]}  # one process
    assert len({s[2] for s in result["started"]}) == 2  # a thread per interpreter


@pytest.mark.skipif(
    not availability()["interpreter"][0],
    reason="needs CPython 3.14+ (scripts/test-py314.sh runs the suite there)",
)
def test_cli_interpreter_mode_runs_both_workers_in_one_process_on_two_threads():
    """The command a user types, on this Python: each worker in its own interpreter."""
    result = subprocess.run(
        [sys.executable, "-m", "concurrency_explorer", "run", "--mode", "interpreter",
         "--workers", "2", "--count", "800", "--json"],
        capture_output=True, text=True, timeout=120, env=app_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["ok"] is True and record["config"]["mode"] == "interpreter"
    workers = record["workers"]
    assert [(w["id"], w["count"], w["final_remaining"]) for w in workers] == [
        (0, 800, 0),
        (1, 800, 0),
    ]
    assert len({w["pid"] for w in workers}) == 1  # one process
    assert len({w["thread_id"] for w in workers}) == 2  # on two threads
    assert record["worker_environment"]["python"] == platform.python_version()
