"""A queue and stop flag made ahead, so that a run's start does not wait for them.

Making a ``multiprocessing.Queue`` (a pipe and three semaphores) and the stop flag
(one more) took 0.35-0.5 ms between a start request and ``Process.start()`` with
``fork``, where a bare ``fork`` start takes 2.4 ms to its first message; in a
``forkserver`` or ``spawn`` context more (0.5 ms on a busy machine), as each semaphore
is also registered with the resource tracker. So when a run ends, the launcher thread
makes the pair for the next run of the same start method and queue size, and that
run's ``open()`` takes it. The first run of each shape makes its own. At most one
pair per shape waits.

Nothing is left behind at exit. A ``fork`` context unlinks its semaphores at once.
In the other contexts multiprocessing's own exit handler unlinks each semaphore (and
tells the resource tracker) for every pair that exists when it runs; a pair made
*after* it ran would be reported as leaked (the self-test's clean stderr caught
that once). So an exit hook, registered after multiprocessing's and therefore run
before it, waits for a pair being made, then lets no more be made and drops those
that wait (``close``).
"""

from __future__ import annotations

import atexit
import multiprocessing.util  # noqa: F401  (its exit handler first: atexit runs ours before)
import threading
from typing import Any

from . import launcher
from .child.direct_queue import make_queue
from .child.workers import StopFlag

_spares: dict[tuple[str, int, bool], tuple[Any, StopFlag]] = {}
_lock = threading.Lock()  # the dict
_making = threading.Lock()  # held while the launcher thread makes a pair
_closed = False  # set at exit: no pair is made any more

SPARE_METHODS = ("fork", "forkserver", "spawn")


def _key(ctx: Any, queue_size: int, direct: bool = False) -> tuple[str, int, bool]:
    return (ctx.get_start_method(), max(queue_size, 0), direct and queue_size > 0)


def take(ctx: Any, queue_size: int, direct: bool = False) -> tuple[Any, StopFlag]:
    """The waiting pair for this shape, or a new one made now."""
    with _lock:
        spare = _spares.pop(_key(ctx, queue_size, direct), None)
    return spare or make(ctx, queue_size, direct)


def make(ctx: Any, queue_size: int, direct: bool = False) -> tuple[Any, StopFlag]:
    """A new queue (0 or less: unbounded) and stop flag in ``ctx``.

    ``direct``: a bounded queue's writers write to its pipe themselves, without a
    feeder thread (``child/direct_queue.py``).
    """
    queue = make_queue(ctx, queue_size) if direct else ctx.Queue(queue_size)
    return queue, StopFlag(ctx)  # the flag: one semaphore, not an Event's five


def _prepare(ctx: Any, queue_size: int, direct: bool = False) -> None:
    key = _key(ctx, queue_size, direct)
    with _making:
        if _closed:
            return
        with _lock:
            if key in _spares:
                return
        pair = make(ctx, queue_size, direct)
        with _lock:
            _spares.setdefault(key, pair)


def prepare_next(ctx: Any, queue_size: int, direct: bool = False) -> None:
    """Have the launcher thread make the next run's pair of this shape."""
    if ctx.get_start_method() in SPARE_METHODS and not _closed:
        launcher.submit(_prepare, ctx, queue_size, direct)


def close() -> None:
    """No pair is made from now on, and the waiting ones are dropped now: their
    semaphores are unlinked (and the resource tracker told) as they are collected.

    Called at exit, before multiprocessing's own handler, and by whoever stops the
    resource tracker first (the self-test): a pair it still tracked would be
    reported as leaked, and unlinked twice.
    """
    global _closed
    with _making:  # a pair being made is finished first
        _closed = True
        with _lock:
            pairs = list(_spares.values())
            _spares.clear()
    for queue, _flag in pairs:
        queue.close()


atexit.register(close)


def waiting() -> list[tuple[str, int, bool]]:
    """The shapes a pair waits for (tests, diagnostics)."""
    with _lock:
        return list(_spares)
