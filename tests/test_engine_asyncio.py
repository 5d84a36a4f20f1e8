"""The asyncio engine: coroutines on one thread, interleaving only where they await."""

from __future__ import annotations

import json
import os

import pytest
from tests.runs import stop_and_wait, wait_running

from concurrency_explorer.cli import main
from concurrency_explorer.core import ConfigError, RunConfig, run_to_completion
from concurrency_explorer.core.runner import Run


@pytest.mark.parametrize("kind", ["cpu", "io", "nogil"])
def test_coroutines_count_to_zero_on_one_thread(kind):
    config = RunConfig.build(
        mode="asyncio", workers=2, counts=[10, 20], kind=kind, step_bytes=1 << 16
    )
    run = run_to_completion(config, timeout_s=60)
    record = run.record()
    assert run.ok, record
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
    assert len({w["pid"] for w in record["workers"]}) == 1  # one host process
    assert len({w["thread_id"] for w in record["workers"]}) == 1  # one thread, one loop
    assert os.getpid() != record["workers"][0]["pid"]
    for w in record["workers"]:
        assert w["state"] == "done" and w["exit_code"] == 0
        assert w["cpu_s"] is not None and w["cpu_s"] <= w["wall_s"] + 0.05


def test_coroutines_interleave_where_they_await():
    config = RunConfig.build(mode="asyncio", workers=2, count=150, report_interval_s=0.005)
    record = run_to_completion(config, timeout_s=60).record()
    a, b = record["workers"]
    # both were running at once: each started before the other ended
    assert a["started_at_s"] < b["ended_at_s"] and b["started_at_s"] < a["ended_at_s"]


def test_io_coroutines_overlap_their_waits():
    config = RunConfig.build(mode="asyncio", workers=3, count=100, kind="io", step_sleep_s=0.01)
    record = run_to_completion(config, timeout_s=60).record()
    first_start = min(w["started_at_s"] for w in record["workers"])
    last_end = max(w["ended_at_s"] for w in record["workers"])
    # three workers of 1 s of sleeps each: about 1 s together, 3 s one after another
    assert last_end - first_start < 2.7


def test_a_coroutine_that_never_yields_freezes_the_others():
    config = RunConfig.build(mode="asyncio", workers=3, count=200, no_yield=(1,))
    record = run_to_completion(config, timeout_s=60).record()
    assert record["ok"], record
    assert record["config"]["no_yield"] == [1]
    greedy = record["workers"][1]
    for other in (record["workers"][0], record["workers"][2]):
        # started before it (it lets them start), yet finished only after it
        assert other["started_at_s"] <= greedy["started_at_s"]
        assert other["ended_at_s"] > greedy["ended_at_s"]


def test_the_greedy_coroutine_leaves_a_gap_in_the_others_progress():
    config = RunConfig.build(mode="asyncio", workers=2, count=200, no_yield=(1,))
    run = run_to_completion(config, timeout_s=60)
    greedy = run.workers[1]
    other = run.workers[0]
    inside = [t for t, _ in other.samples if greedy.t_started < t < greedy.t_end]
    assert inside == []  # not one progress message while the greedy one ran
    assert greedy.t_end - greedy.t_started > 0.05


def test_stop_reaches_every_coroutine():
    run = Run(RunConfig.build(mode="asyncio", workers=3, count=10_000_000))
    run.start()
    wait_running(run, timeout_s=30)
    assert stop_and_wait(run) < 3.0
    assert [w.state for w in run.workers] == ["stopped"] * 3
    assert run.record()["stop"]["escalation"] == "event"


def test_no_yield_is_refused_outside_asyncio_and_out_of_range():
    with pytest.raises(ConfigError, match="no-yield"):
        RunConfig.build(mode="thread", workers=2, no_yield=(0,))
    with pytest.raises(ConfigError, match="no-yield worker id"):
        RunConfig.build(mode="asyncio", workers=2, no_yield=(5,))
    config = RunConfig.build(mode="asyncio", workers=2, no_yield=(1,))
    assert RunConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_cli_asyncio_with_a_greedy_coroutine(capsys):
    argv = ["run", "--mode", "asyncio", "--counts", "10,20", "--no-yield", "0", "--json"]
    assert main(argv) == 0
    record = json.loads(capsys.readouterr().out)
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
    assert main(["run", "--mode", "process", "--no-yield", "0"]) == 2
    assert "takes no no-yield" in capsys.readouterr().err
