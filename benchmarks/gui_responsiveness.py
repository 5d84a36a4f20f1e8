"""Figure 4, GUI responsiveness: timer lateness while workers run, offscreen.

Each measurement is a fresh process (``benchmarks.gui_probe``) with a 30 ms probe
timer beside the window's poll loop. The baseline is the same probe with nothing
running (``idle``), interleaved with the loaded scenarios; one of them shows the
Timeline tab (its live chart) while 4 cpu threads run. Lateness samples
are pooled over the rounds; p50 and p99 are reported (goals from issue 4).
"""

from __future__ import annotations

import json
import math

from .context import BenchContext
from .harness import Figure, interleave, run_python

# issue 5: the window stays within issue 4's targets with its charts shown
GOALS = {"processes2": "<= 25", "threads4": "<= 50", "threads4_timeline": "<= 50"}
LABELS = {
    "idle": "idle",
    "processes2": "2 cpu processes",
    "threads4": "4 cpu threads",
    "threads4_timeline": "4 cpu threads, Timeline shown",
}


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (no interpolation: a p99 is a tick that happened)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def run(ctx: BenchContext) -> list[Figure]:
    import os

    seconds = 1.5 if ctx.quick else 3.0
    reps = ctx.reps(3, 1)
    samples: dict[str, list[float]] = {name: [] for name in LABELS}
    controller_p99: dict[str, list[float]] = {name: [] for name in LABELS}
    harness = set()

    def probe(scenario: str) -> float:
        args = ["-m", "benchmarks.gui_probe", "--scenario", scenario, "--seconds", str(seconds)]
        out = json.loads(run_python(args, timeout=120).stdout.strip().splitlines()[-1])
        samples[scenario].extend(out["lateness_ms"])
        harness.add(out["harness"])
        own = out.get("controller_lateness") or {}
        if "p99" in own:
            controller_p99[scenario].append(own["p99"])
        return percentile(out["lateness_ms"], 99) or 0.0

    interleave({name: (lambda n=name: probe(n)) for name in LABELS}, reps)
    how = "/".join(sorted(harness))
    idle99 = percentile(samples["idle"], 99)
    figures = []
    for name, label in LABELS.items():
        p50, p99 = percentile(samples[name], 50), percentile(samples[name], 99)
        base = "" if name == "idle" else f"; idle baseline p99 {idle99:.1f} ms"
        if controller_p99[name]:
            own = ", ".join(f"{v:.0f}" for v in controller_p99[name])
            base += f"; RunController's own tick p99 per round: {own} ms"
        figures.append(
            Figure(
                "gui",
                f"timer lateness p99, {label}",
                p99,
                "ms",
                GOALS.get(name, ""),
                f"30 ms QTimer, offscreen, {how} harness; p50 {p50:.1f} ms; "
                f"{len(samples[name])} ticks in {reps} rounds{base}; "
                f"load {os.getloadavg()[0]:.1f}",
                {"p50_ms": p50, "p99_ms": p99, "samples_ms": samples[name]},
            )
        )
    return figures
