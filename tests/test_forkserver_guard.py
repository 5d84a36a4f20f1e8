"""The forkserver must import its preload (and so arm its die-with-the-app guard).

Python 3.11's forkserver ignores the parent's sys.path and skips a preload that
fails to import without a word; under pytest (``pythonpath = ["src"]``) that left
the forkserver unguarded and, after a killed test run, alive with its workers.
"""

from __future__ import annotations

import time

import psutil
import pytest

from concurrency_explorer.core import RunConfig, run_to_completion
from concurrency_explorer.core.environment import start_methods

pytestmark = pytest.mark.skipif(
    "forkserver" not in start_methods(), reason="no forkserver on this platform"
)


def _forkservers() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children():
        try:
            if "multiprocessing.forkserver" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def test_forkserver_imports_the_preload_and_runs_its_parent_watch():
    run = run_to_completion(
        RunConfig.build(mode="process", start_method="forkserver", workers=1, counts=[5])
    )
    assert run.ok
    servers = _forkservers()
    assert servers, "a forkserver should be running after a forkserver run"
    # the preload starts a parent-watch thread: an unguarded forkserver has 1 thread
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and max(s.num_threads() for s in servers) < 2:
        time.sleep(0.05)
    assert max(s.num_threads() for s in servers) >= 2


def _modules_of_the_worker(conn, q) -> None:  # runs in a forkserver worker
    import sys

    conn.send(sorted(sys.modules))
    conn.close()


def test_the_forkserver_preloads_what_unpickling_a_worker_imports():
    """A worker's ``Process`` carries a queue (semaphores, the forkserver's fds):
    unpickling it imports ``multiprocessing.queues``, ``.synchronize`` and
    ``.popen_forkserver``. Left to each child, that was about 3 ms of every start."""
    import json
    import subprocess
    import sys

    from concurrency_explorer.core import launcher
    from concurrency_explorer.core.engines import mp

    ctx = mp.get_context("forkserver")  # also puts the package on PYTHONPATH
    reader, writer = ctx.Pipe(duplex=False)
    queue = ctx.Queue()
    process = ctx.Process(target=_modules_of_the_worker, args=(writer, queue), daemon=True)
    launcher.call(process.start, timeout=60)
    writer.close()
    assert reader.poll(60), "the worker sent nothing"
    in_worker = {m for m in reader.recv() if m.startswith("multiprocessing")}
    reader.close()
    process.join(10)
    queue.close()
    code = (
        "import json, sys; import concurrency_explorer.core.child._forkserver_preload; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    preloaded = set(json.loads(out.stdout))
    assert "multiprocessing.queues" in in_worker
    assert in_worker - preloaded == set(), "imported by each worker, not once in the forkserver"
