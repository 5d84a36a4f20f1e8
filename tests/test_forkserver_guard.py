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
