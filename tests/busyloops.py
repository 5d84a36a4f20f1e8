"""Real busy-loop programs beside a test: the presenter's laptop with a browser and a call.

Each loop is ``python3 -c "while True: pass"``, started *detached* (the shell that
starts it exits at once, so the loop is no child of the test process): to the app it
is another program, exactly like ``scripts/with-busy-machine``'s loops. ``busy_loops``
waits on a condition (every loop has burnt CPU) rather than a fixed sleep, and ends
every loop it started, by pid, whatever the test did.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import psutil

LOOP = "import time; end = time.time() + 600\nwhile time.time() < end: pass"


def _start_detached() -> psutil.Process:
    out = subprocess.run(
        ["sh", "-c", f'{sys.executable} -c "{LOOP}" >/dev/null 2>&1 & echo $!'],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return psutil.Process(int(out.stdout.strip()))


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


@contextlib.contextmanager
def busy_loops(n: int | None = None, timeout: float = 30.0) -> Iterator[list[psutil.Process]]:
    """``n`` (default: one per core) busy loops, burning CPU before the body runs."""
    n = n or os.cpu_count() or 1
    loops: list[psutil.Process] = []
    try:
        for _ in range(n):
            loops.append(_start_detached())
        start = {p.pid: _cpu(p) for p in loops}
        deadline = time.monotonic() + timeout
        while any(_cpu(p) - start[p.pid] < 0.2 for p in loops):  # each burnt 0.2 s of CPU
            if time.monotonic() > deadline:
                raise TimeoutError("the busy loops did not get CPU time")
            time.sleep(0.05)
        yield loops
    finally:
        for p in loops:
            with contextlib.suppress(psutil.Error):
                p.kill()
        psutil.wait_procs(loops, timeout=10)
