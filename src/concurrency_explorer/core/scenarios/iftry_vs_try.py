"""The page's claim, measured: is "if empty(), then try get_nowait()" faster than try/except?

Three ways to read a queue, on an empty queue (cost per call) and on a busy one (a
producer process keeps it full; messages moved per second). The verdict reports
whatever this machine shows, either way.
"""

from __future__ import annotations

import queue
import time
from typing import Any

from ..child import scenario_probes
from ..child.iftry import queue_iftry_get
from ..engines.mp import get_context, host_start_method
from ..queue_bench import measure_get_paths
from ._children import reap, start_child
from .base import Bar, Context, Measured, Scenario, Verdict

PATHS_DURATION_S = 0.6  # core.queue_bench.measure_get_paths: per-read cost, empty and full
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
    context.say("timing one read, three ways, on an empty and on a full queue…")
    paths = measure_get_paths(duration_s=PATHS_DURATION_S, method=method)
    context.check()
    context.say("a producer process keeps a queue busy; counting messages per second…")
    busy = measure_busy(method, context)
    return Measured(
        [],
        {
            "start_method": method,
            "per_read_us": paths,
            "live_producer": busy,
            "seconds_per_strategy": BUSY_SLICE_S * BUSY_ROUNDS,
        },
    )


def _us(microseconds: float) -> str:
    return f"{microseconds:.1f} µs"


def judge(m: dict[str, Any]) -> Verdict:
    paths = m["per_read_us"]
    empty, full = paths["empty"], paths["busy"]
    live = m["live_producer"]
    numbers = [empty["iftry"], empty["try_except"], *full.values()]
    numbers += [live[s]["messages_per_s"] for s in STRATEGIES]
    measured = all(isinstance(x, int | float) and x > 0 for x in numbers)
    parts = []
    a, b = empty["iftry"], empty["try_except"]
    page_holds = a < b
    parts.append(
        f"Empty multiprocessing.Queue: if-then-try {_us(a)} per read, try/except {_us(b)}: "
        + (
            f"the 'if' was {b / a:.1f}x cheaper."
            if page_holds
            else f"the exception was {a / b:.1f}x cheaper."
        )
        + " (A blocking get() on an empty queue just waits for the next item.)"
    )
    parts.append(
        f"Queue full of waiting items: if-then-try {_us(full['iftry'])} per read, try/except "
        f"{_us(full['try_except'])}, blocking get {_us(full['blocking'])}."
    )
    ranked = sorted(STRATEGIES, key=lambda s: live[s]["messages_per_s"], reverse=True)
    parts.append(
        "With a producer process feeding it: "
        + ", ".join(
            f"{LABELS[s]} {live[s]['messages_per_s']:,} msg/s"
            + (
                f" ({live[s]['empty_read_share']:.0%} of its reads found nothing)"
                if live[s]["empty_read_share"] >= 0.005
                else ""
            )
            for s in ranked
        )
        + "."
    )
    claim = (
        "So on an empty queue the page's claim holds here"
        if page_holds
        else "So on an empty queue the page's claim does not hold here"
    )
    if full["iftry"] > full["try_except"]:
        claim += (
            f"; when items are waiting the extra empty() check is pure cost "
            f"({full['iftry'] / full['try_except']:.2f}x the try/except read)"
        )
    else:
        claim += "; when items are waiting if-then-try kept up with try/except"
    claim += f". Most messages per second with a live producer: {LABELS[ranked[0]]}."
    parts.append(claim)
    return Verdict(measured, " ".join(parts))


def bars(m: dict[str, Any]) -> list[Bar]:
    busy = m["live_producer"]
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
