"""Figure 2, start latency per start method: the app's start against bare ``Process.start()``.

Each probe is a fresh process (``benchmarks.start_probe``) doing a warm-up start and
then several timed ones; app and bare probes alternate, and the figure is the
median over pairs of (app median / bare median). The detail says how much of each
side's latency came before ``Process.start()``: what the app adds is there, in
plain sight, not subtracted. The app's queue and stop flag were made ahead, after
the probe's previous start (``core/spare.py``), as they are in the window from the
second run of the same start method and queue size on; the bare side makes its queue
in the timed part. Both sides pause ``start_probe.PAUSE_S`` before every start: each
start begins on an idle machine (a bare start right after the previous one is faster
on cores still awake, and the app side's 20 ms polling gave it no such streak).
"""

from __future__ import annotations

import json

from .context import BenchContext
from .harness import Figure, interleave, median, pair_spread, paired_ratio, run_python
from .start_probe import PAUSE_S

GOAL = "<= 1.25"  # issue 15, item 6: start latency within 25 % of a bare start


def probe(side: str, method: str, starts: int) -> list[list[float]]:
    """[latency, request to ``Process.start()``] for each counted start."""
    args = ["-m", "benchmarks.start_probe", "--side", side, "--method", method, "--parts"]
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
        raw: dict[str, list[list[list[float]]]] = {"app": [], "bare": []}

        def side(name: str, method: str = method, raw: dict = raw) -> float:
            values = probe(name, method, starts)
            raw[name].append(values)
            return median([latency for latency, _ in values])

        data = interleave({"app": lambda: side("app"), "bare": lambda: side("bare")}, reps)
        app_ms, bare_ms = median(data["app"]) * 1e3, median(data["bare"]) * 1e3
        # where the time goes: before Process.start() (the app: its queue, stop flag,
        # load meter snapshot and the hop to the launcher thread) and after it
        before = {
            name: median([part for values in raw[name] for _, part in values]) * 1e3 for name in raw
        }
        figures.append(
            Figure(
                "start latency",
                method,
                paired_ratio(data["app"], data["bare"]),
                "x",
                GOAL,
                f"Run.start() vs Queue()+Process.start(), to the child's first message; "
                f"app {app_ms:.1f} ms ({before['app']:.1f} of them before Process.start()), "
                f"bare {bare_ms:.1f} ms ({before['bare']:.1f}) (medians; {reps} probe pairs "
                f"x {starts} starts, each after {PAUSE_S * 1e3:.0f} ms idle on both sides; "
                f"{pair_spread(data['app'], data['bare'])})",
                {
                    "method": method,
                    "app_s": data["app"],
                    "bare_s": data["bare"],
                    "before_start_ms": before,
                    "pause_s": PAUSE_S,
                    "raw": raw,
                },
            )
        )
    return figures
