"""The GIL intervals of a run: collected from the workers' ``Held`` batches, summed up.

The workers log when they held the GIL from their own clock (``gil_stamps``): gaps
between clock readings as short as their work are *claimed* as held, longer ones
are *unsure* (the thread waited for the GIL, or the OS took its core away while it
held it). This module decides the unsure gaps with the other workers' evidence: a
gap in which no other worker claimed to run Python was not a wait for another
worker, so the thread still held the GIL (the OS had descheduled it). A gap that
another worker's claimed interval crosses stays a gap: the handoff is in there.

The record's ``gil`` object: held time per worker, handoffs, and the time two
workers claim to have held it at once, from their own stamps only (resolved gaps
never overlap a claim). With a GIL that number checks the method (it should be
~0); on a free-threaded build it is real parallelism.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .child.protocol import Held

MAX_INTERVALS = 50_000  # kept per worker (claimed and unsure each); beyond: only summed
MAX_TOTAL = 200_000  # kept for the whole run: 64 I/O threads must not fill the memory
METHOD = (
    "each worker's own clock between steps: gaps as short as its work are held; a longer "
    "gap counts as held only when no other worker ran Python in it (resolution: one step)"
)
Interval = tuple[float, float]


class GilLog:
    """Every worker's claimed and unsure intervals (perf_counter seconds), as they arrive."""

    def __init__(
        self, max_intervals: int = MAX_INTERVALS, max_total: int = MAX_TOTAL, shared: bool = True
    ) -> None:
        #: one GIL for all workers (threads); False: one each (subinterpreters), where a
        #: worker's unsure gap can only be the OS descheduling it: nobody else takes its GIL
        self.shared = shared
        self.max_intervals = max_intervals
        self.room = max_total  # intervals the run may still keep
        self.claimed: dict[int, list[Interval]] = {}
        self.unsure: dict[int, list[Interval]] = {}
        self.claimed_s: dict[int, float] = {}
        self.switch_interval_s: float | None = None
        self.complete = True  # False once some worker's intervals were cut at the bound
        self.batches = 0

    def add(self, message: Held) -> None:
        self.batches += 1
        self.switch_interval_s = message.switch_interval_s
        wid = message.worker_id
        total = self._keep(self.claimed.setdefault(wid, []), message.flat)
        self.claimed_s[wid] = self.claimed_s.get(wid, 0.0) + total
        self._keep(self.unsure.setdefault(wid, []), message.unsure)

    def _keep(self, kept: list[Interval], flat: Sequence[float]) -> float:
        total = 0.0
        for i in range(0, len(flat) - 1, 2):
            a, b = flat[i], flat[i + 1]
            total += b - a
            if len(kept) < self.max_intervals and self.room > 0:
                kept.append((a, b))
                self.room -= 1
            else:
                self.complete = False
        return total

    def held(self) -> dict[int, list[Interval]]:
        """Each worker's held intervals: claimed, plus the unsure gaps no one else ran in.

        Unsure gaps are decided shortest first: a waiter's gap spans the whole of the
        holder's turn, so the holder's shorter gaps (it was descheduled) win, and the
        waiter's gap, crossed by them, stays a gap. Nothing resolved crosses another
        worker's claimed or resolved time.
        """
        workers = set(self.claimed) | set(self.unsure)
        taken = {wid: Spans(self.claimed.get(wid, [])) for wid in workers}
        resolved = {wid: Spans([]) for wid in workers}
        gaps = sorted((b - a, wid, a, b) for wid, spans in self.unsure.items() for a, b in spans)
        for _length, wid, a, b in gaps:
            if self.shared and any(
                other != wid and (taken[other].crosses(a, b) or resolved[other].crosses(a, b))
                for other in taken
            ):
                continue
            resolved[wid].add(a, b)
        return {wid: coalesce(taken[wid].spans + resolved[wid].spans) for wid in workers}

    def summary(self, t0: float, worker_ids: Sequence[int]) -> dict[str, Any]:
        """The record's ``gil`` object, times in seconds since the run started (``t0``)."""
        held = self.held()
        relative = {wid: [(a - t0, b - t0) for a, b in held.get(wid, [])] for wid in worker_ids}
        unsure_s = [sum(b - a for a, b in self.unsure.get(wid, [])) for wid in worker_ids]
        kept_s = [sum(b - a for a, b in relative[wid]) for wid in worker_ids]
        claimed_kept = [sum(b - a for a, b in self.claimed.get(wid, [])) for wid in worker_ids]
        held_s = [
            kept + self.claimed_s.get(wid, 0.0) - claimed  # claims beyond the bound count too
            for wid, kept, claimed in zip(worker_ids, kept_s, claimed_kept, strict=True)
        ]
        return {
            "switch_interval_s": (
                None if self.switch_interval_s is None else round(self.switch_interval_s, 9)
            ),
            "held_s": [round(v, 6) for v in held_s],
            "handoffs": handoffs(relative),
            "overlap_s": round(overlap_s(relative), 6),
            "intervals": {
                str(wid): [[round(a, 6), round(b, 6)] for a, b in spans]
                for wid, spans in relative.items()
            },
            "claimed_s": [round(self.claimed_s.get(wid, 0.0), 6) for wid in worker_ids],
            "unsure_s": [round(v, 6) for v in unsure_s],
            "complete": self.complete,
            "batches": self.batches,
            "shared": self.shared,
            "method": METHOD,
        }


