"""``--mode asyncio``: every worker a coroutine on one event loop, in a host process."""

from __future__ import annotations

from .mp import HostEngine


class AsyncioEngine(HostEngine):
    """Coroutines on one thread: they interleave where they ``await``, never in parallel.

    The loop runs in a host process like threads do (a CPU-bound loop in the GUI
    process would freeze the window). ``no_yield`` workers never await.
    """

    mode = "asyncio"
    label = "asyncio coroutines"
    host_entry = "aio_worker:host_coroutines"
    options = frozenset({"no_yield", "python", "switch_interval_s"})
    description = (
        "Coroutines on one event loop, one thread: concurrency without parallelism. "
        "They take turns only where they await; one that never awaits stops all others."
    )
    unit = "coroutine"
    noun = "coroutines"
    where = "on one asyncio loop"
    ran_as = "as asyncio coroutines"
