"""The if-then-try helpers: every path, on thread and process queues, and the race."""

from __future__ import annotations

import multiprocessing
import queue

import pytest

from concurrency_explorer.core import drain, queue_iftry_get, queue_iftry_put


class RacyQueue:
    """empty()/full() say one thing, then the non-blocking call finds the opposite:
    exactly what another consumer or producer can do between the check and the call."""

    def empty(self) -> bool:
        return False

    def full(self) -> bool:
        return False

    def get_nowait(self):
        raise queue.Empty

    def put_nowait(self, item):
        raise queue.Full


@pytest.fixture(params=["thread", "process"])
def make_queue(request):
    made = []

    def make(maxsize=0):
        if request.param == "thread":
            q = queue.Queue(maxsize)
        else:
            q = multiprocessing.get_context("spawn").Queue(maxsize)
            made.append(q)
        return q

    yield make
    for q in made:
        q.close()
        q.join_thread()


def wait_visible(q):
    # a multiprocessing.Queue hands items to a feeder thread: wait until readable
    for _ in range(200):
        if not q.empty():
            return
        import time

        time.sleep(0.005)


def test_get_from_empty_returns_none(make_queue):
    q = make_queue()
    assert queue_iftry_get(q) is None


def test_get_from_empty_returns_default_when_asked(make_queue):
    q = make_queue()
    assert queue_iftry_get(q, default="nothing", use_default=True) == "nothing"
    # default given but not asked for: None, as the page's signature says
    assert queue_iftry_get(q, default="nothing") is None


def test_get_returns_item_in_order(make_queue):
    q = make_queue()
    q.put(1)
    q.put(2)
    wait_visible(q)
    assert queue_iftry_get(q, default="x", use_default=True) == 1
    wait_visible(q)
    assert queue_iftry_get(q) == 2


def test_get_applies_func(make_queue):
    q = make_queue()
    q.put(20)
    wait_visible(q)
    assert queue_iftry_get(q, func=lambda v: v + 1, use_func=True) == 21


def test_get_func_not_applied_to_default(make_queue):
    q = make_queue()
    got = queue_iftry_get(q, default=5, use_default=True, func=lambda v: v * 100, use_func=True)
    assert got == 5


def test_get_use_func_without_func_is_an_error(make_queue):
    q = make_queue()
    q.put(1)
    wait_visible(q)
    with pytest.raises(ValueError):
        queue_iftry_get(q, use_func=True)


def test_put_into_bounded_queue_until_full(make_queue):
    q = make_queue(maxsize=2)
    assert queue_iftry_put(q, "a") is True
    assert queue_iftry_put(q, "b") is True
    assert queue_iftry_put(q, "c") is False
    wait_visible(q)
    assert q.get(timeout=2) == "a"
    assert queue_iftry_put(q, "c") is True
    assert [q.get(timeout=2), q.get(timeout=2)] == ["b", "c"]


def test_drain_respects_cap_and_order():
    q = queue.Queue()
    for i in range(10):
        q.put(i)
    assert drain(q, 4) == [0, 1, 2, 3]
    assert drain(q, 100) == [4, 5, 6, 7, 8, 9]
    assert drain(q, 100) == []
    assert drain(q, 0) == []
    with pytest.raises(ValueError):
        drain(q, -1)


def test_drain_process_queue_gets_everything():
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    try:
        for i in range(50):
            q.put(i)
        got = []
        for _ in range(400):
            got += drain(q, 7)
            if len(got) == 50:
                break
            import time

            time.sleep(0.005)
        assert got == list(range(50))
    finally:
        q.close()
        q.join_thread()


def test_race_get_says_nonempty_but_is_empty():
    # empty() said False, get_nowait() raised Empty: the try catches it
    assert queue_iftry_get(RacyQueue()) is None
    assert queue_iftry_get(RacyQueue(), default=0, use_default=True) == 0
    assert drain(RacyQueue(), 5) == []


def test_race_put_says_not_full_but_is_full():
    assert queue_iftry_put(RacyQueue(), 1) is False


def test_none_item_is_indistinguishable_without_default():
    # documented limit of the page's signature: use a sentinel default (as drain does)
    q = queue.Queue()
    q.put(None)
    sentinel = object()
    assert queue_iftry_get(q, default=sentinel, use_default=True) is None
    assert queue_iftry_get(q, default=sentinel, use_default=True) is sentinel
