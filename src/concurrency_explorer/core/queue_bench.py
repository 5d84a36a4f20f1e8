"""How much reading a ``multiprocessing.Queue`` costs, measured: if-then-try, try/except, get.

Reusable by the benchmarks (``python -m benchmarks``) and by the "iftry-vs-try"
scenario, so it lives in the Qt-free core. Two questions, two functions:

- ``measure_get_paths(duration_s)``: the cost of one read, three ways, on an empty
  queue and on a busy one (items waiting). On an empty queue the if-then-try
  helper asks ``empty()`` (one ``poll`` of the pipe) and never raises; ``try``/
  ``except`` around ``get_nowait()`` takes the reader lock and raises ``Empty``
  every time. A blocking ``get()`` on an empty queue waits for the next item: it
  has no per-call cost to speak of, only a wait no GUI tick can afford.
- ``measure_drain(...)``: producers in child processes flood a bounded queue the
  way workers do (progress with the if-then-try put, dropped and counted when the
  queue is full; the final message with a blocking put), while the consumer calls
  ``drain`` once per tick with the runner's cap. It reports what got through and
  checks the rule that matters: no final message is lost, every progress message
  is either received or counted as dropped.
"""

from __future__ import annotations

import multiprocessing
import queue
import statistics
import time
from collections.abc import Callable
from typing import Any

from .child.iftry import drain, queue_iftry_get, queue_iftry_put
from .child.protocol import Done, Progress
from .environment import start_context

#: Progress messages a busy queue holds for ``measure_get_paths``: about 40 KB
#: pickled, which fits in a pipe's 64 KB buffer so the producer can exit first.
BUSY_ITEMS = 500
_NOTHING = object()


def _read_iftry(q: Any) -> Any:
    return queue_iftry_get(q, default=_NOTHING, use_default=True)


def _read_try(q: Any) -> Any:
    try:
        return q.get_nowait()
    except queue.Empty:
        return _NOTHING


def _read_blocking(q: Any) -> Any:
    return q.get()


READS: dict[str, Callable[[Any], Any]] = {
    "iftry": _read_iftry,
    "try_except": _read_try,
    "blocking": _read_blocking,
}


def _fill(q: Any, items: int) -> None:
    """Child process: put ``items`` progress messages, then exit (which flushes them)."""
    now = time.perf_counter()
    for i in range(items):
        q.put(Progress(0, items - i, now))


def _per_call_empty(q: Any, read: Callable[[Any], Any], duration_s: float) -> float:
    calls = 0
    t0 = time.perf_counter()
    deadline = t0 + duration_s
    while True:
        for _ in range(100):
            read(q)
        calls += 100
        now = time.perf_counter()
        if now >= deadline:
            return (now - t0) / calls


def _per_call_busy(ctx: Any, read: Callable[[Any], Any], items: int) -> float:
    q = ctx.Queue()
    producer = ctx.Process(target=_fill, args=(q, items), daemon=True)
    producer.start()
    producer.join(30)
    if producer.exitcode != 0:
        raise RuntimeError(f"queue filler exited with {producer.exitcode}")
    t0 = time.perf_counter()
    got = 0
    while got < items:
        if read(q) is not _NOTHING:
            got += 1
    elapsed = time.perf_counter() - t0
    q.close()
    q.join_thread()
    return elapsed / items


def measure_get_paths(
    duration_s: float = 0.5, items: int = BUSY_ITEMS, method: str | None = None
) -> dict[str, Any]:
    """Cost per read, in microseconds, of if-then-try, try/except and blocking ``get``.

    ``duration_s`` is spent roughly half on the empty queue and half on busy rounds
    (at least one per way). Each way alternates with the others, and the median is
    kept, because a shared machine is noisy. Returns::

        {"empty": {"iftry": us, "try_except": us, "blocking": None},
         "busy": {"iftry": us, "try_except": us, "blocking": us},
         "ratio_iftry_vs_try": {"empty": x, "busy": x}, "items": n, "method": name}
    """
    ctx = multiprocessing.get_context(method)
    empty: dict[str, list[float]] = {"iftry": [], "try_except": []}
    q = ctx.Queue()
    slice_s = max(0.01, duration_s / 2 / 6)
    try:
        for rnd in range(3):
            order = ["iftry", "try_except"] if rnd % 2 == 0 else ["try_except", "iftry"]
            for name in order:
                empty[name].append(_per_call_empty(q, READS[name], slice_s))
    finally:
        q.close()
        q.join_thread()
    busy: dict[str, list[float]] = {name: [] for name in READS}
    deadline = time.perf_counter() + duration_s / 2
    rnd = 0
    while rnd < 1 or time.perf_counter() < deadline:
        names = list(READS) if rnd % 2 == 0 else list(reversed(READS))
        for name in names:
            busy[name].append(_per_call_busy(ctx, READS[name], items))
        rnd += 1
    us = 1e6
    measured_empty = {k: statistics.median(v) * us for k, v in empty.items()}
    # blocking waits for the next item; there is no "empty read"
    out_empty: dict[str, float | None] = {**measured_empty, "blocking": None}
    out_busy = {k: statistics.median(v) * us for k, v in busy.items()}
    return {
        "empty": out_empty,
        "busy": out_busy,
        "ratio_iftry_vs_try": {
            "empty": measured_empty["iftry"] / measured_empty["try_except"],
            "busy": out_busy["iftry"] / out_busy["try_except"],
        },
        "items": items,
        "busy_rounds": rnd,
        "method": ctx.get_start_method(),
        "unit": "microseconds per read",
    }


