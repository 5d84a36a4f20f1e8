"""Figure 1, app overhead: 2 cpu workers as processes, the app against bare multiprocessing.

Two views, both interleaved with their bare twin:
- the CLI end to end (``python -m concurrency_explorer run ...``, wall time seen from
  outside, interpreter start-up and imports included) against ``python -m benchmarks.bare``;
- ``run_to_completion`` in this process against ``bare.processes`` (the run itself).
Both sides use the same start method and the same chunked countdowns.
"""

from __future__ import annotations

from .context import BenchContext
from .harness import Figure, interleave, median, pair_spread, paired_ratio, timed_python

GOAL = "<= 1.05"
WORKERS = 2


def _cli_args(count: int, step_iterations: int, method: str) -> list[str]:
    return [
        "-m",
        "concurrency_explorer",
        "run",
        "--mode",
        "process",
        "--start-method",
        method,
        "--workers",
        str(WORKERS),
        "--count",
        str(count),
        "--step-iterations",
        str(step_iterations),
        "--json",
    ]


def _bare_args(count: int, step_iterations: int, method: str) -> list[str]:
    return [
        "-m",
        "benchmarks.bare",
        "--workers",
        str(WORKERS),
        "--count",
        str(count),
        "--step-iterations",
        str(step_iterations),
        "--start-method",
        method,
    ]


def run(ctx: BenchContext) -> list[Figure]:
    from concurrency_explorer.core import RunConfig, run_to_completion
    from concurrency_explorer.core.environment import default_start_method

    from . import bare

    method = default_start_method()
    work_s = 0.3 if ctx.quick else 1.5
    count = ctx.count_for(work_s)
    reps = ctx.reps(5, 2)
    its = ctx.step_iterations

    cli = interleave(
        {
            "app": lambda: timed_python(_cli_args(count, its, method)),
            "bare": lambda: timed_python(_bare_args(count, its, method)),
        },
        reps,
    )
    config = RunConfig.build(
        mode="process", start_method=method, workers=WORKERS, count=count, step_iterations=its
    )

    def app_run() -> float:
        result = run_to_completion(config)
        if not result.ok:
            raise RuntimeError(f"benchmark run failed: {result.record()['workers']}")
        return result.wall_s or 0.0

    inproc = interleave(
        {"app": app_run, "bare": lambda: bare.processes(WORKERS, count, its, method)}, reps
    )
    figures = []
    for name, data, what in (
        ("CLI, 2 processes", cli, "python -m concurrency_explorer run vs benchmarks.bare"),
        ("run_to_completion, 2 processes", inproc, "Run in-process vs bare Process+Queue"),
    ):
        figures.append(
            Figure(
                "overhead",
                name,
                paired_ratio(data["app"], data["bare"]),
                "x",
                GOAL,
                f"{what}; {method}; {count} steps/worker (~{work_s:g} s); "
                f"median app {median(data['app']):.3f} s, bare {median(data['bare']):.3f} s, "
                f"{reps} pairs ({pair_spread(data['app'], data['bare'])})",
                {"method": method, "count": count, "step_iterations": its, **data},
            )
        )
    return figures
