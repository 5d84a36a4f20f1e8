"""StopFlag: the workers' stop signal, one semaphore instead of an Event's five."""

from __future__ import annotations

import multiprocessing
import threading

import pytest

from concurrency_explorer.core.child.workers import StopFlag
from concurrency_explorer.core.environment import start_methods


def _report(flag: StopFlag, q) -> None:
    q.put(flag.is_set())


def test_unset_until_set_and_asking_does_not_use_it_up():
    flag = StopFlag(multiprocessing.get_context())
    assert not flag.is_set()
    flag.set()
    assert all(flag.is_set() for _ in range(1000))
    flag.set()  # twice is harmless
    assert flag.is_set()


def test_many_threads_asking_at_once_all_see_it_set():
    flag = StopFlag(multiprocessing.get_context())
    flag.set()
    seen: list[bool] = []
    barrier = threading.Barrier(64)

    def ask() -> None:
        barrier.wait()
        seen.extend(flag.is_set() for _ in range(200))

    threads = [threading.Thread(target=ask) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 64 * 200 and all(seen)


@pytest.mark.parametrize("method", start_methods())
def test_a_child_process_sees_the_parents_flag(method):
    ctx = multiprocessing.get_context(method)
    flag, q = StopFlag(ctx), ctx.Queue()
    before = ctx.Process(target=_report, args=(flag, q))
    before.start()
    assert q.get(timeout=30) is False
    before.join(10)
    flag.set()
    after = ctx.Process(target=_report, args=(flag, q))
    after.start()
    assert q.get(timeout=30) is True
    after.join(10)
    q.close()
    q.join_thread()
