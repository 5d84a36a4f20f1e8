"""A ``multiprocessing.Queue`` whose ``put`` writes to the pipe itself: no feeder thread.

A plain ``multiprocessing.Queue.put`` hands the message to a *feeder thread*, which
takes the queue's shared write lock and then needs its own process's GIL back to
write. In a busy, niced worker process the GIL is held by the counting main thread
until the kernel gives that process a core again: with 64 worker processes on 2
cores, once per round of the other 63. The write lock was then held about a second
(median; up to 2.3 s) for 0.04 ms of writing, every other worker's message waited
on it, and the queue delivered 10-80 messages a second: bars stood still for 2-5 s
(issue 21).

Here the caller does what the feeder would, in its own thread: take a slot
(``_sem``, the bound, with ``put``'s block/timeout and ``queue.Full``), pickle, and
write under the write lock, as ``multiprocessing.SimpleQueue.put`` does. The lock is
held only while its holder runs. The reading side (``get``, ``get_nowait``,
``qsize``, ``empty``, ``full``) is the plain queue's, unchanged.

What changes for a writer: a put whose message does not fit in the pipe waits for a
reader (a plain queue's put returns and its feeder waits instead; the process then
waits at exit: join-before-drain, which the scenarios still show with plain queues).
So the pipe is enlarged to hold a full queue of small messages where the system
allows it, and the slots (``maxsize``) say Full before the pipe is full.
"""

from __future__ import annotations

import sys
from multiprocessing import queues
from multiprocessing.reduction import ForkingPickler
from queue import Full

TYPE_CHECKING = False  # the constant, without importing typing (children stay lean)
if TYPE_CHECKING:
    from typing import Any

#: Bytes a queue slot is given in the pipe: a progress message pickles to ~80-150.
SLOT_BYTES = 256
#: Linux lets an unprivileged process grow a pipe to /proc/sys/fs/pipe-max-size (1 MiB).
MAX_PIPE_BYTES = 1 << 20


class DirectQueue(queues.Queue):
    """A bounded ``multiprocessing.Queue`` whose writers write to the pipe themselves."""

    def __init__(self, maxsize: int = 0, *, ctx: Any) -> None:
        super().__init__(maxsize, ctx=ctx)
        _grow_pipe(self._writer.fileno(), self._maxsize * SLOT_BYTES)  # type: ignore[attr-defined]

    def put(self, obj: Any, block: bool = True, timeout: float | None = None) -> None:
        if self._closed:  # type: ignore[attr-defined]
            raise ValueError(f"Queue {self!r} is closed")
        sem = self._sem  # type: ignore[attr-defined]
        if not sem.acquire(block, timeout):
            raise Full
        try:
            data = ForkingPickler.dumps(obj)  # before the lock, as the feeder does
            lock = self._wlock  # type: ignore[attr-defined]
            if lock is None:  # Windows: the pipe's messages are written whole
                self._writer.send_bytes(data)  # type: ignore[attr-defined]
            else:
                with lock:
                    self._writer.send_bytes(data)  # type: ignore[attr-defined]
        except BaseException:
            sem.release()  # not sent: the slot is free again (the feeder does the same)
            raise


def make_queue(ctx: Any, maxsize: int) -> Any:
    """A run's queue in ``ctx``: direct when bounded. An unbounded one stays plain:
    its lesson is that ``put`` never waits (the feeder's buffer grows instead)."""
    if maxsize > 0:
        return DirectQueue(maxsize, ctx=ctx)
    return ctx.Queue(maxsize)


def _grow_pipe(fd: int, nbytes: int) -> None:
    """Ask for a pipe of ``nbytes`` (at most ``MAX_PIPE_BYTES``); keep what it is if not allowed."""
    if not sys.platform.startswith("linux"):
        return
    import fcntl
    from contextlib import suppress

    with suppress(OSError):  # over the limit, or not a pipe: the kernel's size stays
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), min(max(nbytes, 1), MAX_PIPE_BYTES))
