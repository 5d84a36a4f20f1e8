"""A run's queue and stop flag are made ahead, after the previous run of its shape."""

from __future__ import annotations

import time

from concurrency_explorer.core import RunConfig, launcher, run_to_completion, spare
from concurrency_explorer.core.engines import mp


def _config(queue_size: int) -> RunConfig:
    return RunConfig.build(
        mode="process", start_method="fork", workers=1, count=3, queue_size=queue_size
    )


def _wait_for(shape: tuple[str, int]) -> None:
    deadline = time.monotonic() + 30
    while shape not in spare.waiting():
        assert time.monotonic() < deadline, spare.waiting()
        launcher.call(lambda: None, timeout=30)  # the jobs queued before it are done


def test_the_next_run_of_a_shape_takes_the_pair_made_after_the_last():
    run = run_to_completion(_config(777))
    assert run.ok
    _wait_for(("fork", 777))
    with_spare = mp.ProcessEngine("fork", 777)
    waiting = spare._spares[("fork", 777)]
    with_spare.open()
    assert (with_spare.queue, with_spare.stop_event) == waiting
    assert ("fork", 777) not in spare.waiting()
    fresh = mp.ProcessEngine("fork", 777)  # nothing waits now: it makes its own
    fresh.open()
    assert fresh.queue is not waiting[0]
    for engine in (with_spare, fresh):
        engine.close()
    _wait_for(("fork", 777))  # one pair per shape, made again after the close


def test_a_run_on_a_pair_made_ahead_is_whole():
    first = run_to_completion(_config(779))
    _wait_for(("fork", 779))
    second = run_to_completion(_config(779))
    assert first.ok and second.ok
    assert [w.remaining for w in second.workers] == [0]
    assert second.record()["workers"][0]["start_latency_s"] is not None


def test_no_pair_waits_for_other_start_methods():
    # their semaphores are the resource tracker's to clean up at exit: none made ahead
    engine = mp.ProcessEngine("forkserver", 781)
    engine.open()
    engine.close()
    launcher.call(lambda: None, timeout=30)
    assert ("forkserver", 781) not in spare.waiting()
