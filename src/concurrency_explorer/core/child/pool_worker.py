"""What runs inside a ``ProcessPoolExecutor`` process: its initializer and its task.

A ``multiprocessing.Queue`` cannot be pickled as a task argument (it may only be
handed to a process when that process is created), so the pool's *initializer*
receives the run's queue and stop event once per pool process and keeps them
here. Every task then reports through them. Standard library only, like
``workers``: each pool process imports this module at start.
"""

from __future__ import annotations

import os

from .workers import run_worker

TYPE_CHECKING = False  # the constant, without importing typing (children stay lean)
if TYPE_CHECKING:
    from typing import Any

    from .workers import WorkerSpec

_channel: dict[str, Any] = {}
_tasks_run = 0  # tasks this pool process ran before the current one


def pool_init(q: Any, stop: Any, niceness: int = 0) -> None:
    """Initializer of every pool process: tie its life to the app, keep the channel,
    and yield to the window by ``niceness`` (``ProcessEngine.niceness_for``: a pool
    of more busy processes than cores would otherwise starve it, as plain worker
    processes did)."""
    from .lifecycle import die_with_parent, renice

    die_with_parent()
    renice(os.getpid(), niceness)
    _channel["queue"] = q
    _channel["stop"] = stop


def pool_task(spec: WorkerSpec, t_request: float) -> tuple[int, int]:
    """Run one worker in this pool process; return (pid, tasks it ran before this one).

    The second number is what a pool is for: above zero, the process was warm
    (already started, modules imported) when this task arrived.
    """
    global _tasks_run
    before = _tasks_run
    _tasks_run += 1
    run_worker(spec, _channel["queue"], _channel["stop"], t_request)
    return os.getpid(), before
