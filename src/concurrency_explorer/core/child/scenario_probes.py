"""Code that runs inside the children of the scenarios (hazards, labs, probes).

Standard library only, like ``workers``: spawn and forkserver children import this
module before they can do anything. It lives outside the ``scenarios`` package so
that importing it does not pull in every scenario (and the runner) in a child.
Every child calls ``die_with_parent`` first: no scenario may leave a process behind.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time

from .lifecycle import die_with_parent

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: a child must not import typing
if TYPE_CHECKING:
    import multiprocessing.queues
    import multiprocessing.synchronize
    from multiprocessing.connection import Connection

#: Changed by the parent at run time (start-methods): a fork child sees the change
#: (it is a copy of the parent's memory), spawn and forkserver children see this.
MARKER = "as imported"

#: fork-held-lock: held by a parent thread at the moment of fork.
NAIVE_LOCK = threading.Lock()
#: The same, protected by ``os.register_at_fork`` (``install_fork_guard``).
GUARDED_LOCK = threading.Lock()
_fork_guard_installed = False


def install_fork_guard() -> bool:
    """The register_at_fork fix: take GUARDED_LOCK across every fork, free it after.

    Registered once per process (hooks cannot be removed); they only touch this
    module's GUARDED_LOCK, which nothing else uses, so other forks pay one
    uncontended acquire/release. Returns False where there is no fork.
    """
    global _fork_guard_installed
    if not hasattr(os, "register_at_fork"):
        return False
    if not _fork_guard_installed:
        os.register_at_fork(
            before=GUARDED_LOCK.acquire,
            after_in_parent=GUARDED_LOCK.release,
            after_in_child=GUARDED_LOCK.release,
        )
        _fork_guard_installed = True
    return True


def copy_probe(conn: Connection, parent_pid: int) -> None:
    """Report what this child inherited: the marker, its modules and threads."""
    threads = threading.active_count()  # before die_with_parent adds its watch thread
    modules = len(sys.modules)
    die_with_parent()
    conn.send(
        {
            "pid": os.getpid(),
            "parent_is_app": os.getppid() == parent_pid,
            "marker": MARKER,
            "modules": modules,
            "threads": threads,
        }
    )
    conn.close()


def lock_child(conn: Connection, which: str) -> None:
    """Take the lock the parent held at fork time; report before and after."""
    die_with_parent()
    clock = time.perf_counter
    conn.send(("started", clock()))
    lock = NAIVE_LOCK if which == "naive" else GUARDED_LOCK
    with lock:  # a fork child that copied a held lock waits here forever
        conn.send(("acquired", clock()))
    conn.send(("done", clock()))
    conn.close()


def flood_child(
    q: multiprocessing.queues.Queue[bytes], conn: Connection, nbytes: int
) -> None:
    """Put more bytes in a queue than its pipe holds, say so, and try to exit.

    ``put`` returns at once (a feeder thread writes to the pipe); at exit the child
    waits for that thread, which waits for a reader: join-before-drain.
    """
    die_with_parent()
    q.put(b"x" * nbytes)
    conn.send(("put", time.perf_counter()))
    conn.close()


def busy_producer(
    q: multiprocessing.queues.Queue[int], stop: multiprocessing.synchronize.Event, deadline_s: float
) -> None:
    """Keep a bounded queue busy with small messages until told to stop."""
    die_with_parent()
    end = time.perf_counter() + deadline_s
    i = 0
    while not stop.is_set() and time.perf_counter() < end:
        try:
            q.put(i, timeout=0.05)
        except queue.Full:  # the reader paused; check stop and go on
            continue
        i += 1
    q.cancel_join_thread()  # what is left in the pipe is not wanted: exit now


def queue_lab(
    conn: Connection,
    maxsize: int,
    items: int,
    payload_bytes: int,
    consumer_delay_s: float,
    cap_s: float,
) -> None:
    """A producer faster than its consumer, on one ``queue.Queue``; measure growth.

    Runs in its own process so its memory is measured alone (tracemalloc) and the
    app's is never touched. Capped in items and seconds.
    """
    import tracemalloc

    die_with_parent()
    clock = time.perf_counter
    q: queue.Queue[bytes] = queue.Queue(maxsize)
    tracemalloc.start()
    t0 = clock()
    stats = {"consumed": 0, "produced": 0}
    times: dict[str, float | None] = {"producer_s": None, "blocked_s": 0.0}
    stop = threading.Event()

    def produce() -> None:
        blocked = 0.0
        for _ in range(items):
            payload = bytes(payload_bytes)
            before = clock()
            while True:
                try:
                    q.put(payload, timeout=0.05)
                    break
                except queue.Full:
                    if stop.is_set():
                        return
            blocked += clock() - before
            stats["produced"] += 1
        times["blocked_s"] = blocked
        times["producer_s"] = clock() - t0

    def consume() -> None:
        while not stop.is_set():
            try:
                q.get(timeout=0.05)
            except queue.Empty:
                if times["producer_s"] is not None:
                    return
                continue
            stats["consumed"] += 1
            time.sleep(consumer_delay_s)

    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for thread in threads:
        thread.start()
    samples = []
    peak_size = peak_mem = 0
    while any(t.is_alive() for t in threads):
        size = q.qsize()
        mem = tracemalloc.get_traced_memory()[0]
        peak_size = max(peak_size, size)
        peak_mem = max(peak_mem, mem)
        samples.append((round(clock() - t0, 4), size, mem))
        if clock() - t0 > cap_s:
            stop.set()
        time.sleep(0.005)
    for thread in threads:
        thread.join()
    tracemalloc.stop()
    step = max(1, len(samples) // 60)
    conn.send(
        {
            "maxsize": maxsize,
            "items": items,
            "payload_bytes": payload_bytes,
            "consumer_delay_s": consumer_delay_s,
            "produced": stats["produced"],
            "consumed": stats["consumed"],
            "producer_s": times["producer_s"],
            "producer_blocked_s": times["blocked_s"],
            "peak_qsize": peak_size,
            "peak_memory_bytes": peak_mem,
            "capped": stop.is_set(),
            "wall_s": clock() - t0,
            "samples": samples[::step],
        }
    )
    conn.close()
