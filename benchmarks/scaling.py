"""Figure 3, scaling: N cpu workers as processes (and as threads) against one after another.

For N = 1..4 the app runs N equal countdowns as processes and as threads
(``run_to_completion``), interleaved with the bare baseline: the same N countdowns
one after another on one thread (``bare.sequential``). Speedup = bare sequential
wall / app wall; the goal for processes is 0.95 x min(N, cores). At N = 2 the
app's own ``sequential`` mode joins the round for the issue-3 targets: processes
<= 0.6x and threads >= 0.85x of the sequential wall time (the GIL).

Each round also runs the same N countdowns in bare ``multiprocessing`` processes
(``bare.processes``): how far bare processes get on this machine, and the app's
wall against them, tell the app's cost from the kernel's and the VM's (3 busy
processes on 2 cores finish when the last does).
"""

from __future__ import annotations

import os

from .context import BenchContext
from .harness import Figure, interleave, median, paired_ratio

MAX_WORKERS = 4


def _load() -> str:
    try:
        return f"load {os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover - no getloadavg
        return ""


def run(ctx: BenchContext) -> list[Figure]:
    from concurrency_explorer.core import RunConfig, run_to_completion

    from . import bare

    work_s = 0.15 if ctx.quick else 0.5
    count = ctx.count_for(work_s)
    its = ctx.step_iterations
    reps = ctx.reps(3, 1)
    sizes = (1, 2) if ctx.quick else tuple(range(1, MAX_WORKERS + 1))

    def app(mode: str, n: int) -> float:
        config = RunConfig.build(mode=mode, workers=n, count=count, step_iterations=its)
        result = run_to_completion(config)
        if not result.ok:
            raise RuntimeError(f"{mode} run failed: {result.record()['workers']}")
        return result.wall_s or 0.0

    figures = []
    for n in sizes:
        sides = {
            "bare_sequential": lambda n=n: bare.sequential(n, count, its),
            "bare_processes": lambda n=n: bare.processes(n, count, its),
            "process": lambda n=n: app("process", n),
            "thread": lambda n=n: app("thread", n),
        }
        if n == 2:
            sides["app_sequential"] = lambda: app("sequential", 2)
        data = interleave(sides, reps)
        seq = data["bare_sequential"]
        ideal = min(n, ctx.cores)
        proc_speedup = paired_ratio(seq, data["process"])
        thread_speedup = paired_ratio(seq, data["thread"])
        walls = ", ".join(f"{k} {median(v):.2f} s" for k, v in data.items())
        figures.append(
            Figure(
                "scaling",
                f"{n} process{'es' if n > 1 else ''} speedup",
                proc_speedup,
                "x",
                f">= {0.95 * ideal:.2f}",
                f"vs bare one-after-another; ideal {ideal}x; {walls}; {reps} rounds; {_load()}",
                {"n": n, "count": count, **data},
            )
        )
        figures.append(
            Figure(
                "scaling",
                f"{n} process{'es' if n > 1 else ''}: app / bare multiprocessing wall",
                paired_ratio(data["process"], data["bare_processes"]),
                "x",
                "",
                f"the same countdowns as bare Process+Queue; bare processes' own speedup "
                f"{paired_ratio(seq, data['bare_processes']):.2f}x (ideal {ideal}x)",
            )
        )
        figures.append(
            Figure(
                "scaling",
                f"{n} thread{'s' if n > 1 else ''} speedup",
                thread_speedup,
                "x",
                "",
                "for comparison: CPU-bound threads share one GIL, about 1x",
                {"n": n, "count": count},
            )
        )
        if n == 2:
            app_seq = data["app_sequential"]
            figures.append(
                Figure(
                    "issue 3",
                    "2 processes / sequential wall",
                    paired_ratio(data["process"], app_seq),
                    "x",
                    "<= 0.6",
                    "app process mode vs app sequential mode, same counts",
                )
            )
            figures.append(
                Figure(
                    "issue 3",
                    "2 threads / sequential wall",
                    paired_ratio(data["thread"], app_seq),
                    "x",
                    ">= 0.85",
                    "app thread mode vs app sequential mode (the GIL: no faster)",
                )
            )
            figures.append(
                Figure(
                    "scaling",
                    "app sequential / bare sequential",
                    paired_ratio(app_seq, seq),
                    "x",
                    "<= 1.05",
                    "the app's one-after-another mode (in its host process) vs a bare loop",
                )
            )
    return figures
