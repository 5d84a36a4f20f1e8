"""Figure 2, start latency per start method: the app's start against bare ``Process.start()``.

Each probe is a fresh process (``benchmarks.start_probe``) doing a warm-up start and
then several timed ones; app and bare probes alternate, and the figure is the
median over pairs of (app median / bare median).
"""

from __future__ import annotations

import json

from .context import BenchContext
from .harness import Figure, interleave, median, paired_ratio, run_python

GOAL = "<= 1.25"  # issue 15, item 6: start latency within 25 % of a bare start


def probe(side: str, method: str, starts: int) -> list[float]:
    args = ["-m", "benchmarks.start_probe", "--side", side, "--method", method]
    out = run_python([*args, "--starts", str(starts)], timeout=120)
    return json.loads(out.stdout)


def run(ctx: BenchContext) -> list[Figure]:
    import multiprocessing

    figures = []
    starts = 3 if ctx.quick else 9
    reps = ctx.reps(5, 2)
    for method in ("fork", "forkserver", "spawn"):
        if method not in multiprocessing.get_all_start_methods():
            continue
        raw: dict[str, list[list[float]]] = {"app": [], "bare": []}

        def side(name: str, method: str = method, raw: dict = raw) -> float:
            values = probe(name, method, starts)
            raw[name].append(values)
            return median(values)

        data = interleave({"app": lambda: side("app"), "bare": lambda: side("bare")}, reps)
        app_ms, bare_ms = median(data["app"]) * 1e3, median(data["bare"]) * 1e3
        figures.append(
            Figure(
                "start latency",
                method,
                paired_ratio(data["app"], data["bare"]),
                "x",
                GOAL,
                f"Run.start() vs Queue()+Process.start(), to the child's first message; "
                f"app {app_ms:.1f} ms, bare {bare_ms:.1f} ms (medians; {reps} probe pairs "
                f"x {starts} starts)",
                {"method": method, "app_s": data["app"], "bare_s": data["bare"], "raw": raw},
            )
        )
    return figures
