"""The Dask engine: a LocalCluster per run, and an existing cluster on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from tests.runs import stop_and_wait, wait_running

from concurrency_explorer.cli import main
from concurrency_explorer.core import ConfigError, RunConfig, run_to_completion
from concurrency_explorer.core.engines import dask_engine
from concurrency_explorer.core.runner import Run

SRC = Path(__file__).resolve().parents[1] / "src"
needs_dask = pytest.mark.skipif(
    not dask_engine.DaskEngine.availability()[0], reason="dask extra not installed"
)


@needs_dask
def test_local_cluster_runs_the_tasks_and_closes():
    config = RunConfig.build(mode="dask", workers=2, counts=[10, 20])
    run = run_to_completion(config, timeout_s=180)
    record = run.record()
    assert run.ok, record
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
    dask = record["dask"]
    assert dask["cluster"] == "local" and dask["scheduler"].startswith("tcp://127.0.0.1:")
    assert len(dask["workers"]) == 2 and dask["cluster_start_s"] > 0
    addresses = [w["dask_worker"] for w in record["workers"]]
    assert all(a in dask["workers"] for a in addresses)
    for w in record["workers"]:
        assert w["pid"] == dask["workers"][w["dask_worker"]]  # the bar's pid is that worker's
        assert w["pid"] != os.getpid() and w["state"] == "done"
        assert w["start_latency_s"] is not None
    assert record["worker_environment"]["python"] == record["environment"]["python"]
    pids = list(dask["workers"].values())
    assert dask_engine.wait_for_teardowns(60)
    assert not any(psutil.pid_exists(p) for p in pids)


@needs_dask
def test_closing_while_the_cluster_starts_does_not_wait_for_it():
    """Closing the window at once must not freeze it while a cluster boots: the
    wait for the boot, then the teardown, happen on the teardown thread."""
    run = Run(RunConfig.build(mode="dask", workers=2, count=10_000_000))
    run.start()
    t = time.monotonic()
    run.close(timeout=0.1)
    assert time.monotonic() - t < 2.0
    assert run.finished
    assert dask_engine.wait_for_teardowns(180), "the cluster was not closed after its boot"


@needs_dask
def test_stop_ends_dask_tasks_cooperatively():
    run = Run(RunConfig.build(mode="dask", workers=2, count=10_000_000))
    run.start()
    wait_running(run, timeout_s=180)
    assert stop_and_wait(run) < 5.0
    assert [w.state for w in run.workers] == ["stopped", "stopped"]
    assert all(w.remaining > 0 for w in run.workers)
    assert run.record()["stop"]["escalation"] == "event"


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _end(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:  # workers first, then the scheduler (started first)
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()
            proc.wait(timeout=10)


@needs_dask
def test_an_existing_cluster_on_loopback_runs_the_tasks(tmp_path, capsys):
    """A real ``dask scheduler`` and two ``dask worker`` processes, 127.0.0.1 only."""
    env = dict(os.environ, PYTHONPATH=str(SRC))  # the workers import the task from here
    scheduler_file = tmp_path / "scheduler.json"
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    scheduler = _start(
        ["distributed.cli.dask_scheduler", "--port", "0", "--scheduler-file", str(scheduler_file),
         *common], env)  # fmt: skip
    procs = [scheduler]
    try:
        deadline = time.monotonic() + 120
        while not scheduler_file.exists() and time.monotonic() < deadline:
            assert scheduler.poll() is None, "the scheduler died"
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for _ in range(2):
            procs.insert(0, _start(
                ["distributed.cli.dask_worker", "--scheduler-file", str(scheduler_file),
                 "--nthreads", "1", "--nworkers", "1", *common], env))  # fmt: skip
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)  # both registered with the scheduler
        worker_pids = {  # descendants of the two `dask worker` commands
            c.pid for p in procs[:2] for c in psutil.Process(p.pid).children(recursive=True)
        }

        argv = ["run", "--mode", "dask", "--scheduler", address, "--counts", "10,20", "--json"]
        assert main(argv) == 0
        record = json.loads(capsys.readouterr().out)
        assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
        assert record["dask"]["cluster"] == "external"
        assert record["dask"]["scheduler"] == address
        # the two worker processes, children of the two `dask worker` commands
        assert len(record["dask"]["workers"]) == 2
        assert set(record["dask"]["workers"].values()) <= worker_pids
        assert {w["pid"] for w in record["workers"]} <= worker_pids  # ran on those workers
        assert all(w["dask_worker"] in record["dask"]["workers"] for w in record["workers"])
        assert scheduler.poll() is None  # an existing cluster is left running
    finally:
        _end(procs)


@needs_dask  # without the extra, mode "dask" is refused before its options are read
def test_dask_options_are_checked():
    with pytest.raises(ConfigError, match="tcp://HOST:PORT"):
        RunConfig.build(mode="dask", workers=1, scheduler="127.0.0.1:8786")
    with pytest.raises(ConfigError, match="takes no Dask scheduler"):
        RunConfig.build(mode="thread", workers=1, scheduler="tcp://127.0.0.1:8786")


def test_without_dask_the_mode_says_how_to_install_it(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "distributed" else real(name, *a),
    )
    assert dask_engine.DaskEngine.availability() == (False, dask_engine.INSTALL_HINT)
    assert main(["run", "--mode", "dask", "--counts", "10,20"]) == 2
    assert "pip install 'concurrency-explorer[dask]'" in capsys.readouterr().err
    assert main(["info", "--json"]) == 0
    mode = json.loads(capsys.readouterr().out)["modes"]["dask"]
    assert mode["available"] is False and "concurrency-explorer[dask]" in mode["reason"]


SCRIPT = """
import json
from concurrency_explorer.core import RunConfig
from concurrency_explorer.core.runner import run_to_completion

