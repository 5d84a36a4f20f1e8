"""A queue and stop flag made ahead, so that a ``fork`` run's start does not wait for them.

Making a ``multiprocessing.Queue`` (a pipe and three semaphores) and the stop flag
(one more) took 0.35-0.5 ms between a start request and ``Process.start()``, where a
bare ``fork`` start takes 2.4 ms to its first message. So when a ``fork`` run ends,
the launcher thread (the one that forks, so nothing is forked half made) makes the
pair for the next run of the same queue size, and that run's ``open()`` takes it.
The first run of each size makes its own. At most one pair per size waits: a pipe
and four semaphores that a fork context unlinks at once, so nothing is left to clean
up at exit.

Only ``fork``: in the other contexts each semaphore is registered with the resource
tracker and unlinked by a finalizer at exit, and a pair made by the launcher thread
while the app exits was reported as leaked (the self-test's clean stderr caught it);
their starts (9 ms forkserver, 60+ ms spawn) hardly notice 0.35 ms anyway.
"""

from __future__ import annotations

import threading
from typing import Any

from . import launcher
from .child.workers import StopFlag

_spares: dict[tuple[str, int], tuple[Any, StopFlag]] = {}
_lock = threading.Lock()


SPARE_METHODS = ("fork",)


def _key(ctx: Any, queue_size: int) -> tuple[str, int]:
    return (ctx.get_start_method(), max(queue_size, 0))


def take(ctx: Any, queue_size: int) -> tuple[Any, StopFlag]:
    """The waiting pair for this shape, or a new one made now."""
    with _lock:
        spare = _spares.pop(_key(ctx, queue_size), None)
    return spare or make(ctx, queue_size)


def make(ctx: Any, queue_size: int) -> tuple[Any, StopFlag]:
    """A new queue (0 or less: unbounded) and stop flag in ``ctx``."""
    return ctx.Queue(queue_size), StopFlag(ctx)  # the flag: one semaphore, not an Event's five


def _prepare(ctx: Any, queue_size: int) -> None:
    key = _key(ctx, queue_size)
    with _lock:
        if key in _spares:
            return
    pair = make(ctx, queue_size)
    with _lock:
        _spares.setdefault(key, pair)


def prepare_next(ctx: Any, queue_size: int) -> None:
    """Have the launcher thread make the next run's pair of this shape (``fork`` only)."""
    if ctx.get_start_method() in SPARE_METHODS:
        launcher.submit(_prepare, ctx, queue_size)


def waiting() -> list[tuple[str, int]]:
    """The shapes a pair waits for (tests, diagnostics)."""
    with _lock:
        return list(_spares)