def _flood(worker_id: int, q: Any, messages: int) -> None:
    """Child process: a worker at full speed, ``messages`` progress reports and a final."""
    sent = dropped = 0
    for i in range(messages):
        if queue_iftry_put(q, Progress(worker_id, messages - i, time.perf_counter())):
            sent += 1
        else:
            dropped += 1
    q.put(Done(worker_id, 0, False, 0.0, 0.0, time.perf_counter(), sent, dropped))


def measure_drain(
    producers: int = 2,
    messages: int = 20_000,
    tick_s: float = 0.03,
    max_items: int = 2000,
    queue_size: int = 1024,
    method: str | None = None,
    timeout_s: float = 60.0,
    next_cap: Callable[[int, int, float], int] | None = None,
) -> dict[str, Any]:
    """Flood a bounded queue from ``producers`` processes; ``drain`` it once per tick.

    ``max_items`` is the cap of the first tick and, without ``next_cap``, of every
    tick (the runner's fixed cap). ``next_cap(cap, drained, seconds)`` returns the
    next tick's cap from this tick's, for a consumer that adapts it (the window
    fits it to a time budget). Returns what a consumer on this tick handled:
    messages received and per second, progress dropped by the producers (counted,
    never silent), finals received (must equal ``producers``), whether the
    accounting adds up (received + dropped == sent for every producer) and how
    long the longest drain call took against the tick.
    """
    ctx = start_context(method)
    q = ctx.Queue(queue_size)
    procs = [
        ctx.Process(target=_flood, args=(i, q, messages), daemon=True) for i in range(producers)
    ]
    received = {i: 0 for i in range(producers)}
    finals: dict[int, Any] = {}
    drain_times: list[float] = []
    caps: list[int] = []
    cap = max_items
    ticks = 0
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    deadline = t0 + timeout_s
    next_tick = t0
    try:
        while len(finals) < producers and time.perf_counter() < deadline:
            d0 = time.perf_counter()
            items = drain(q, cap)
            spent = time.perf_counter() - d0
            drain_times.append(spent)
            caps.append(cap)
            ticks += 1
            if next_cap is not None:
                cap = next_cap(cap, len(items), spent)
            for item in items:
                if isinstance(item, Done):
                    finals[item.worker_id] = item
                else:
                    received[item.worker_id] += 1
            next_tick += tick_s
            pause = next_tick - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            else:
                next_tick = time.perf_counter()  # late: do not try to catch up
        t_end = time.perf_counter()
    finally:
        for p in procs:
            p.join(5)
            if p.exitcode is None:
                p.kill()
                p.join(5)
        q.close()
        q.join_thread()
    wall = t_end - t0
    total = sum(received.values()) + len(finals)
    dropped = sum(f.dropped for f in finals.values())
    consistent = len(finals) == producers and all(
        received[i] == finals[i].progress_sent and received[i] + finals[i].dropped == messages
        for i in finals
    )
    return {
        "producers": producers,
        "messages_per_producer": messages,
        "tick_s": tick_s,
        "max_items": max_items,
        "queue_size": queue_size,
        "wall_s": wall,
        "received": total,
        "messages_per_s": total / wall if wall > 0 else None,
        "dropped": dropped,
        "finals_received": len(finals),
        "finals_lost": producers - len(finals),
        "accounting_ok": consistent,
        "ticks": ticks,
        "drain_items_per_s": total / sum(drain_times) if sum(drain_times) > 0 else None,
        "max_drain_s": max(drain_times) if drain_times else None,
        "median_drain_s": statistics.median(drain_times) if drain_times else None,
        "capacity_per_s": max_items / tick_s,
        "caps": {"first": caps[0], "last": caps[-1], "min": min(caps), "max": max(caps)}
        if caps
        else None,
        "method": ctx.get_start_method(),
    }
