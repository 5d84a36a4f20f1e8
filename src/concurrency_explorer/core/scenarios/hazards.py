"""The two hazards: a lock held at fork time, and join-before-drain.

Both make a child hang on purpose. A watchdog (``_children.watch``) sees that the
child stopped making progress and ends it; the fix runs beside it and succeeds.
Every child is reaped before the scenario returns, whatever happened.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from typing import Any

from ..child import scenario_probes
from ..engines.mp import host_start_method
from ..environment import start_methods
from ._children import Watched, reap, start_child, watch
from .base import Bar, Context, Measured, Scenario, Verdict, fmt_s

STALL_AFTER_S = 1.0  # silence after which the watchdog ends a child
FLOOD_BYTES = 1 << 20  # join-before-drain: far more than a pipe holds (64 KiB on Linux)


# -- fork-held-lock ----------------------------------------------------------------


class _Holder:
    """A thread that holds ``lock`` until released (or for ``hold_s``)."""

    def __init__(self, lock: Any, hold_s: float | None = None) -> None:
        self.lock = lock
        self.hold_s = hold_s
        self.acquired = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._run, name="lock-holder", daemon=True)

    def _run(self) -> None:
        with self.lock:
            self.acquired.set()
            self.release.wait(self.hold_s)

    def __enter__(self) -> _Holder:
        self.thread.start()
        self.acquired.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(5)


def _lock_child(method: str, which: str) -> Watched:
    reader, writer = multiprocessing.Pipe(duplex=False)
    t0 = time.perf_counter()
    process = start_child(method, scenario_probes.lock_child, (writer, which), f"lock-{which}")
    writer.close()
    child = Watched(f"{method}/{which}", process, reader, t_start=t0)
    return child


def measure_fork_lock(context: Context) -> Measured:
    methods = start_methods()
    if "fork" not in methods:
        return Measured([], {"fork_available": False, "children": {}})
    children: dict[str, Watched] = {}
    fork_wait_s = None
    try:
        context.say("a thread holds a lock while the app forks a child…")
        with _Holder(scenario_probes.NAIVE_LOCK):
            children["fork"] = _lock_child("fork", "naive")
            for method in ("forkserver", "spawn"):
                if method in methods:
                    children[method] = _lock_child(method, "naive")
        guard = scenario_probes.install_fork_guard()
        if guard:
            context.say("the same with os.register_at_fork guarding the lock…")
            hold = 0.3
            with _Holder(scenario_probes.GUARDED_LOCK, hold_s=hold):
                t0 = time.perf_counter()
                children["fork+register_at_fork"] = _lock_child("fork", "guarded")
                fork_wait_s = round(time.perf_counter() - t0, 3)
        context.say("watching the children: no progress for 1 s and the watchdog ends it…")
        watch(list(children.values()), context, stall_after_s=STALL_AFTER_S)
    finally:
        for child in children.values():
            reap(child.process)
    return Measured(
        [],
        {
            "fork_available": True,
            "stall_after_s": STALL_AFTER_S,
            "register_at_fork_fork_took_s": fork_wait_s,
            "children": {
                name: {**child.summary(), "acquired": "acquired" in child.event_names()}
                for name, child in children.items()
            },
        },
    )


def _ended(c: dict[str, Any]) -> str:
    """How a child ended, after "the child" / "it"."""
    if c["ended_by"] == "itself":
        return f"exited with code {c['exit_code']}"
    return f"was ended by the watchdog with {c['ended_by']} (exit code {c['exit_code']})"


def _rescued(c: dict[str, Any]) -> str:
    return f"The watchdog ended it with {c['ended_by']} (exit code {c['exit_code']})"


def judge_fork_lock(m: dict[str, Any]) -> Verdict:
    if not m["fork_available"]:
        return Verdict(False, "This platform has no fork, so a fork child cannot copy a lock.")
    children = m["children"]
    hazard = children.get("fork")
    fixes = {k: v for k, v in children.items() if k != "fork"}
    parts = []
    shown = False
    if hazard is not None:
        started = any(e["event"] == "started" for e in hazard["events"])
        shown = (
            started
            and not hazard["acquired"]
            and hazard["ended_by"] != "itself"
            and not hazard["alive_after"]
        )
        if shown:
            parts.append(
                "fork: the child started, then waited forever for a lock that a thread of the "
                "app held at the moment of fork (that thread does not exist in the child, so "
                f"nobody can release it). After {fmt_s(hazard['stalled_after_s'])} without "
                f"progress the watchdog ended it with {hazard['ended_by']} (exit code "
                f"{hazard['exit_code']}); nothing was left behind."
            )
        elif hazard["acquired"]:
            parts.append("fork: the child got the lock: the hang did not happen this time.")
        else:
            parts.append(f"fork: the child {_ended(hazard)} without taking the lock.")
    fixed_ok = bool(fixes)
    for name, c in fixes.items():
        took = next((e["at_s"] for e in c["events"] if e["event"] == "acquired"), None)
        good = c["acquired"] and c["exit_code"] == 0
        fixed_ok = fixed_ok and good
        if good:
            why = (
                "the hook took the lock before forking"
                + (
                    f" (the fork waited {fmt_s(m['register_at_fork_fork_took_s'])} for the holder)"
                    if m.get("register_at_fork_fork_took_s")
                    else ""
                )
                + " and released it in the child"
                if "register_at_fork" in name
                else "a fresh interpreter has a fresh, free lock"
            )
            parts.append(f"{name}: took the lock {fmt_s(took)} after start, exit 0 ({why}).")
        else:
            parts.append(f"{name}: did NOT take the lock; it {_ended(c)}.")
    return Verdict(shown and fixed_ok, " ".join(parts))


def bars_fork_lock(m: dict[str, Any]) -> list[Bar]:
    """Time until each child had the lock; the hazard's bar is its silence until ended."""
    out = []
    for name, c in m["children"].items():
        took = next((e["at_s"] for e in c["events"] if e["event"] == "acquired"), None)
        if took is not None:
            out.append(Bar(name, took, f"lock taken after {fmt_s(took)}", True))
        else:
            silent = c["stalled_after_s"] or 0.0
            out.append(Bar(name, silent, f"hung; ended after {fmt_s(silent)}", False))
    return out


