"""The page's "if-then-try" queue helpers, with its bugs fixed.

The idea: ask the cheap question first (``empty()`` / ``full()``), and only then do
the non-blocking call inside ``try``. The ``try`` is not optional. The answer of
``empty()`` or ``full()`` is stale the moment it returns: another thread or process
can take the last item (or fill the last slot) in between, so ``get_nowait()`` can
still raise ``queue.Empty`` after ``empty()`` said False, and ``put_nowait()`` can
still raise ``queue.Full`` after ``full()`` said False. For a
``multiprocessing.Queue`` it is worse: ``empty()`` looks at the pipe, and an item
that was put a moment ago may still sit in the producer's feeder thread.

These helpers accept ``queue.Queue``, ``multiprocessing.Queue`` and anything with
the same ``empty/full/get_nowait/put_nowait`` methods.
"""

from __future__ import annotations

import queue

TYPE_CHECKING = False  # the constant, without importing typing (children stay lean)
if TYPE_CHECKING:  # workers import this module: keep typing out of the children
    from collections.abc import Callable
    from typing import Any, Protocol

    class _GetQueue(Protocol):
        def empty(self) -> bool: ...
        def get_nowait(self) -> Any: ...

    class _PutQueue(Protocol):
        def full(self) -> bool: ...
        def put_nowait(self, item: Any) -> None: ...


def queue_iftry_get(
    get_queue: _GetQueue,
    default: Any = None,
    use_default: bool = False,
    func: Callable[[Any], Any] | None = None,
    use_func: bool = False,
) -> Any:
    """Take one item without blocking: check ``empty()``, then ``get_nowait()`` in ``try``.

    Returns the item (passed through ``func`` when ``use_func`` is set). When nothing
    was read, either because the queue looked empty or because it was emptied between
    the check and the get (the race), returns ``default`` if ``use_default`` is set,
    else ``None``. The page's version fell off its branches and returned ``None``
    on some of those paths by accident; here every path is deliberate.
    """
    if not get_queue.empty():
        try:
            value = get_queue.get_nowait()
        except queue.Empty:
            pass  # lost the race: someone else took it after empty() said no
        else:
            if use_func:
                if func is None:
                    raise ValueError("use_func is set but func is None")
                return func(value)
            return value
    return default if use_default else None


def queue_iftry_put(put_queue: _PutQueue, value: Any) -> bool:
    """Put one item without blocking: check ``full()``, then ``put_nowait()`` in ``try``.

    Returns True if the item was queued, False if the queue was full (before the
    call, or filled by someone else between ``full()`` and ``put_nowait()``).
    A caller that drops on False must count what it dropped: silent loss is a bug.
    """
    if put_queue.full():
        return False
    try:
        put_queue.put_nowait(value)
    except queue.Full:
        return False
    return True


_NOTHING = object()


def drain(get_queue: _GetQueue, max_items: int, deadline: float | None = None) -> list[Any]:
    """Read up to ``max_items`` items with ``queue_iftry_get`` and return them in order.

    Stops at the first empty read, so it never blocks. The cap is what keeps a GUI
    responsive under a flood: whatever is left waits for the next tick. ``deadline``
    (a ``time.perf_counter()`` value) bounds the reading by time as well: one read
    costs far more when other processes take the cores, so a count alone is no bound.
    """
    if max_items < 0:
        raise ValueError("max_items must be >= 0")
    items: list[Any] = []
    if deadline is not None:
        from time import perf_counter as clock
    while len(items) < max_items:
        item = queue_iftry_get(get_queue, default=_NOTHING, use_default=True)
        if item is _NOTHING:
            break
        items.append(item)
        if deadline is not None and clock() >= deadline:
            break
    return items
