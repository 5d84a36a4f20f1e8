"""One long-lived thread that starts every child process of the app.

Why a thread of its own: ``PR_SET_PDEATHSIG`` fires when the parent *thread* exits,
not the parent process. A child started from a short-lived thread would be killed
when that thread ends; a child started from the GUI thread would block it for the
whole spawn (tens of ms per child). This daemon thread lives as long as the app.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from typing import Any

THREAD_NAME = "concurrency-explorer-launcher"

HAND_OVER_S = 0.05  # the most a caller waits for the launcher to do its job

_jobs: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = (
    queue.SimpleQueue()
)
_thread: threading.Thread | None = None
_lock = threading.Lock()


def _loop() -> None:
    while True:
        future, fn, args = _jobs.get()
        if not future.set_running_or_notify_cancel():
            continue
        try:
            result = fn(*args)
        except BaseException as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)
        del future, fn, args  # drop references while idle


def submit(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """Run ``fn(*args)`` on the launcher thread; returns a Future."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, name=THREAD_NAME, daemon=True)
            _thread.start()
    future: Future[Any] = Future()
    _jobs.put((future, fn, args))
    return future


def hand_over(future: Future[Any], timeout: float = HAND_OVER_S) -> None:
    """Step aside until the launcher thread has done ``future``'s job (a start).

    Queuing a job only wakes the launcher thread; it still needs the GIL, and a
    caller that goes on running Python (the window after Start, the CLI's first
    poll) keeps it for up to the switch interval (5 ms): measured, a job queued
    while the caller computed began 1.8 ms later instead of 0.02 ms. It waits until
    the job is done, not only begun: the caller would take the GIL back at the job's
    first release of it (``Popen`` makes its pipes before it forks) and could hold
    the fork up while it polls. Bounded by ``timeout``: a start takes 1-5 ms, and
    behind a long queue of starts the caller does not wait its turn.
    """
    wait([future], timeout)


def call(fn: Callable[..., Any], *args: Any, timeout: float | None = None) -> Any:
    """Run ``fn(*args)`` on the launcher thread and wait for its result."""
    return submit(fn, *args).result(timeout)


def launch_failed(future: Future[Any], timeout: float) -> bool:
    """True when a launch raised or did not finish within ``timeout``: nothing started
    that could be reaped. Not an error to hide: ``units()`` reports why, from the same
    future (its ``start_error``)."""
    try:
        return future.exception(timeout=timeout) is not None
    except TimeoutError:
        return True
