"""The launcher thread does a start at once when its caller steps aside."""

from __future__ import annotations

import time
from concurrent.futures import Future

from concurrency_explorer.core import launcher


def test_hand_over_returns_once_the_job_is_done():
    done: list[float] = []
    future = launcher.submit(lambda: done.append(time.perf_counter()))
    launcher.hand_over(future, timeout=30)
    handed = time.perf_counter()
    assert future.done() and done[0] <= handed  # the job ran before the caller went on


def test_hand_over_does_not_wait_its_turn_behind_a_long_queue():
    blocker = launcher.submit(time.sleep, 2.0)
    queued = launcher.submit(lambda: None)
    t0 = time.perf_counter()
    launcher.hand_over(queued, timeout=0.05)
    assert time.perf_counter() - t0 < 1.5  # bounded by its timeout, not by the queue
    assert not queued.done()
    blocker.result(30)
    queued.result(30)


def test_hand_over_of_a_finished_future_returns_at_once():
    future: Future[None] = Future()
    future.set_result(None)
    t0 = time.perf_counter()
    launcher.hand_over(future, timeout=5)
    assert time.perf_counter() - t0 < 1
