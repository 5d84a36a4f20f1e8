"""Driving a core ``Run`` by hand, as the engine tests do: until running, then Stop."""

from __future__ import annotations

import time

from concurrency_explorer.core.runner import Run


def wait_running(run: Run, count: int | None = None, timeout_s: float = 30.0) -> None:
    """Poll until ``count`` workers (all by default) run, or ``timeout_s`` passes."""
    wanted = len(run.workers) if count is None else count
    pause = 0.02 if run.config.mode == "dask" else 0.01
    deadline = time.monotonic() + timeout_s
    while sum(w.state == "running" for w in run.workers) < wanted:
        if time.monotonic() > deadline:
            return  # the caller's assertions on the states say what went wrong
        run.poll()
        time.sleep(pause)


def stop_and_wait(run: Run) -> float:
    """Press Stop and poll until the run is over; the seconds that took."""
    t = time.monotonic()
    run.stop()
    while not run.finished:
        run.poll()
        time.sleep(0.01)
    return time.monotonic() - t


def at_fault(run: Run, worker_id: int) -> bool:
    """Worker ``worker_id`` reached its injected fault (``hang``, ``ignore-term``): it
    reports the fault's step, ``count // 2``, once the fault is armed, and never
    looks at the stop event again."""
    worker = run.workers[worker_id]
    return worker.remaining == worker.count // 2


def wait_at_fault(run: Run, worker_id: int, timeout_s: float = 60.0) -> None:
    """Poll until worker ``worker_id`` is at its fault; fail the test after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not at_fault(run, worker_id):
        assert time.monotonic() < deadline, f"worker {worker_id} never reached its fault"
        run.poll()
        time.sleep(0.01)


LADDER = ("event", "terminate", "kill")
PATIENCE_S = 60.0  # longer than any busy machine takes to end a signalled process


def ladder_stops_at(monkeypatch, needed: str) -> None:
    """Give each step of Stop's ladder (and of a one-click end) before ``needed`` time
    to work, however busy the machine: the next step waits ``PATIENCE_S``, not 0.6 s.

    A test that proves "SIGTERM was enough" must not see SIGKILL only because a
    loaded machine took 0.7 s to schedule the dying process; a test that needs the
    whole ladder (``needed="kill"``) keeps the real timings.
    """
    from concurrency_explorer.core import runner

    step = LADDER.index(needed)
    if step < 1:
        monkeypatch.setattr(runner, "TERMINATE_AFTER_S", PATIENCE_S)
    if step < 2:
        monkeypatch.setattr(runner, "KILL_AFTER_S", PATIENCE_S + runner.TERMINATE_AFTER_S)
        monkeypatch.setattr(runner, "END_KILL_AFTER_S", PATIENCE_S)
