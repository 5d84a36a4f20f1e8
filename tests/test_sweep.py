"""Sweeps: the plan of runs, the speedup definition, and ``concurrency-explorer sweep``."""

from __future__ import annotations

import json

import pytest

from concurrency_explorer.cli import main
from concurrency_explorer.core import sweep as sweep_mod
from concurrency_explorer.core.config import ConfigError, RunConfig
from concurrency_explorer.core.sweep import Sweep, run_sequence, startup_comparison


def fake_record(config: RunConfig, wall_per_worker: float, parallel: bool) -> dict:
    """A record as a run would give: sequential walls add up, parallel ones overlap."""
    n = config.workers
    wall = wall_per_worker if parallel else wall_per_worker * n
    return {
        "config": config.to_dict(),
        "ok": True,
        "wall_s": wall,
        "stop": {"requested": False},
        "workers": [
            {
                "id": i,
                "state": "done",
                "wall_s": wall_per_worker,
                "start_latency_s": 0.01 * i,
                "requested_at_s": 0.0,
                "started_at_s": 0.0,
                "ended_at_s": wall_per_worker if parallel else wall_per_worker * (i + 1),
            }
            for i in range(n)
        ],
    }


def test_sweep_plans_a_sequential_baseline_then_one_to_n():
    base = RunConfig.build(mode="process", workers=1, count=50, kind="cpu")
    sweep = Sweep(base, 3, 50)
    planned = []
    while (config := sweep.next_config()) is not None:
        planned.append((config.mode, config.workers, config.counts))
        sweep.add_record(fake_record(config, 1.0, config.mode != "sequential"))
    assert planned == [
        ("sequential", 3, (50, 50, 50)),
        ("process", 1, (50,)),
        ("process", 2, (50, 50)),
        ("process", 3, (50, 50, 50)),
    ]
    assert sweep.done and sweep.next_config() is None


def test_speedup_is_sequential_time_of_the_same_work_over_wall(monkeypatch):
    monkeypatch.setattr(sweep_mod, "cores", lambda: 2)
    base = RunConfig.build(mode="process", workers=1, count=10)
    sweep = run_sequence(
        Sweep(base, 4, 10), run=lambda c: fake_record(c, 0.5, c.mode != "sequential")
    )
    points = sweep.points()
    assert [p["workers"] for p in points] == [1, 2, 3, 4]
    # perfectly overlapping fakes: n workers' work (n x 0.5 s) in 0.5 s of wall time
    assert [p["speedup"] for p in points] == [1.0, 2.0, 3.0, 4.0]
    assert [p["ideal"] for p in points] == [1, 2, 2, 2]
    assert [p["sequential_wall_s"] for p in points] == [0.5, 1.0, 1.5, 2.0]
    for p in points:
        assert {"workers", "wall_s", "speedup"} <= set(p)


def test_a_stopped_run_ends_the_sequence():
    base = RunConfig.build(mode="thread", workers=1, count=10)
    sweep = Sweep(base, 3, 10)
    record = fake_record(sweep.next_config(), 0.1, False)
    record["stop"] = {"requested": True}
    sweep.add_record(record)
    assert sweep.done and sweep.next_config() is None


@pytest.mark.parametrize("bad", [0, 65, "3", True])
def test_sweep_refuses_bad_max_workers(bad):
    with pytest.raises(ConfigError):
        Sweep(RunConfig.build(workers=1, count=1), bad, 1)


def test_startup_comparison_runs_the_same_workload_under_each_method():
    base = RunConfig.build(mode="process", workers=2, count=5)
    seq = startup_comparison(base, ["fork", "spawn", "teleport"])
    assert [(c.mode, c.start_method, c.counts) for c in seq.configs] == [
        ("process", "fork", (5, 5)),
        ("process", "spawn", (5, 5)),
    ]


def test_cli_sweep_json_prints_one_list(capsys):
    code = main(
        ["sweep", "--mode", "thread", "--max-workers", "2", "--kind", "cpu", "--count", "20",
         "--json"]
    )  # fmt: skip
    assert code == 0
    points = json.loads(capsys.readouterr().out)
    assert [p["workers"] for p in points] == [1, 2]
    for p in points:
        assert p["wall_s"] > 0 and p["speedup"] > 0 and p["ok"]
        assert p["speedup_basis"] == "measured" and p["cores_used"] is not None
        assert p["load"]["includes_baseline"] and isinstance(p["speedup_reliable"], bool)
        assert p["speedup_reliable"] == (p["speedup_note"] == "")


def test_cli_sweep_process_with_start_method(capsys):
    code = main(
        ["sweep", "--mode", "process", "--start-method", "fork", "--max-workers", "2",
         "--count", "10", "--json"]
    )  # fmt: skip
    assert code == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


BAD = [
    ["sweep", "--max-workers", "0"],
    ["sweep", "--max-workers", "x"],
    ["sweep", "--max-workers", "65"],
    ["sweep", "--count", "0"],
    ["sweep", "--mode", "fibers"],
    ["sweep", "--kind", "quantum"],
    ["sweep", "--mode", "thread", "--start-method", "fork"],
    ["sweep", "--start-method", "teleport"],
]


@pytest.mark.parametrize("argv", BAD, ids=[" ".join(a) for a in BAD])
def test_cli_sweep_bad_usage_exits_2_with_one_line(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err
