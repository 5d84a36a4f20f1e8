"""When did this thread hold the GIL? Read from the worker's own clock, between steps.

Standard library only: it runs inside workers, next to ``workers.countdown``.

A thread runs Python code only while it holds the GIL, so every ``perf_counter()``
it reads is an instant at which it held it. Between two consecutive readings the
thread either ran all the time (the gap is as short as that stretch of work ever
is) or it waited somewhere in between: for the GIL, for the OS to schedule it, or
inside C code that released the GIL (``time.sleep``, hashing a large buffer). A
gap is *claimed* as held when it is no longer than ``SLACK`` times the shortest
such gap this thread has seen, plus ``SLACK_S``; the longer ones are sent as
*unsure* (the parent decides them with the other threads' intervals: ``core.gil``).
Runs of claimed gaps become intervals ``[t0, t1]``: compact, one pair per stretch
held, sent in batches of at most ``BATCH`` intervals (``Held`` messages), never per
step.

What it cannot see: a gap whose work releases the GIL looks like holding (so the
caller says so: ``mark(t, claim=False)`` for steps known to release it, such as
``io`` and ``nogil``); a holder the OS took off the CPU looks like a waiter (its
gap is long), so on a busy machine held time reads low; the step that contains a
handoff belongs to neither thread (resolution: one step).
"""

from __future__ import annotations

import sys

from .protocol import Held

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SLACK = 1.25  # a gap up to 1.25x the shortest one is the same work, not a wait
SLACK_S = 3e-5  # plus 30 us: clock-read and scheduler jitter on a busy machine
BATCH = 500  # intervals per Held message
LEARN = 4  # gaps seen before any is judged: the shortest gap must be known first


class HeldLog:
    """One worker's GIL holding intervals, built on the fly from its clock readings."""

    __slots__ = (
        "end",
        "flat",
        "last",
        "pending",
        "q",
        "shortest",
        "start",
        "unsure",
        "worker_id"
    )  # fmt: skip

    def __init__(self, worker_id: int, q: Any, t: float) -> None:
        self.worker_id = worker_id
        self.q = q
        self.last = t
        self.shortest = float("inf")
        self.start = self.end = -1.0
        self.flat: list[float] = []  # t0, t1, t0, t1, ... of closed intervals
        self.unsure: list[float] = []  # a, b, ... of gaps too long to claim
        self.pending: list[tuple[float, float]] | None = []  # gaps seen while learning

    def mark(self, t: float, claim: bool = True) -> None:
        """A clock reading ``t``; ``claim``: the gap since the last one may be held."""
        last = self.last
        self.last = t
        if not claim:
            return
        gap = t - last
        if gap < self.shortest:
            self.shortest = gap
        if self.pending is not None:
            self.pending.append((last, t))
            if len(self.pending) < LEARN:
                return
            pending, self.pending = self.pending, None
            for a, b in pending:
                self._judge(a, b)
            return
        self._judge(last, t)

    def _judge(self, a: float, b: float) -> None:
        if b - a > self.shortest * SLACK + SLACK_S:
            # a wait happened in there, or the OS took the CPU away: unsure
            self.unsure.append(a)
            self.unsure.append(b)
            if len(self.unsure) >= 2 * BATCH:
                self.send(b)
            return
        if self.end == a:
            self.end = b
            return
        if self.end >= 0:
            self.flat.append(self.start)
            self.flat.append(self.end)
            if len(self.flat) + len(self.unsure) >= 2 * BATCH:
                self.send(b)
        self.start, self.end = a, b

    def resume(self, t: float) -> None:
        """Restart the clock after a pause that was not this worker's (a coroutine's
        await): the next gap starts here."""
        self.last = t

    def send(self, t: float, final: bool = False) -> None:
        """Ship the closed intervals (and, when ``final``, the open one)."""
        if self.pending:
            pending, self.pending = self.pending, None
            for a, b in pending:
                self._judge(a, b)
        if final and self.end >= 0:
            self.flat.append(self.start)
            self.flat.append(self.end)
            self.start = self.end = -1.0
        if self.flat or self.unsure or final:
            flat, self.flat = self.flat, []
            unsure, self.unsure = self.unsure, []
            interval = sys.getswitchinterval()
            self.q.put(Held(self.worker_id, t, tuple(flat), tuple(unsure), interval, final))
