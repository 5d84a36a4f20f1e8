"""What runs on a Dask worker: one countdown worker as one Dask task.

Progress flows back while the task runs through Dask's structured events:
``Worker.log_event(topic, msg)`` goes onto the worker's batched stream to the
scheduler, which forwards it to every client subscribed to the topic
(``Client.subscribe_topic``). Why events and not the alternatives: a distributed
``Queue`` costs a scheduler round trip per put (the worker thread waits for each),
pub/sub (``distributed.Pub``) no longer exists in current releases, and events are
non-blocking for the task, ordered per worker, and need no extra connection.
Stop is a distributed ``Event`` that the task polls at most every 0.1 s (each
poll is a round trip to the scheduler).

This module is imported on the Dask workers, so the package must be importable
there (a LocalCluster's workers inherit our ``sys.path``; for ``dask worker``
processes started by hand, install the package or set PYTHONPATH).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from typing import Any

from .child.workers import WorkerSpec, run_worker

STOP_POLL_S = 0.1


class EventQueue:
    """The worker's queue: each protocol message becomes one Dask event on ``topic``."""

    def __init__(self, worker: Any, topic: str) -> None:
        self.worker = worker
        self.topic = topic

    def full(self) -> bool:
        return False  # the batched stream never refuses; it coalesces instead

    def put(self, message: Any) -> None:
        self.worker.log_event(self.topic, [type(message).__name__, *message, self.worker.address])

    put_nowait = put


class PolledFlag:
    """A distributed Event, asked at most every ``STOP_POLL_S`` seconds."""

    def __init__(self, event: Any) -> None:
        self.event = event
        self.checked_at = 0.0
        self.value = False

    def is_set(self) -> bool:
        now = time.monotonic()
        if not self.value and now - self.checked_at >= STOP_POLL_S:
            self.checked_at = now
            self.value = bool(self.event.is_set())
        return self.value


def dask_task(spec: tuple, topic: str, stop_name: str, t_request: float) -> dict[str, Any]:
    """Run one worker on this Dask worker; return where it ran."""
    from distributed import Event, get_worker

    worker = get_worker()
    stop = PolledFlag(Event(stop_name))
    if not stop.is_set():
        run_worker(WorkerSpec(*spec), EventQueue(worker, topic), stop, t_request)
    check = getattr(sys, "_is_gil_enabled", None)
    return {
        "address": worker.address,
        "pid": os.getpid(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "gil_enabled": bool(check()) if check is not None else True,
        "executable": sys.executable,
    }
