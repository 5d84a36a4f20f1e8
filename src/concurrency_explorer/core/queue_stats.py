"""How full the result queue is: ``qsize()`` where it works, an estimate where not.

``multiprocessing.Queue.qsize()`` raises ``NotImplementedError`` on macOS (no
``sem_getvalue`` there). Then the depth is *estimated* from what the runner
knows: a running worker reports every ``report_interval_s``, so the reports it
should have sent since its last one arrived are most likely still in the queue.
Both are snapshots: by the time they are read, workers have put more.
"""

from __future__ import annotations

import time
from typing import Any

QSIZE, ESTIMATE, NONE = "qsize", "estimate", "none"


def queue_depth(run: Any, now: float | None = None) -> tuple[int | None, str]:
    """(messages waiting in the queue, how it was found: qsize / estimate / none)."""
    queue = getattr(run.engine, "queue", None)
    if queue is None or run.finished:
        return None, NONE
    try:
        return int(queue.qsize()), QSIZE
    except (NotImplementedError, OSError, ValueError):
        pass
    now = time.perf_counter() if now is None else now
    interval = run.config.report_interval_s
    waiting = 0
    for worker in run.workers:
        if worker.final or worker.last_message_t is None:
            continue
        waiting += max(0, int((now - worker.last_message_t) / interval))
    return waiting, ESTIMATE
