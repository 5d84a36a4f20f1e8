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
from concurrent.futures import Future
from typing import Any

THREAD_NAME = "concurrency-explorer-launcher"

HAND_OVER_S = 0.05  # the most a caller waits for the launcher to begin its job


class _Job(Future[Any]):
    """A Future that also says when the launcher thread began it (``begun``)."""

    def __init__(self) -> None:
        super().__init__()
        self.begun = threading.Event()


_jobs: queue.SimpleQueue[tuple[_Job, Callable[..., Any], tuple[Any, ...]]] = queue.SimpleQueue()
_thread: threading.Thread | None = None
_lock = threading.Lock()


def _loop() -> None:
    while True:
        future, fn, args = _jobs.get()
        if not future.set_running_or_notify_cancel():
            continue
        future.begun.set()
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
    future = _Job()
    _jobs.put((future, fn, args))
    return future


def hand_over(future: Future[Any], timeout: float = HAND_OVER_S) -> None:
    """Step aside until the launcher thread has begun ``future``'s job (a start).

    Queuing a job only wakes the launcher thread; it still needs the GIL, and a
    caller that goes on running Python (the window after Start, the CLI's first
    poll) keeps it for up to the switch interval (5 ms): measured, a job queued
    while the caller computed began 1.8 ms later instead of 0.02 ms. Waiting here
    hands the GIL over at once; the caller gets it back when the job next releases
    it (a fork: once the child exists). Bounded by ``timeout``: behind a long queue
    of starts the caller does not wait its turn.
    """
    if isinstance(future, _Job):
        future.begun.wait(timeout)


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