FORK_HELD_LOCK = Scenario(
    id="fork-held-lock",
    title="fork while another thread holds a lock",
    explanation=(
        "fork copies the whole process but only the thread that called it. A lock held by "
        "another thread at that moment is copied locked, and in the child no thread will "
        "ever release it: the child hangs on its first acquire. The page warns about this. "
        "A watchdog sees the child stop making progress and ends it. Beside it, the fixes: "
        "spawn or forkserver (the child does not copy the app), and os.register_at_fork "
        "(take the lock before forking, release it on both sides). Python 3.12+ warns "
        "(DeprecationWarning) when a process with threads forks, for this reason."
    ),
    script_name="fork_held_lock.py",
    measure=measure_fork_lock,
    judge=judge_fork_lock,
    bars=bars_fork_lock,
    hazard=True,
)


# -- join-before-drain -------------------------------------------------------------


def pipe_capacity() -> int | None:
    """Bytes a pipe holds before a writer blocks (Linux F_GETPIPE_SZ)."""
    import os

    try:
        import fcntl

        read, write = os.pipe()
        try:
            return int(fcntl.fcntl(write, getattr(fcntl, "F_GETPIPE_SZ", 1032)))
        finally:
            os.close(read)
            os.close(write)
    except (ImportError, OSError):
        return None


def _flood_child(method: str, name: str) -> tuple[Watched, Any]:
    ctx = multiprocessing.get_context(method)
    q = ctx.Queue()
    reader, writer = multiprocessing.Pipe(duplex=False)
    t0 = time.perf_counter()
    process = start_child(method, scenario_probes.flood_child, (q, writer, FLOOD_BYTES), name)
    writer.close()
    return Watched(name, process, reader, t_start=t0), q


