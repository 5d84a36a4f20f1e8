"""The bare-Python baselines: the page's countdowns with nothing of the app around them.

Like for like with ``core/child/workers.py``: a worker there calls ``_spin(step_iterations)``
once per step. CPython 3.11 specialises a function only after it has been called a
few times, so one long loop in a function called once runs about 25% slower than
the same work driven as many small calls; the baselines therefore drive the same
chunked calls. Run as a script (``python -m benchmarks.bare ...``) it is the bare
``multiprocessing`` program the CLI is compared with.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time


def _spin(iterations: int) -> None:
    # Byte for byte the loop of core.workers._spin.
    while iterations > 0:
        iterations -= 1


def countdown(count: int, step_iterations: int) -> None:
    """``count`` steps of ``step_iterations`` decrements, as chunked calls."""
    for _ in range(count):
        _spin(step_iterations)


def _process_main(worker_id: int, count: int, step_iterations: int, q) -> None:
    countdown(count, step_iterations)
    q.put((worker_id, time.perf_counter()))  # its own end stamp, as the app's Done


def processes(workers: int, count: int, step_iterations: int, method: str | None = None) -> float:
    """``workers`` countdowns as processes, one final message each; returns the wall time
    from before the first start to the last worker's own end stamp.

    That is where the app's ``wall_s`` ends too (its workers' Done stamps): waking up
    for the message, the exits and the joins are in neither. Usually 2-3 ms, they took
    the bare side 100-500 ms in some runs at load 20, and the app looked 25-35 % faster
    than bare (0.65-0.75x).
    """
    ctx = multiprocessing.get_context(method)
    q = ctx.Queue()
    t0 = time.perf_counter()
    procs = [
        ctx.Process(target=_process_main, args=(i, count, step_iterations, q))
        for i in range(workers)
    ]
    for p in procs:
        p.start()
    ends = [q.get()[1] for _ in procs]
    for p in procs:
        p.join()
    wall = max(ends) - t0
    q.close()
    q.join_thread()
    return wall


def sequential(workers: int, count: int, step_iterations: int) -> float:
    """The same countdowns one after another on this thread; returns the wall time."""
    t0 = time.perf_counter()
    for _ in range(workers):
        countdown(count, step_iterations)
    return time.perf_counter() - t0


def step_seconds(step_iterations: int, steps: int = 40) -> float:
    """Median time of one step on this machine now (for sizing the workloads)."""
    _spin(step_iterations)  # let CPython specialise the loop first
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        _spin(step_iterations)
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description="bare multiprocessing countdowns")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--step-iterations", type=int, default=20_000)
    parser.add_argument("--start-method", default=None)
    args = parser.parse_args()
    processes(args.workers, args.count, args.step_iterations, args.start_method)


if __name__ == "__main__":
    main()
