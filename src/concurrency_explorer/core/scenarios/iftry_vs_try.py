"""The page's claim, measured: is "if empty(), then try get_nowait()" faster than try/except?

Three ways to read a queue, on an empty queue (cost per call) and on a busy one (a
producer process keeps it full; messages moved per second). The verdict reports
whatever this machine shows, either way.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Callable
from typing import Any

from .. import scenario_probes
from ..engines.mp import get_context, host_start_method
from ..iftry import queue_iftry_get
from ._children import reap, start_child
from .base import Bar, Context, Measured, Scenario, Verdict, fmt_s

EMPTY_CALLS = 20_000
BLOCKING_CALLS = 20
BLOCKING_TIMEOUT_S = 0.002
BUSY_SLICE_S = 0.25  # per strategy per round; two rounds, interleaved
BUSY_ROUNDS = 2
BUSY_QUEUE_SIZE = 1000
STRATEGIES = ("iftry", "try", "blocking")
LABELS = {"iftry": "if-then-try", "try": "try/except", "blocking": "blocking get"}
_NOTHING = object()


def _iftry_once(q: Any) -> bool:
    return queue_iftry_get(q, _NOTHING, True) is not _NOTHING


def _try_once(q: Any) -> bool:
    try:
        q.get_nowait()
    except queue.Empty:
        return False
    return True


def _blocking_once(q: Any, timeout: float) -> bool:
    try:
        q.get(timeout=timeout)
    except queue.Empty:
        return False
    return True


def _per_call(fn: Callable[[], object], calls: int, repeats: int = 3) -> tuple[float, float]:
    """Best-of-``repeats`` wall seconds per call, and CPU seconds per call then."""
    best = (float("inf"), 0.0)
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.thread_time()
        for _ in range(calls):
            fn()
        wall = (time.perf_counter() - w0) / calls
        if wall < best[0]:
            best = (wall, (time.thread_time() - c0) / calls)
    return best


def measure_empty(q: Any) -> dict[str, Any]:
    """Per-call cost of each strategy on an empty queue."""
    iftry, _ = _per_call(lambda: _iftry_once(q), EMPTY_CALLS)
    trying, _ = _per_call(lambda: _try_once(q), EMPTY_CALLS)
    wall, cpu = _per_call(lambda: _blocking_once(q, BLOCKING_TIMEOUT_S), BLOCKING_CALLS, 1)
    return {
        "iftry_s_per_call": iftry,
        "try_s_per_call": trying,
        "blocking_s_per_call": wall,
        "blocking_cpu_s_per_call": cpu,
        "blocking_timeout_s": BLOCKING_TIMEOUT_S,
    }


def measure_busy(method: str, context: Context) -> dict[str, Any]:
    """Messages per second each strategy moves while a producer keeps the queue busy."""
    ctx = get_context(method)
    q = ctx.Queue(BUSY_QUEUE_SIZE)
    stop = ctx.Event()
    process = start_child(method, scenario_probes.busy_producer, (q, stop, 20.0), "busy-producer")
    totals = {s: {"messages": 0, "empty_reads": 0, "seconds": 0.0} for s in STRATEGIES}
    try:
        q.get(timeout=15)  # the producer is up
        time.sleep(0.05)  # let it fill the queue
        for _ in range(BUSY_ROUNDS):
            for strategy in STRATEGIES:
                context.check()
                got = empty = 0
                t0 = time.perf_counter()
                end = t0 + BUSY_SLICE_S
                if strategy == "iftry":
                    while time.perf_counter() < end:
                        if _iftry_once(q):
                            got += 1
                        else:
                            empty += 1
                elif strategy == "try":
                    while time.perf_counter() < end:
                        if _try_once(q):
                            got += 1
                        else:
                            empty += 1
                else:
                    while time.perf_counter() < end:
                        if _blocking_once(q, 0.05):
                            got += 1
                        else:
                            empty += 1
                entry = totals[strategy]
                entry["messages"] += got
                entry["empty_reads"] += empty
                entry["seconds"] += time.perf_counter() - t0
    finally:
        stop.set()
        reap(process, timeout=3.0)
        q.close()
        q.cancel_join_thread()
    return {
        s: {
            "messages_per_s": round(v["messages"] / v["seconds"]) if v["seconds"] else 0,
            "empty_read_share": round(
                v["empty_reads"] / max(1, v["messages"] + v["empty_reads"]), 4
            ),
            "messages": v["messages"],
        }
        for s, v in totals.items()
    }


def measure(context: Context) -> Measured:
    method = host_start_method()
    context.say("timing each way of reading an empty queue…")
    empty: dict[str, Any] = {"queue.Queue": measure_empty(queue.Queue())}
    mpq = multiprocessing.get_context(method).Queue()
    try:
        empty["multiprocessing.Queue"] = measure_empty(mpq)
    finally:
        mpq.close()
        mpq.join_thread()
    context.say("a producer process keeps a queue busy; counting messages per second…")
    busy = measure_busy(method, context)
    return Measured(
        [],
        {
            "start_method": method,
            "empty": empty,
            "busy_multiprocessing_queue": busy,
            "empty_calls": EMPTY_CALLS,
            "busy_seconds_per_strategy": BUSY_SLICE_S * BUSY_ROUNDS,
        },
    )


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def judge(m: dict[str, Any]) -> Verdict:
    parts = []
    measured = True
    page_holds_empty = []
    for name, e in m["empty"].items():
        a, b = e["iftry_s_per_call"], e["try_s_per_call"]
        measured = measured and a > 0 and b > 0
        if a < b:
            verdict = f"if-then-try was {b / a:.1f}x cheaper"
            page_holds_empty.append(True)
        else:
            verdict = f"try/except was {a / b:.1f}x cheaper"
            page_holds_empty.append(False)
        parts.append(
            f"Empty {name}: if-then-try {_us(a)} per call, try/except {_us(b)}: {verdict}."
        )
    mp_empty = m["empty"].get("multiprocessing.Queue")
    if mp_empty:
        parts.append(
            f"A blocking get(timeout={fmt_s(mp_empty['blocking_timeout_s'])}) waited "
            f"{fmt_s(mp_empty['blocking_s_per_call'])} per call but used only "
            f"{_us(mp_empty['blocking_cpu_s_per_call'])} of CPU: it sleeps instead of spinning."
        )
    busy = m["busy_multiprocessing_queue"]
    ranked = sorted(busy, key=lambda s: busy[s]["messages_per_s"], reverse=True)
    measured = measured and all(busy[s]["messages_per_s"] > 0 for s in STRATEGIES)
    parts.append(
        "Busy multiprocessing.Queue (a producer process keeps it full): "
        + ", ".join(
            f"{LABELS[s]} {busy[s]['messages_per_s']:,} msg/s"
            + (
                f" ({busy[s]['empty_read_share']:.0%} of its reads found nothing)"
                if busy[s]["empty_read_share"] >= 0.005
                else ""
            )
            for s in ranked
        )
        + "."
    )
    if all(page_holds_empty):
        claim = (
            "On an empty queue the page's claim holds here: the 'if' is cheaper than the exception."
        )
    elif not any(page_holds_empty):
        claim = "On an empty queue the page's claim does not hold here: the exception was cheaper."
    else:
        claim = "On an empty queue the page's claim holds for one queue type and not the other."
    if busy["iftry"]["messages_per_s"] < busy["try"]["messages_per_s"]:
        claim += (
            " On a busy queue the extra empty() check is pure cost: if-then-try moved "
            f"{1 - busy['iftry']['messages_per_s'] / busy['try']['messages_per_s']:.0%} "
            "fewer messages per second than try/except."
        )
    else:
        claim += " On a busy queue if-then-try kept up with try/except here."
    claim += f" Most messages per second: {LABELS[ranked[0]]}."
    parts.append(claim)
    return Verdict(measured, " ".join(parts))


def bars(m: dict[str, Any]) -> list[Bar]:
    busy = m["busy_multiprocessing_queue"]
    return [
        Bar(
            f"busy queue: {LABELS[s]}",
            busy[s]["messages_per_s"],
            f"{busy[s]['messages_per_s']:,} msg/s",
        )
        for s in STRATEGIES
    ]


IFTRY_VS_TRY = Scenario(
    id="iftry-vs-try",
    title="if-then-try against try/except against a blocking get",
    explanation=(
        'The page says checking empty() first ("if-then-try") beats catching queue.Empty, '
        "because an exception is expensive. The try is needed either way: empty() can say "
        "False and get_nowait() still raise Empty (another reader was quicker). Measured "
        "here: the cost of one read on an empty queue, and messages per second on a busy "
        "one, for if-then-try, try/except and a blocking get(timeout). The verdict reports "
        "what this machine shows, whichever way it goes."
    ),
    script_name="iftry_vs_try.py",
    measure=measure,
    judge=judge,
    bars=bars,
)