def measure_join_drain(context: Context) -> Measured:
    method = host_start_method()
    hazard, hazard_q = _flood_child(method, "join-first")
    fix, fix_q = _flood_child(method, "drain-first")
    m: dict[str, Any] = {
        "start_method": method,
        "bytes": FLOOD_BYTES,
        "pipe_capacity": pipe_capacity(),
        "stall_after_s": STALL_AFTER_S,
    }
    try:
        context.say("join-first: waiting for the child to exit before reading its queue…")
        # The hazard, exactly as written in so many scripts: join, then get.
        hazard.process.join(STALL_AFTER_S * 2)
        m["join_first_alive_after_join_s"] = round(time.perf_counter() - hazard.t_start, 3)
        m["join_first_returned"] = hazard.process.exitcode is not None
        context.say("drain-first: reading the queue, then joining…")
        t0 = time.perf_counter()
        try:
            data = fix_q.get(timeout=15)
            m["drain_first_received_bytes"] = len(data)
        except queue.Empty:
            m["drain_first_received_bytes"] = 0
        m["drain_first_get_s"] = round(time.perf_counter() - t0, 3)
        t1 = time.perf_counter()
        fix.process.join(10)
        m["drain_first_join_s"] = round(time.perf_counter() - t1, 3)
        # The watchdog: join-first has sent "put" and gone silent; end it.
        watch([hazard, fix], context, stall_after_s=STALL_AFTER_S)
    finally:
        for child in (hazard, fix):
            reap(child.process)
        for q in (hazard_q, fix_q):
            q.close()
            q.cancel_join_thread()
    m["join_first"] = hazard.summary()
    m["drain_first"] = fix.summary()
    return Measured([], m)


def judge_join_drain(m: dict[str, Any]) -> Verdict:
    hz, fx = m["join_first"], m["drain_first"]
    cap = m.get("pipe_capacity")
    cap_text = f"a pipe that holds {cap:,} bytes" if cap else "a pipe"
    put_at = next((e["at_s"] for e in hz["events"] if e["event"] == "put"), None)
    parts = []
    shown = (
        put_at is not None
        and not m["join_first_returned"]
        and hz["ended_by"] != "itself"
        and not hz["alive_after"]
    )
    if shown:
        parts.append(
            f"join first: the child put {m['bytes']:,} bytes in its queue and finished its "
            f"work {fmt_s(put_at)} after start, but join() was still waiting "
            f"{fmt_s(m['join_first_alive_after_join_s'])} after start: the child cannot exit "
            f"until its feeder thread has pushed everything into {cap_text}, and nobody "
            f"reads. {_rescued(hz)}; nothing was left behind."
        )
    elif m["join_first_returned"]:
        parts.append(
            "join first: join() returned: the data fitted in the pipe, no deadlock this time."
        )
    else:
        parts.append(f"join first: the child {_ended(hz)} before sending anything.")
    fixed = (
        m.get("drain_first_received_bytes") == m["bytes"]
        and fx["exit_code"] == 0
        and fx["ended_by"] == "itself"
    )
    if fixed:
        parts.append(
            f"Drain, then join: get() returned all {m['drain_first_received_bytes']:,} bytes "
            f"in {fmt_s(m['drain_first_get_s'])}, then join() took "
            f"{fmt_s(m['drain_first_join_s'])} and the child exited with code 0."
        )
    else:
        parts.append(
            f"Drain, then join did not succeed: received "
            f"{m.get('drain_first_received_bytes', 0):,} bytes, the child {_ended(fx)}."
        )
    return Verdict(shown and fixed, " ".join(parts))


def bars_join_drain(m: dict[str, Any]) -> list[Bar]:
    hung = m["join_first_alive_after_join_s"]
    fixed = (m.get("drain_first_get_s") or 0.0) + (m.get("drain_first_join_s") or 0.0)
    return [
        Bar("join, then get", hung, f"still waiting after {fmt_s(hung)}; ended", False),
        Bar("get, then join", fixed, f"done in {fmt_s(fixed)}", True),
    ]


JOIN_BEFORE_DRAIN = Scenario(
    id="join-before-drain",
    title="join() before draining the queue deadlocks",
    explanation=(
        "A child puts data in a multiprocessing.Queue: put() returns at once and a feeder "
        "thread writes the data into a pipe. A child does not exit until that thread has "
        "written everything; a pipe holds only about 64 KiB. If the parent calls join() "
        "before get(), each waits for the other: a deadlock. A watchdog sees no progress "
        "and ends the child. The fix, running beside it: read (drain) the queue first, then "
        "join."
    ),
    script_name="join_before_drain.py",
    measure=measure_join_drain,
    judge=judge_join_drain,
    bars=bars_join_drain,
    hazard=True,
)