class Spans:
    """One worker's disjoint intervals, sorted: does any have time inside a gap?"""

    def __init__(self, spans: Iterable[Interval]) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _b in self.spans]

    def add(self, a: float, b: float) -> None:
        i = bisect_left(self.starts, a)
        self.starts.insert(i, a)
        self.spans.insert(i, (a, b))

    def crosses(self, a: float, b: float) -> bool:
        """True when some interval has time strictly inside (a, b)."""
        i = bisect_left(self.starts, b)  # intervals before i start before b
        return i > 0 and self.spans[i - 1][1] > a


def coalesce(spans: Iterable[Interval]) -> list[Interval]:
    """Sorted, with touching or overlapping intervals of one worker merged."""
    merged: list[Interval] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def handoffs(intervals: Mapping[Any, Iterable[Interval]]) -> int:
    """How often the holder changed: consecutive intervals (by start) of different workers."""
    tagged = sorted((a, wid) for wid, spans in intervals.items() for a, _b in spans)
    count = 0
    previous = None
    for _a, wid in tagged:
        if previous is not None and wid != previous:
            count += 1
        previous = wid
    return count


def overlap_s(intervals: Mapping[Any, Iterable[Interval]]) -> float:
    """Time during which two or more workers' intervals cover the same instant."""
    events = []
    for spans in intervals.values():
        for a, b in spans:
            if b > a:
                events.append((a, 1))
                events.append((b, -1))
    events.sort()
    depth = 0
    total = 0.0
    since = 0.0
    for t, step in events:
        if depth >= 2:
            total += t - since
        depth += step
        since = t
    return total


def holder_at(intervals: Mapping[str, Sequence[Sequence[float]]], t: float) -> list[str]:
    """The workers whose intervals contain ``t`` (normally one, or none in a gap)."""
    found = []
    for wid, spans in intervals.items():
        lo, hi = 0, len(spans)
        while lo < hi:  # the last interval starting at or before t
            mid = (lo + hi) // 2
            if spans[mid][0] <= t:
                lo = mid + 1
            else:
                hi = mid
        if lo and spans[lo - 1][0] <= t <= spans[lo - 1][1]:
            found.append(wid)
    return found


def overlap_spans(intervals: Mapping[Any, Iterable[Interval]]) -> list[Interval]:
    """The stretches during which two or more workers' intervals cover the same instant."""
    events = sorted(
        (t, step) for spans in intervals.values() for a, b in spans if b > a
        for t, step in ((a, 1), (b, -1))
    )  # fmt: skip
    spans: list[Interval] = []
    depth = 0
    since = 0.0
    for t, step in events:
        if depth >= 2 and t > since:
            spans.append((since, t))
        depth += step
        since = t
    return coalesce(spans)


def clean_handoff(intervals: Mapping[Any, Sequence[Sequence[float]]]) -> float | None:
    """The instant of the handoff whose gap (one holder's end to the next one's start) is
    the shortest, for a view that zooms to one handoff; None without one."""
    tagged = sorted((a, b, str(wid)) for wid, spans in intervals.items() for a, b in spans)
    best: tuple[float, float] | None = None
    latest_end: dict[str, float] = {}
    previous: str | None = None
    for a, b, wid in tagged:
        if previous is not None and wid != previous:
            gap = a - latest_end[previous]
            if best is None or gap < best[0]:
                best = (gap, (latest_end[previous] + a) / 2)
        latest_end[wid] = max(b, latest_end.get(wid, b))
        previous = wid
    return None if best is None else best[1]


def active_span(record: Mapping[str, Any]) -> float | None:
    """Seconds from the first worker's start to the last one's end (start-up left out)."""
    starts = [w.get("started_at_s") for w in record.get("workers", [])]
    ends = [w.get("ended_at_s") for w in record.get("workers", [])]
    starts = [s for s in starts if s is not None]
    ends = [e for e in ends if e is not None]
    if not starts or not ends or max(ends) <= min(starts):
        return None
    return max(ends) - min(starts)


def describe(gil: Mapping[str, Any], wall_s: float | None, gil_enabled: bool | None = True) -> str:
    """The ``gil`` object in plain words: handoffs, share held per worker, overlap.

    ``wall_s``: the time the shares are of (``active_span``: while workers ran).
    """
    held = gil.get("held_s") or []
    interval = gil.get("switch_interval_s")
    handoff_count = gil.get("handoffs", 0)
    parts = []
    rate = f", {handoff_count / wall_s:.0f} per second" if wall_s else ""
    every = f"; switch interval {interval * 1e3:g} ms" if interval else ""
    parts.append(f"{handoff_count:,} handoffs{rate}{every}.")
    if wall_s:
        shares = ", ".join(f"worker {i} {h / wall_s:.0%}" for i, h in enumerate(held[:8]))
        more = f" (+{len(held) - 8} more)" if len(held) > 8 else ""
        parts.append(f"Held the GIL: {shares}{more} of the time workers ran.")
        unsure = sum(gil.get("unsure_s") or [])
        known = sum(held)
        parts.append(f"No holder known: {max(0.0, 1 - known / wall_s):.0%}")
        if unsure:
            parts[-1] += " (handoffs, or a holder the OS took off its core)."
        else:
            parts[-1] += "."
    overlap = gil.get("overlap_s", 0.0)
    share = f" ({overlap / wall_s:.1%})" if wall_s else ""
    if gil.get("shared") is False:
        verdict = "each worker has its own GIL (a subinterpreter each): they ran in parallel."
    elif gil_enabled is False:
        verdict = "the GIL is off (free-threaded build): threads ran Python in parallel."
    elif wall_s and overlap > 0.02 * wall_s:
        verdict = "more than the method's error: check the worker Python's GIL."
    else:
        verdict = "one GIL, one holder at a time."
    parts.append(f"Two at once: {overlap:.3f} s{share}: {verdict}")
    return " ".join(parts)
