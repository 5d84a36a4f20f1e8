"""Run a configuration through the core for a scenario, and read numbers off records."""

from __future__ import annotations

from typing import Any

from ..config import RunConfig
from ..runner import Run, run_to_completion
from .base import TIME_BUDGET_S, Context


def run_config(
    config: RunConfig,
    context: Context,
    label: str,
    *,
    baseline_wall_s: float | None = None,
    timeout_s: float = TIME_BUDGET_S,
    console: list[str] | None = None,
) -> Run:
    """One run to completion; Stop in the window (``context.cancel``) stops it.

    ``console`` collects the workers' printed lines in the order they arrived.
    """
    context.check()
    context.say(f"running {label}…")
    seen: dict[int, int] = {}

    def on_poll(run: Run) -> None:
        if console is not None:
            for w in run.workers:
                new = w.output[seen.get(w.worker_id, 0) :]
                seen[w.worker_id] = len(w.output)
                console.extend(f"[{config.mode} {w.worker_id}] {line}" for line in new)
        if context.cancel.is_set():
            run.stop()

    if context.run_hook is not None:  # the window: the run plays on its main bars
        run = context.run_hook(
            config,
            label,
            baseline_wall_s=baseline_wall_s,
            timeout_s=timeout_s,
            on_poll=on_poll,
            cancel=context.cancel,
        )
    else:
        run = run_to_completion(
            config, on_poll=on_poll, timeout_s=timeout_s, baseline_wall_s=baseline_wall_s
        )
    on_poll(run)  # lines of the last poll
    context.check()
    return run


def overlap_s(record: dict[str, Any]) -> float:
    """How long every worker of a run was running at the same time (0: never)."""
    starts = [w["started_at_s"] for w in record["workers"]]
    ends = [w["ended_at_s"] for w in record["workers"]]
    if None in starts or None in ends or not starts:
        return 0.0
    return round(max(0.0, min(ends) - max(starts)), 4)


def all_reached_zero(record: dict[str, Any]) -> bool:
    return all(w["final_remaining"] == 0 and w["state"] == "done" for w in record["workers"])


def cpu_parallelism(record: dict[str, Any]) -> float | None:
    """Sum of the workers' CPU seconds over the run's wall time: cores busy at once."""
    wall = record.get("wall_s")
    cpu = [w["cpu_s"] for w in record["workers"]]
    if not wall or None in cpu:
        return None
    return round(sum(cpu) / wall, 3)
