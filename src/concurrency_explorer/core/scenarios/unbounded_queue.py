"""A producer faster than its consumer: an unbounded queue grows, a bounded one pushes back."""

from __future__ import annotations

import multiprocessing
from typing import Any

from ..child import scenario_probes
from ..engines.mp import host_start_method
from ._children import reap, start_child
from .base import Bar, Context, Measured, Scenario, Verdict, fmt_s

ITEMS = 3000  # capped: at most ITEMS * PAYLOAD_BYTES (3 MiB) in the lab's queue
PAYLOAD_BYTES = 1024
BOUND = 100
CONSUMER_DELAY_S = 0.0003  # the consumer's work per item: far slower than putting
CAP_S = 6.0  # each lab stops after this, whatever happened


def _start_lab(method: str, maxsize: int) -> tuple[Any, Any]:
    reader, writer = multiprocessing.Pipe(duplex=False)
    process = start_child(
        method,
        scenario_probes.queue_lab,
        (writer, maxsize, ITEMS, PAYLOAD_BYTES, CONSUMER_DELAY_S, CAP_S),
        f"queue-lab-{maxsize or 'unbounded'}",
    )
    writer.close()
    return process, reader


def measure(context: Context) -> Measured:
    method = host_start_method()
    context.say("a fast producer and a slow consumer, unbounded and bounded, side by side…")
    labs = {"unbounded": _start_lab(method, 0), "bounded": _start_lab(method, BOUND)}
    results: dict[str, Any] = {}
    try:
        for name, (_process, reader) in labs.items():
            try:
                results[name] = reader.recv() if reader.poll(CAP_S + 15) else None
            except EOFError:
                results[name] = None
            context.check()
    finally:
        for process, reader in labs.values():
            reader.close()
            reap(process)
    return Measured([], {"start_method": method, **results})


def _kib(n: int) -> str:
    return f"{n / 1024:,.0f} KiB" if n < 1 << 20 else f"{n / (1 << 20):.1f} MiB"


def judge(m: dict[str, Any]) -> Verdict:
    u, b = m.get("unbounded"), m.get("bounded")
    if not u or not b:
        return Verdict(False, "A queue lab did not report back.")
    parts = [
        f"Producer: {u['items']:,} items of {u['payload_bytes']:,} bytes; consumer: "
        f"{fmt_s(u['consumer_delay_s'])} of work per item."
    ]
    grew = u["peak_qsize"] >= 10 * b["maxsize"] and u["peak_memory_bytes"] > 4 * max(
        b["peak_memory_bytes"], 1
    )
    produced = u["producer_s"]
    parts.append(
        f"Unbounded: the producer was done in {fmt_s(produced)}"
        if produced is not None
        else "Unbounded: the producer did not finish"
    )
    parts[-1] += (
        f"; the queue grew to {u['peak_qsize']:,} waiting items and "
        f"{_kib(u['peak_memory_bytes'])} of memory."
    )
    if not grew:
        parts.append("It did not grow much more than the bounded one here.")
    bounded_held = b["peak_qsize"] <= b["maxsize"]
    slowed = b["producer_s"] is not None and b["producer_blocked_s"] >= 0.5 * b["producer_s"]
    parts.append(
        f"Bounded (maxsize {b['maxsize']}): never more than {b['peak_qsize']:,} items and "
        f"{_kib(b['peak_memory_bytes'])}"
    )
    if slowed:
        parts[-1] += (
            f"; put() blocked the producer {fmt_s(b['producer_blocked_s'])} of its "
            f"{fmt_s(b['producer_s'])}: back-pressure slowed it to the consumer's pace."
        )
    else:
        parts[-1] += "; the producer was not held back much."
    if u.get("capped") or b.get("capped"):
        parts.append("(A lab hit its time cap.)")
    return Verdict(grew and bounded_held and slowed, " ".join(parts))


def bars(m: dict[str, Any]) -> list[Bar]:
    u, b = m["unbounded"], m["bounded"]
    return [
        Bar(
            "unbounded: peak items",
            u["peak_qsize"],
            f"{u['peak_qsize']:,} items, {_kib(u['peak_memory_bytes'])}",
            False,
        ),
        Bar(
            f"maxsize {b['maxsize']}: peak items",
            b["peak_qsize"],
            f"{b['peak_qsize']:,} items, {_kib(b['peak_memory_bytes'])}",
            True,
        ),
    ]


UNBOUNDED_QUEUE = Scenario(
    id="unbounded-queue",
    title="Unbounded queue against bounded queue",
    explanation=(
        'The page warns that Queue() without a maximum size "can be dangerous as the queue '
        'becomes increasingly large". When a producer is faster than its consumer, an '
        "unbounded queue holds everything not yet consumed: it grows in items and memory "
        "until the producer stops (or memory runs out). A bounded queue (maxsize) makes "
        "put() wait when it is full: back-pressure slows the producer to the consumer's "
        "pace, and memory stays flat. Both run side by side in lab processes, capped."
    ),
    script_name="unbounded_queue.py",
    measure=measure,
    judge=judge,
    bars=bars,
)
