"""``--self-test``: runs every mode and start method, and can fail when it should."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import psutil

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.environment import start_methods
from concurrency_explorer.core.selftest import SCHEMA, check_run, format_check

SRC = Path(__file__).resolve().parents[1] / "src"
QT_PREFIXES = ("PySide6", "shiboken6", "pyqtgraph")


def _cli(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "concurrency_explorer", *args]
    if code is not None:
        command = [sys.executable, "-c", code]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=180,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )


def test_self_test_passes_and_names_every_start_method():
    result = _cli("--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "self-test" in lines[0]
    for name in ["sequential", "threads", *(f"process/{m}" for m in start_methods())]:
        assert any(line.split()[1:2] == [name] for line in lines), (name, result.stdout)
    assert lines[-1].startswith("PASS: ")
    assert result.stderr == ""


def test_self_test_json_leaves_no_process_and_imports_no_qt():
    code = (
        "import sys, json\n"
        "from concurrency_explorer.app import main\n"
        "code = main(['--self-test', 'json'])\n"
        f"qt = [m for m in sys.modules if m.startswith({QT_PREFIXES!r})]\n"
        "print(json.dumps(qt), file=sys.stderr)\n"
        "raise SystemExit(code)\n"
    )
    result = _cli(code=code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []
    report = json.loads(result.stdout)
    assert report["schema"] == SCHEMA and report["ok"] is True
    names = [c["name"] for c in report["checks"]]
    assert names[-1] == "no process left"
    if "forkserver" in start_methods():
        assert "forkserver" in report["helpers"]
        assert "forkserver preload" in names
    pids = {pid for check in report["checks"] for pid in check["pids"]}
    pids |= set(report["helpers"].values())
    assert len(pids) >= 2 * len(start_methods())
    deadline = time.monotonic() + 3
    while (alive := [p for p in pids if psutil.pid_exists(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [p for p in alive if psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"still running after the self-test exited: {alive}"


def test_a_failing_worker_fails_its_check():
    config = RunConfig.build(
        mode="process",
        start_method="spawn",
        counts=(10, 20),
        step_iterations=2000,
        faults={1: "raise"},
    )
    check = check_run("process/spawn", config)
    assert not check.ok
    assert "worker 1: RuntimeError" in check.detail
    assert format_check(check).split()[0] == "FAIL"


def test_a_process_left_behind_fails_the_check():
    stray = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        config = RunConfig.build(mode="thread", counts=(10, 20), step_iterations=2000)
        check = check_run("threads", config)
    finally:
        stray.kill()
        stray.wait()
    assert not check.ok
    assert f"processes left behind: {stray.pid}" in check.detail


def test_self_test_rejects_an_unknown_format(capsys):
    from concurrency_explorer.cli import main

    assert main(["--self-test", "yaml"]) == 2
    assert "invalid choice" in capsys.readouterr().err
