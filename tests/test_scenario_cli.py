"""Every scenario from the CLI: JSON shape, exit code, verdict quotes its numbers.

Scenarios whose lesson is deterministic (a hang, a deadlock, copied state, a queue
growing) must show it. The speed lessons (gil-cpu, io-threads, gil-release)
depend on free cores: on a loaded machine they may honestly fail to show a
speedup, and then the verdict must say so with the load average.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from concurrency_explorer.cli import main
from concurrency_explorer.core.scenarios import SCENARIOS, get_scenario, scenario_ids

SRC = Path(__file__).resolve().parents[1] / "src"
SPEED = {"gil-cpu", "io-threads", "gil-release"}
TIMING = SPEED | {"gil-convoy"}  # a loaded machine may blur these, and must say so
DETERMINISTIC = set(scenario_ids()) - TIMING
BUDGET_S = 30.0


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json(capsys):
    code, out, _ = run_cli(capsys, "scenario", "list", "--json")
    assert code == 0
    data = json.loads(out)
    assert [d["id"] for d in data] == scenario_ids()
    assert all(set(d) == {"id", "title"} and d["title"] for d in data)
    assert len(data) == 11


def test_list_plain(capsys):
    code, out, _ = run_cli(capsys, "scenario", "list")
    assert code == 0 and "fork-held-lock" in out


@pytest.mark.parametrize("action", ["run", "code"])
def test_unknown_id_is_usage_error(capsys, action):
    code, out, err = run_cli(capsys, "scenario", action, "no-such-thing")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "unknown scenario 'no-such-thing'" in lines[0]
    assert "page-threads" in lines[0]  # says what would have been valid


def test_code_prints_the_script(capsys):
    code, out, _ = run_cli(capsys, "scenario", "code", "join-before-drain")
    assert code == 0 and out == get_scenario("join-before-drain").code()


def _children() -> list[psutil.Process]:
    from conftest import leftover_children

    return leftover_children(timeout=3.0)


def _check_numbers_quoted(sid: str, m: dict, verdict: str) -> None:
    """The verdict quotes what was measured (spot checks per scenario)."""
    if sid == "page-threads":
        for w in m["workers"]:
            assert f"{w['lines']} lines" in verdict
    elif sid == "page-processes":
        assert all(str(w["pid"]) in verdict for w in m["workers"])
    elif sid in SPEED:
        assert f"{m['thread_speedup']:.1f}" in verdict or f"{m['thread_speedup']:.2f}" in verdict
    elif sid == "gil-convoy":
        assert f"{m['alone_ms']:.1f} ms" in verdict and f"{m['cpu_thread_ms']:.1f} ms" in verdict
    elif sid == "start-methods":
        for name, v in m["methods"].items():
            assert name in verdict and str(v["child_modules"]) in verdict
    elif sid == "fork-held-lock":
        if m["fork_available"]:
            assert str(m["children"]["fork"]["exit_code"]) in verdict
    elif sid == "unbounded-queue":
        assert f"{m['unbounded']['peak_qsize']:,}" in verdict
        assert f"{m['bounded']['peak_qsize']:,}" in verdict
    elif sid == "join-before-drain":
        assert f"{m['bytes']:,}" in verdict
    elif sid == "iftry-vs-try":
        for s in ("iftry", "try", "blocking"):
            assert f"{m['live_producer'][s]['messages_per_s']:,}" in verdict
        assert f"{m['per_read_us']['empty']['iftry']:.1f} µs" in verdict


def cpu_slowness() -> float:
    """Wall seconds per CPU second a thread of this process gets right now (1.0 on an
    idle machine, 3.0 when busy loops leave it a third of a core): measured, not guessed."""
    c0, t0 = time.thread_time(), time.perf_counter()
    while time.thread_time() - c0 < 0.1:
        pass
    return max(1.0, (time.perf_counter() - t0) / (time.thread_time() - c0))


@pytest.mark.slow
@pytest.mark.timeout(600)  # a hang guard; the time budget is the assertion below
@pytest.mark.parametrize("sid", scenario_ids())
def test_scenario_runs_from_the_cli(capsys, sid):
    slowness = cpu_slowness()
    t0 = time.perf_counter()
    code, out, _ = run_cli(capsys, "scenario", "run", sid, "--json")
    elapsed = time.perf_counter() - t0
    slowness = max(slowness, cpu_slowness())
    data = json.loads(out)
    assert {"id", "ok", "verdict", "runs", "measurements"} <= set(data)
    assert data["id"] == sid
    assert code == (0 if data["ok"] else 1)
    for record in data["runs"]:
        assert record["schema"] == "concurrency-explorer/run/1"
    verdict = get_scenario(sid).judge(data["measurements"])
    assert (verdict.ok, verdict.text) == (data["ok"], data["verdict"])  # judged on these numbers
    _check_numbers_quoted(sid, data["measurements"], data["verdict"])
    if sid in DETERMINISTIC:
        assert data["ok"], data["verdict"]
    elif not data["ok"]:
        assert "load average" in data["verdict"] or "one core" in data["verdict"]
    # the budget in this machine's time: as many CPU seconds as an idle machine gives
    budget = BUDGET_S * 2 * slowness
    assert elapsed < budget, f"{sid} took {elapsed:.1f} s (budget {budget:.0f} s)"
    assert not _children(), "a scenario left a process behind"


def test_scenario_run_through_the_real_entry_point():
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-m", "concurrency_explorer", "scenario", "run", "page-threads", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["ok"] and len(data["runs"]) == 1
    workers = data["runs"][0]["workers"]
    assert [w["final_remaining"] for w in workers] == [0, 0]


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_saved_script_runs_standalone_with_plain_python(tmp_path, scenario):
    path = tmp_path / f"{scenario.id.replace('-', '_')}.py"
    path.write_text(scenario.code(), encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}  # no PYTHONPATH: no project
    proc = subprocess.run(
        [sys.executable, "-I", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=100,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip()
    assert "Traceback" not in proc.stderr
