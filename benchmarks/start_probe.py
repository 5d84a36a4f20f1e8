"""Start latency probe, run as its own process: ``python -m benchmarks.start_probe``.

Measures ``--starts`` starts of one worker with one start method, either through
the app (``Run.start()``) or bare (``Queue()`` + ``Process.start()``), from the start
request to the child's first message (the child's perf_counter stamp; that clock is
system-wide on Linux). Same conditions on both sides: both run from this main
module (a ``spawn`` child imports the same ``__mp_main__`` either way), and both
import the app's runner first, so a ``fork`` copies a parent of the same size (fork
time grows with the parent's memory). The first start of each probe warms up
(forkserver, resource tracker) and is not counted, nor is the next. Prints one JSON list.

Both sides pause ``PAUSE_S`` before every start, so that each begins from the same
state: an idle machine. Without it they did not. The app side polls its Run every
20 ms, so each of its starts came after ~15 ms of idle, while each bare start came
right after the previous one, on cores still awake. On this 2-core VM a bare ``fork``
start took 2.2-2.7 ms back to back and 2.9-4.3 ms after a 50 ms pause, while the
app's stayed at 3.3-5.2 ms either way (medians of 8-12 alternated probe pairs, 5
batches each, load 2-4): the fork figure went from 1.37-1.87x to 1.03-1.38x with
nothing changed in the app. A user's start comes after idle too (a click, a command).

Top-level imports stay minimal: spawn children import this module as ``__mp_main__``.
"""

import time

WARM_UP = 2  # starts per probe that are not counted (the first few are slower on both sides)
#: How often the app side polls its Run: the CLI's rhythm (``run_to_completion``'s tick;
#: the window's timer is slower still). The figure is the child's own stamp, so polling
#: faster would not show the first message sooner, only take CPU beside the child.
POLL_S = 0.02
#: Both sides' pause before each start (see the module docstring).
PAUSE_S = 0.05


def bare_target(q) -> None:
    q.put(time.perf_counter())


def bare_start(method: str) -> tuple[float, float]:
    """(start request to first message, start request to ``Process.start()``)."""
    import multiprocessing

    ctx = multiprocessing.get_context(method)
    t_request = time.perf_counter()
    q = ctx.Queue()
    p = ctx.Process(target=bare_target, args=(q,), daemon=True)
    t_start = time.perf_counter()
    p.start()
    t_first = q.get(timeout=30)
    p.join(10)
    q.close()
    q.join_thread()
    return t_first - t_request, t_start - t_request


def app_start(method: str) -> tuple[float, float]:
    """(start request to first message, start request to ``Process.start()``: the
    launcher's stamp just before it, ``requested_at_s`` in the run record)."""
    from concurrency_explorer.core import Run, RunConfig

    config = RunConfig.build(
        mode="process", start_method=method, workers=1, count=1, step_iterations=1
    )
    t_request = time.perf_counter()
    run = Run(config)
    run.start()
    worker = run.workers[0]
    deadline = t_request + 30
    while worker.t_started is None and time.perf_counter() < deadline:
        run.poll()
        time.sleep(POLL_S)
    t_first = worker.t_started
    t_start = run.engine.start_requests().get(worker.worker_id, t_request)
    run.close()
    while not run.finished:
        run.poll()
        time.sleep(0.002)
    if t_first is None:
        raise RuntimeError(f"no Started message: {run.record()['workers']}")
    return t_first - t_request, t_start - t_request


def main() -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser()
    parser.add_argument("--side", choices=("app", "bare"), required=True)
    parser.add_argument("--method", required=True)
    parser.add_argument("--starts", type=int, default=6)
    parser.add_argument(
        "--pause", type=float, default=PAUSE_S, help="seconds of idle before every start"
    )
    parser.add_argument(
        "--parts",
        action="store_true",
        help="print [latency, request-to-Process.start()] pairs instead of latencies",
    )
    args = parser.parse_args()
    import concurrency_explorer.core.runner  # noqa: F401  (same parent size both sides)

    side = app_start if args.side == "app" else bare_start

    def start(method: str) -> tuple[float, float]:
        time.sleep(args.pause)  # both sides start from an idle machine
        return side(method)

    for _ in range(WARM_UP):  # not counted: forkserver, resource tracker, first imports
        start(args.method)
    results = [start(args.method) for _ in range(args.starts)]
    print(json.dumps(results if args.parts else [latency for latency, _ in results]))


if __name__ == "__main__":
    main()