if __name__ == "__main__":
    run = run_to_completion(RunConfig.build(mode="dask", workers=2, counts=[5, 5]))
    print(json.dumps(sorted(run.record()["dask"]["workers"].values())), flush=True)
"""


@needs_dask
def test_a_script_that_exits_right_after_a_dask_run_waits_for_the_teardown(tmp_path):
    script = tmp_path / "one_dask_run.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=180
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr  # no daemon thread killed mid-close
    pids = json.loads(done.stdout)
    assert len(pids) == 2 and not any(psutil.pid_exists(p) for p in pids)


class _FailedFuture:
    status = "error"

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def done(self) -> bool:
        return True

    def cancelled(self) -> bool:
        return False

    def exception(self) -> BaseException:
        return self.error


def test_a_cluster_that_cannot_import_the_package_is_told_how_to_fix_it():
    """Dask's own words ('the Scheduler and Client have different environments') do not
    say what to do; a scheduler or worker started by hand without the package gets this."""
    engine = dask_engine.DaskEngine(None, 16)
    error = RuntimeError("Error during deserialization of the task graph. This frequently")
    status = engine._status(0, _FailedFuture(error))
    assert status.failure.startswith(dask_engine.IMPORT_HINT)
    assert "PYTHONPATH" in status.failure and "deserialization" in status.failure
    other = engine._status(1, _FailedFuture(ValueError("boom")))
    assert dask_engine.IMPORT_HINT not in other.failure


@needs_dask
def test_a_local_cluster_leaves_port_8787_to_other_clusters():
    """Dask's default HTTP port belongs to whatever cluster a Dask user already runs:
    taking it (or warning that it is taken) is not ours to do."""
    import socket

    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", 8787))
        holder.listen()
    except OSError:
        pass  # something else holds it already: the same situation
    try:
        run = run_to_completion(RunConfig.build(mode="dask", workers=1, counts=[3]), timeout_s=180)
        assert run.ok, run.record()["workers"]
        assert "127.0.0.1" in run.record()["dask"]["scheduler"]
    finally:
        holder.close()
    assert dask_engine.wait_for_teardowns(60)
