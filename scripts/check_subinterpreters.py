"""Run the subinterpreter host for real, outside the app, under a Python that has
``concurrent.interpreters`` (3.14+) or the PEP 734 backport (``pip install
interpreters-pep-734`` on 3.12/3.13). Prints one JSON object.

    /path/to/python3.13 scripts/check_subinterpreters.py [WORKERS] [COUNT]

Used by tests/test_engine_interpreter.py when CONCURRENCY_EXPLORER_INTERP_PYTHON
names such an interpreter; this machine's 3.11 has neither.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from concurrency_explorer.core.child.interp_host import interpreters_module, run_interpreters
from concurrency_explorer.core.child.protocol import Done, Started
from concurrency_explorer.core.child.workers import WorkerSpec


def main() -> None:
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue(1024)
    stop = ctx.Event()
    t0 = time.perf_counter()
    run_interpreters([WorkerSpec(i, count, "cpu") for i in range(workers)], q, stop, 1024)
    wall = time.perf_counter() - t0
    messages = []
    while True:
        try:
            messages.append(q.get(timeout=0.5))
        except queue.Empty:
            break
    started = [m for m in messages if isinstance(m, Started)]
    done = [m for m in messages if isinstance(m, Done)]
    print(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "module": interpreters_module().__name__,
                "pid": os.getpid(),
                "wall_s": round(wall, 3),
                "started": [[m.worker_id, m.pid, m.thread_id] for m in started],
                "done": [[m.worker_id, m.remaining, m.wall_s, m.cpu_s] for m in done],
            }
        )
    )


if __name__ == "__main__":
    main()
