"""Figure 4b, the window at scale (issue 21): 8, 32 and 64 worker processes per start method.

Each measurement is a fresh process (``benchmarks.gui_probe``): the real window at
1600x1000, offscreen, Timeline tab shown, Run pressed, and a 30 ms probe timer in
the window's thread *from the moment Run was pressed* (``--settle 0``: starting 64
processes is part of what the window must survive). The workload is sized so the
workers are still busy when the probe stops. Beside it, in the same rounds, the
baseline of the issue: a bare PySide6 window with 64 busy-loop processes started
with ``subprocess`` (what the CPU alone does to a window's timer), and 64 threads.

Printed per scenario: p99 lateness against the goal (50 ms) and the bare window's
p99 of the same rounds, and how long a bar stood still while its worker ran (the
issue's "bars move the whole time": read from the rows at each probe tick). The
machine is shared: the bare window's figure says how much of the lateness the load
alone explains (ratio app/bare, per-round median).
"""

from __future__ import annotations

import json
import os

from .context import BenchContext
from .gui_responsiveness import percentile
from .harness import Figure, interleave, median, run_python

GOAL = "<= 50"
BARE = "bare64"


def scenarios(quick: bool) -> dict[str, str]:
    """Scenario name (``gui_probe``) -> label, in the order they run."""
    import multiprocessing

    methods = [
        m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()
    ]
    sizes = (64,) if quick else (8, 32, 64)
    out = {f"processes{n}_{m}_timeline": f"{n} processes ({m})" for n in sizes for m in methods}
    out["threads64_timeline"] = "64 threads"
    out[BARE] = "bare PySide6 window beside 64 busy processes (baseline)"
    return out


def workers_of(scenario: str) -> int:
    digits = "".join(c for c in scenario.split("_")[0] if c.isdigit())
    return int(digits)


def run(ctx: BenchContext) -> list[Figure]:
    seconds = 3.0 if ctx.quick else 5.0
    reps = ctx.reps(3, 1)
    labels = scenarios(ctx.quick)
    samples: dict[str, list[float]] = {name: [] for name in labels}
    per_round: dict[str, list[float]] = {name: [] for name in labels}
    extra: dict[str, dict[str, list[float]]] = {name: {} for name in labels}

    def probe(scenario: str) -> float:
        n = workers_of(scenario)
        # each worker's CPU seconds: the run outlasts the probe (and its start) on these cores
        count = ctx.count_for((seconds + 3.0) * ctx.cores / n)
        args = ["-m", "benchmarks.gui_probe", "--scenario", scenario, "--seconds", str(seconds)]
        args += ["--count", str(count), "--step-iterations", str(ctx.step_iterations)]
        args += ["--settle", "0"]
        out = json.loads(run_python(args, timeout=300).stdout.strip().splitlines()[-1])
        samples[scenario].extend(out["lateness_ms"])
        p99 = percentile(out["lateness_ms"], 99) or 0.0
        per_round[scenario].append(p99)
        for key in ("window_thread_cpu_share", "click_s"):
            if out.get(key) is not None:
                extra[scenario].setdefault(key, []).append(out[key])
        still = out.get("bar_still_s") or {}
        if still.get("max") is not None:
            extra[scenario].setdefault("bar_still_max_s", []).append(still["max"])
            extra[scenario].setdefault("bar_still_p50_s", []).append(still["p50"])
        return p99

    interleave({name: (lambda n=name: probe(n)) for name in labels}, reps)
    bare99 = percentile(samples[BARE], 99)
    figures = []
    for name, label in labels.items():
        p50, p99 = percentile(samples[name], 50), percentile(samples[name], 99)
        rounds = ", ".join(f"{v:.0f}" for v in per_round[name])
        what = (
            "30 ms QTimer in a bare QMainWindow, from when its 64 busy loops run"
            if name == BARE
            else "30 ms QTimer from Run on, Timeline shown, 1600x1000 offscreen"
        )
        detail = (
            f"{what}; p50 {p50:.1f} ms; "
            f"{len(samples[name])} ticks in {reps} rounds (p99 per round: {rounds} ms)"
        )
        if name != BARE:
            ratios = [a / b for a, b in zip(per_round[name], per_round[BARE], strict=True) if b]
            ratio = f"{median(ratios):.1f}x" if ratios else "n/a"
            detail += f"; bare window p99 {bare99:.0f} ms in the same rounds (app/bare {ratio})"
        shares = extra[name].get("window_thread_cpu_share")
        if shares:
            detail += f"; window thread used {100 * median(shares):.1f} % of a core"
        still = extra[name].get("bar_still_max_s")
        if still:
            typical = median(extra[name]["bar_still_p50_s"])
            detail += (
                f"; a bar stood still up to {max(still):.1f} s while its worker ran "
                f"(the median worker's longest: {typical:.1f} s)"
            )
        clicks = extra[name].get("click_s")
        if clicks and name != BARE:
            detail += f"; Run's click took {1000 * median(clicks):.0f} ms"
        detail += f"; load {os.getloadavg()[0]:.1f}"
        figures.append(
            Figure(
                "gui at scale",
                f"timer lateness p99, {label}",
                p99,
                "ms",
                "" if name == BARE else GOAL,
                detail,
                {"p50_ms": p50, "p99_ms": p99, "p99_per_round_ms": per_round[name], **extra[name]},
            )
        )
    return figures
