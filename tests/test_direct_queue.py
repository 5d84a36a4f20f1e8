"""DirectQueue: a multiprocessing.Queue whose writers write to the pipe themselves."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import pickle
import queue
import threading

import pytest

from concurrency_explorer.core.child.direct_queue import DirectQueue, make_queue
from concurrency_explorer.core.engines import mp
from concurrency_explorer.core.environment import start_methods


def _write(q: DirectQueue, writer: int, n: int) -> None:
    for i in range(n):
        q.put((writer, i))
    q.put((writer, "threads", threading.active_count()))  # a feeder would make it 2


def test_the_bound_holds_without_a_reader():
    q = DirectQueue(2, ctx=multiprocessing.get_context())
    q.put(1)
    q.put_nowait(2)
    assert q.full() and q.qsize() == 2
    with pytest.raises(queue.Full):
        q.put_nowait(3)
    with pytest.raises(queue.Full):
        q.put(3, timeout=0.05)
    assert q.get(timeout=5) == 1  # a plain get frees a slot
    q.put_nowait(3)
    assert [q.get(timeout=5), q.get(timeout=5)] == [2, 3]
    with pytest.raises(queue.Empty):
        q.get_nowait()


def test_a_put_starts_no_thread_and_a_failed_one_frees_its_slot():
    q = DirectQueue(4, ctx=multiprocessing.get_context())
    before = threading.active_count()
    q.put("x")
    assert threading.active_count() == before
    assert q._thread is None  # type: ignore[attr-defined]
    # a local function cannot be pickled (AttributeError on 3.11, PicklingError on 3.14)
    with pytest.raises((AttributeError, pickle.PicklingError)):
        q.put(lambda: None)
    assert q.qsize() == 1 and q.get(timeout=5) == "x"
    q.close()
    q.join_thread()  # nothing to wait for: the killed-worker path stays safe


@pytest.mark.parametrize("method", start_methods())
def test_children_write_in_order_and_a_plain_get_reads_them(method):
    ctx = multiprocessing.get_context(method)
    q = DirectQueue(16, ctx=ctx)  # smaller than what is sent: writers wait for slots
    procs = [ctx.Process(target=_write, args=(q, w, 200)) for w in range(3)]
    for p in procs:
        p.start()
    got: dict[int, list[object]] = {0: [], 1: [], 2: []}
    threads = {}
    for _ in range(3 * 201):
        item = q.get(timeout=60)
        if item[1] == "threads":
            threads[item[0]] = item[2]
        else:
            got[item[0]].append(item[1])
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    assert all(got[w] == list(range(200)) for w in got)
    assert threads == {0: 1, 1: 1, 2: 1}


def test_process_engines_get_it_bounded_and_host_engines_keep_the_feeder():
    ctx = multiprocessing.get_context("fork")
    assert type(make_queue(ctx, 8)) is DirectQueue
    assert type(make_queue(ctx, 0)) is multiprocessing.queues.Queue  # unbounded: plain
    assert mp.ProcessEngine.direct_queue and not mp.ThreadEngine.direct_queue
    engine = mp.ProcessEngine("fork", 791)
    host = mp.ThreadEngine("fork", 791)
    engine.open()
    host.open()
    try:
        assert type(engine.queue) is DirectQueue
        assert type(host.queue) is multiprocessing.queues.Queue
    finally:
        engine.close()
        host.close()
