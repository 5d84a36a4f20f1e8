"""The launcher thread does a start at once when its caller steps aside."""

from __future__ import annotations

import time

import pytest

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


def test_hand_over_of_a_finished_job_returns_at_once():
    job = launcher.submit(lambda: None)
    job.result(30)
    t0 = time.perf_counter()
    launcher.hand_over(job, timeout=5)
    assert time.perf_counter() - t0 < 1


def test_a_job_gives_its_result_or_raises_its_error():
    assert launcher.submit(lambda: 42).result(30) == 42
    failing = launcher.submit(int, "not a number")
    assert isinstance(failing.exception(30), ValueError)
    with pytest.raises(ValueError):
        failing.result(30)
    assert launcher.launch_failed(failing, timeout=30)
    assert not launcher.launch_failed(launcher.submit(lambda: None), timeout=30)


def test_a_job_not_begun_can_be_cancelled_and_never_runs():
    blocker = launcher.submit(time.sleep, 0.5)
    ran: list[int] = []
    queued = launcher.submit(ran.append, 1)
    assert queued.cancel() and queued.cancelled() and queued.done()
    blocker.result(30)
    launcher.submit(lambda: None).result(30)  # the launcher went past the cancelled job
    assert ran == []
    assert launcher.launch_failed(queued, timeout=1)  # nothing started, nothing to reap
    with pytest.raises(launcher.CancelledError):
        queued.result(1)


def test_a_running_or_finished_job_cannot_be_cancelled():
    job = launcher.submit(lambda: None)
    job.result(30)
    assert not job.cancel() and not job.cancelled()


def test_result_with_a_timeout_raises_timeout_error_while_the_job_runs():
    job = launcher.submit(time.sleep, 0.5)
    with pytest.raises(TimeoutError):
        job.result(0.01)
    job.result(30)


def test_wait_is_bounded_by_one_timeout_for_all_jobs():
    jobs = [launcher.submit(time.sleep, 0.5) for _ in range(4)]
    t0 = time.perf_counter()
    launcher.wait(jobs, timeout=0.1)
    assert time.perf_counter() - t0 < 1.5  # not 4 x 0.1 plus the jobs' 2 s
    launcher.wait(jobs, timeout=30)
    assert all(job.done() for job in jobs)
