"""``--python PATH``: host modes under another interpreter, over JSON lines."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import time

import pytest
from tests.runs import stop_and_wait, wait_at_fault, wait_running

from concurrency_explorer.cli import main
from concurrency_explorer.core import ConfigError, RunConfig, run_to_completion
from concurrency_explorer.core.environment import environment
from concurrency_explorer.core.runner import Run


def _version_of(python: str) -> str:
    out = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return out.stdout.strip() if out.returncode == 0 else ""


def _other_python() -> str:
    """Another CPython >= 3.8 when this machine has one (pyenv), else this one."""
    mine = environment()["python"]
    for path in sorted(glob.glob("/root/.pyenv/versions/3.1[0-9]*/bin/python3"), reverse=True):
        version = _version_of(path)
        if version and version != mine:
            return path
    return sys.executable


OTHER = _other_python()


@pytest.mark.parametrize("mode", ["thread", "sequential", "pool-thread", "asyncio"])
def test_host_modes_run_under_another_python(mode):
    config = RunConfig.build(mode=mode, workers=2, counts=[10, 20], python=OTHER)
    run = run_to_completion(config, timeout_s=60)
    record = run.record()
    assert run.ok, record
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
    worker_env = record["worker_environment"]
    assert worker_env["python"] == _version_of(OTHER)
    assert worker_env["gil_enabled"] in (True, False)
    assert record["environment"] == environment()  # the app's interpreter, unchanged
    assert record["config"]["python"] == OTHER
    pids = {w["pid"] for w in record["workers"]}
    assert len(pids) == 1 and os.getpid() not in pids
    without = run_to_completion(config.replace(python=None), timeout_s=60).record()
    extras = {key for key in without if key not in record}
    assert not extras, f"keys lost under --python: {extras}"  # a thread pool's ``pool``
    if mode == "pool-thread":
        assert record["pool"] == {"kind": "thread", "size": 2}


def test_without_python_the_worker_environment_is_this_one():
    record = run_to_completion(RunConfig.build(mode="thread", workers=1, counts=[5])).record()
    assert record["worker_environment"]["python"] == environment()["python"]


def test_stop_reaches_the_other_interpreter():
    run = Run(RunConfig.build(mode="thread", workers=2, count=10_000_000, python=OTHER))
    run.start()
    wait_running(run, timeout_s=30)
    assert stop_and_wait(run) < 3.0
    assert [w.state for w in run.workers] == ["stopped", "stopped"]
    assert run.record()["stop"]["escalation"] == "event"


def test_a_deaf_worker_under_another_python_is_terminated():
    run = Run(RunConfig.build(mode="thread", workers=2, count=40, faults={0: "hang"}, python=OTHER))
    run.start()
    wait_at_fault(run, 0)
    run.stop()
    while not run.finished:
        run.poll()
        time.sleep(0.01)
    assert run.escalation in ("terminate", "kill")
    assert run.workers[0].state == "stopped"


def test_an_interpreter_that_cannot_run_the_host_is_reported(tmp_path, capsys):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'SyntaxError: this is not the Python you want' >&2\nexit 3\n")
    fake.chmod(0o755)
    assert main(["run", "--mode", "thread", "--counts", "10,20", "--python", str(fake)]) == 1
    out = capsys.readouterr().out
    assert "exited with code 3" in out and "not the Python you want" in out


def test_python_is_checked_and_refused_for_other_modes(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        RunConfig.build(mode="thread", workers=1, python=str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match="is a folder, not a program"):
        RunConfig.build(mode="thread", workers=1, python=str(tmp_path))
    plain = tmp_path / "python3"
    plain.write_text("")
    with pytest.raises(ConfigError, match="is not executable"):
        RunConfig.build(mode="thread", workers=1, python=str(plain))
    with pytest.raises(ConfigError, match="takes no other Python"):
        RunConfig.build(mode="process", workers=1, python=sys.executable)


def test_cli_json_names_the_interpreter_that_ran_the_workers(capsys):
    argv = ["run", "--mode", "thread", "--counts", "10,20", "--python", OTHER, "--json"]
    assert main(argv) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["worker_environment"]["executable"]
    assert record["worker_environment"]["python"] == _version_of(OTHER)


def _stuck_wrapper(tmp_path, token: str) -> str:
    """A 'python' that is a shell script whose child keeps the pipes and never answers."""
    script = tmp_path / "python-wrapper"
    script.write_text(f"#!/bin/sh\nsleep 300 # {token}\n")
    script.chmod(0o755)
    return str(script)


def _sleepers(token: str) -> list[int]:
    import psutil

    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if token in " ".join(proc.info["cmdline"] or []) and proc.pid != os.getpid():
            found.append(proc.pid)
    return found


def test_stop_ends_a_wrapper_that_never_answers_and_its_children(tmp_path):
    """Stop escalates to the host's whole process group: a wrapper script's child held
    the pipes open, so the run never ended and the child outlived the app."""
    token = f"stuck-{os.getpid()}-{time.monotonic_ns()}"
    python = _stuck_wrapper(tmp_path, token)
    run = Run(RunConfig.build(mode="thread", workers=2, count=10, python=python))
    run.start()
    time.sleep(0.5)
    assert stop_and_wait(run) < 5.0
    assert run.finished
    deadline = time.monotonic() + 5
    while _sleepers(token) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _sleepers(token) == []


def test_an_interpreter_that_does_not_answer_fails_the_run_with_a_reason(tmp_path, monkeypatch):
    from concurrency_explorer.core.engines import stdio

    monkeypatch.setattr(stdio, "ANSWER_TIMEOUT_S", 1.0)
    token = f"silent-{os.getpid()}-{time.monotonic_ns()}"
    python = _stuck_wrapper(tmp_path, token)
    run = run_to_completion(RunConfig.build(mode="thread", workers=1, count=5, python=python))
    errors = [(w["error"] or {}).get("message", "") for w in run.record()["workers"]]
    assert not run.ok
    assert any("did not answer within 1 s" in e for e in errors), errors
    assert _sleepers(token) == []
