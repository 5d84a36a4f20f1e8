"""One long-lived thread that starts every child process of the app.

Why a thread of its own: ``PR_SET_PDEATHSIG`` fires when the parent *thread* exits,
not the parent process. A child started from a short-lived thread would be killed
when that thread ends; a child started from the GUI thread would block it for the
whole spawn (tens of ms per child). This daemon thread lives as long as the app.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

THREAD_NAME = "concurrency-explorer-launcher"

HAND_OVER_S = 0.05  # the most a caller waits for the launcher to do its job


class Job:
    """One call queued for the launcher thread: the part of ``concurrent.futures.Future``
    the engines use. Not that class: importing ``concurrent.futures`` (and ``logging``
    with it) cost the command line ~7 ms of a run's start-up, measured with
    ``-X importtime``, for a done-flag and a result."""

    __slots__ = ("_done", "_error", "_lock", "_result", "_state")

    def __init__(self) -> None:
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._state = "pending"  # then "running" or "cancelled"
        self._result: Any = None
        self._error: BaseException | None = None

    def _begin(self) -> bool:
        """True when the job is to run; False when it was cancelled before it began."""
        with self._lock:
            if self._state == "cancelled":
                return False
            self._state = "running"
            return True

    def _finish(self, result: Any = None, error: BaseException | None = None) -> None:
        self._result, self._error = result, error
        self._done.set()

    def cancel(self) -> bool:
        """Cancel a job that has not begun; False once it runs or ran."""
        with self._lock:
            if self._state == "running":
                return False
            self._state = "cancelled"
        self._done.set()
        return True

    def cancelled(self) -> bool:
        return self._state == "cancelled"

    def done(self) -> bool:
        return self._done.is_set()

    def _wait(self, timeout: float | None) -> None:
        if not self._done.wait(timeout):
            raise TimeoutError(f"the launcher did not finish the job within {timeout} s")
        if self._state == "cancelled":
            raise CancelledError("the job was cancelled before it began")

    def exception(self, timeout: float | None = None) -> BaseException | None:
        self._wait(timeout)
        return self._error

    def result(self, timeout: float | None = None) -> Any:
        self._wait(timeout)
        if self._error is not None:
            raise self._error
        return self._result


class CancelledError(Exception):
    """A job cancelled before the launcher thread began it."""


_jobs: queue.SimpleQueue[tuple[Job, Callable[..., Any], tuple[Any, ...]]] = queue.SimpleQueue()
_thread: threading.Thread | None = None
_lock = threading.Lock()


def _loop() -> None:
    while True:
        job, fn, args = _jobs.get()
        if not job._begin():
            continue
        try:
            result = fn(*args)
        except BaseException as exc:
            job._finish(error=exc)
        else:
            job._finish(result)
        del job, fn, args  # drop references while idle


def wait(jobs: Iterable[Job], timeout: float | None = None) -> None:
    """Wait until every job is done, at most ``timeout`` seconds in all."""
    deadline = None if timeout is None else time.monotonic() + timeout
    for job in jobs:
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not job._done.wait(left):
            return


def submit(fn: Callable[..., Any], *args: Any) -> Job:
    """Run ``fn(*args)`` on the launcher thread; returns its Job."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, name=THREAD_NAME, daemon=True)
            _thread.start()
    job = Job()
    _jobs.put((job, fn, args))
    return job


def hand_over(job: Job, timeout: float = HAND_OVER_S) -> None:
    """Step aside until the launcher thread has done ``job`` (a start).

    Queuing a job only wakes the launcher thread; it still needs the GIL, and a
    caller that goes on running Python (the window after Start, the CLI's first
    poll) keeps it for up to the switch interval (5 ms): measured, a job queued
    while the caller computed began 1.8 ms later instead of 0.02 ms. It waits until
    the job is done, not only begun: the caller would take the GIL back at the job's
    first release of it (``Popen`` makes its pipes before it forks) and could hold
    the fork up while it polls. Bounded by ``timeout``: a start takes 1-5 ms, and
    behind a long queue of starts the caller does not wait its turn.
    """
    wait([job], timeout)


def call(fn: Callable[..., Any], *args: Any, timeout: float | None = None) -> Any:
    """Run ``fn(*args)`` on the launcher thread and wait for its result."""
    return submit(fn, *args).result(timeout)


def launch_failed(job: Job, timeout: float) -> bool:
    """True when a launch raised or did not finish within ``timeout``: nothing started
    that could be reaped. Not an error to hide: ``units()`` reports why, from the same
    job (its ``start_error``)."""
    try:
        return job.exception(timeout=timeout) is not None
    except (TimeoutError, CancelledError):
        return True
