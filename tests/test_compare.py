"""``compare``: one workload on every engine, speedups measured against the baseline."""

from __future__ import annotations

import json
import sys

from concurrency_explorer.cli import main
from concurrency_explorer.core import RunConfig
from concurrency_explorer.core.compare import (
    Comparison,
    available_modes,
    beyond_ideal,
    compare,
    plan,
)
from concurrency_explorer.core.engines import availability


def test_plan_starts_with_the_baseline_and_runs_a_process_pool_twice():
    base = RunConfig.build(mode="process", workers=2, counts=[10, 20], kind="io")
    labels = [label for label, _ in plan(base, ["thread", "pool-process"])]
    assert labels == ["sequential", "thread", "pool-process", "pool-process (warm)"]
    for _label, config in plan(base, ["thread", "pool-process"]):
        assert config.counts == (10, 20) and config.kind == "io"


def test_available_modes_leave_out_what_cannot_run_here():
    modes = available_modes()
    assert modes[0] == "sequential"
    assert set(modes) == {m for m, (ok, _r) in availability().items() if ok}


def test_compare_measures_every_engine_against_the_baseline():
    base = RunConfig.build(mode="process", workers=2, counts=[10, 20])
    seen = []
    records = compare(base, ["thread", "pool-process"], on_record=seen.append, timeout_s=60)
    assert seen == records
    assert [r["compare"]["label"] for r in records] == [
        "sequential", "thread", "pool-process", "pool-process (warm)",
    ]  # fmt: skip
    baseline = records[0]
    assert baseline["speedup"] == 1.0 and baseline["compare"]["ideal_speedup"] == 1
    for record in records:
        assert record["schema"] == "concurrency-explorer/run/1" and record["ok"]
        assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
        assert record["speedup_basis"] == "measured"
        assert record["compare"]["baseline_wall_s"] == round(baseline["wall_s"], 6)
    for record in records[1:]:
        assert record["speedup"] == round(baseline["wall_s"] / record["wall_s"], 3)
    cold, warm = records[2], records[3]
    assert cold["pool"]["warm"] is False and warm["pool"]["warm"] is True
    comparison = Comparison(base, ["thread", "pool-process"])
    for record in records:
        comparison.add_record(record)
    for row, record in zip(comparison.rows(), records, strict=True):
        latencies = [w["start_latency_s"] for w in record["workers"]]
        assert row["start_latency_s"] == max(latencies)
        assert row["wall_s"] == record["wall_s"] and row["speedup"] == record["speedup"]


def test_cli_compare_json_is_a_list_of_records(capsys):
    argv = ["compare", "--modes", "thread,asyncio", "--counts", "10,20", "--json"]
    assert main(argv) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["config"]["mode"] for r in records] == ["sequential", "thread", "asyncio"]
    assert all(r["compare"]["label"] == r["config"]["mode"] for r in records)
    for record in records:  # the honest-numbers keys, like every run record (issue 15)
        assert {"cores_used", "load", "speedup_reliable", "speedup_note"} <= set(record)
        assert record["speedup_reliable"] == (record["speedup_note"] == "")


def test_cli_compare_table(capsys):
    assert main(["compare", "--modes", "thread", "--count", "5"]) == 0
    out = capsys.readouterr().out
    assert "sequential" in out and "thread" in out and "speedup" in out
    assert "cores" in out and ("machine: busy" in out or "machine: quiet" in out)


def test_cli_compare_refuses_unknown_or_unavailable_modes(capsys):
    assert main(["compare", "--modes", "fibers"]) == 2
    assert "unknown mode 'fibers'" in capsys.readouterr().err
    ok, reason = availability()["interpreter"]
    if not ok:
        assert main(["compare", "--modes", "interpreter"]) == 2
        assert reason in capsys.readouterr().err


def test_with_another_python_the_threads_run_again_under_it():
    base = RunConfig.build(mode="process", workers=2, counts=[10, 20])
    runs = plan(base, ["process"], python=sys.executable)
    labels = [label for label, _ in runs]
    name = sys.executable.rsplit("/", 1)[-1]
    assert labels == ["sequential", "process", "thread", f"thread ({name})"]
    assert [config.python for _, config in runs] == [None, None, None, sys.executable]


def test_cli_compare_python_runs_the_threads_under_it(capsys):
    argv = ["compare", "--modes", "thread", "--counts", "10,20", "--python", sys.executable]
    assert main([*argv, "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["config"]["python"] for r in records] == [None, None, sys.executable]
    other = records[-1]
    assert other["ok"] and other["worker_environment"]["executable"]
    assert other["speedup"] == round(records[0]["wall_s"] / other["wall_s"], 3)
    assert main(["compare", "--python", "/no/such/python"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_warm_up_readies_the_forkserver_before_the_baseline():
    from multiprocessing import forkserver

    from concurrency_explorer.core.compare import warm_up
    from concurrency_explorer.core.engines.mp import host_start_method

    assert warm_up().result(timeout=60) is None
    if host_start_method() == "forkserver":
        server = getattr(forkserver, "_forkserver", None)
        assert getattr(server, "_forkserver_pid", None), "the forkserver is running"


def _row(label: str, speedup: float | None, ideal: int = 2) -> dict:
    return {"label": label, "speedup": speedup, "ideal_speedup": ideal}


def test_a_speedup_beyond_the_ideal_is_explained_as_start_up_not_parallelism():
    rows = [_row("sequential", 1.0, 1), _row("process", 1.9), _row("pool-process (warm)", 5.58)]
    note = beyond_ideal(rows)
    assert note is not None
    assert "pool-process (warm) 5.58x" in note and "process 1.9" not in note
    assert "too short" in note
    assert beyond_ideal([_row("sequential", 1.0, 1), _row("process", 2.1), _row("x", None)]) is None
    assert "1 worker 1.30x" in (beyond_ideal([_row("1 worker", 1.3, 1)]) or "")


def test_a_sweep_point_beyond_the_ideal_is_explained_as_noise():
    from concurrency_explorer.core.sweep import beyond_ideal_note

    points = [
        {"workers": 1, "speedup": 1.255, "ideal": 1},
        {"workers": 2, "speedup": 2.0, "ideal": 2},
        {"workers": 3, "speedup": None, "ideal": 2},
    ]
    note = beyond_ideal_note(points)
    assert note is not None and "1 worker 1.25x" in note and "2 workers" not in note
    assert "slower" in note and "quiet machine" in note
