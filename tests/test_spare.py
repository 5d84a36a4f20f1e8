"""A run's queue and stop flag are made ahead, after the previous run of its shape."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from concurrency_explorer.core import RunConfig, launcher, run_to_completion, spare
from concurrency_explorer.core.engines import mp


def _config(queue_size: int) -> RunConfig:
    return RunConfig.build(
        mode="process", start_method="fork", workers=1, count=3, queue_size=queue_size
    )


def _wait_for(shape: tuple[str, int, bool]) -> None:
    deadline = time.monotonic() + 30
    while shape not in spare.waiting():
        assert time.monotonic() < deadline, spare.waiting()
        launcher.call(lambda: None, timeout=30)  # the jobs queued before it are done


def test_the_next_run_of_a_shape_takes_the_pair_made_after_the_last():
    run = run_to_completion(_config(777))
    assert run.ok
    _wait_for(("fork", 777, True))
    with_spare = mp.ProcessEngine("fork", 777)
    waiting = spare._spares[("fork", 777, True)]
    with_spare.open()
    assert (with_spare.queue, with_spare.stop_event) == waiting
    assert ("fork", 777, True) not in spare.waiting()
    fresh = mp.ProcessEngine("fork", 777)  # nothing waits now: it makes its own
    fresh.open()
    assert fresh.queue is not waiting[0]
    for engine in (with_spare, fresh):
        engine.close()
    _wait_for(("fork", 777, True))  # one pair per shape, made again after the close


def test_a_run_on_a_pair_made_ahead_is_whole():
    first = run_to_completion(_config(779))
    _wait_for(("fork", 779, True))
    second = run_to_completion(_config(779))
    assert first.ok and second.ok
    assert [w.remaining for w in second.workers] == [0]
    assert second.record()["workers"][0]["start_latency_s"] is not None


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_other_start_methods_get_a_pair_made_ahead_too(method):
    config = RunConfig.build(
        mode="process", start_method=method, workers=1, count=3, queue_size=781
    )
    first = run_to_completion(config)
    _wait_for((method, 781, True))
    waiting = spare._spares[(method, 781, True)]
    engine = mp.ProcessEngine(method, 781)
    engine.open()
    assert (engine.queue, engine.stop_event) == waiting
    engine.close()
    second = run_to_completion(config)
    assert first.ok and second.ok
    assert second.record()["workers"][0]["start_latency_s"] is not None


def test_pairs_made_while_the_app_exits_leave_no_leaked_semaphore():
    """The launcher thread is still making pairs when the interpreter exits: each one
    made is unlinked by multiprocessing's exit handler, none is made after it ran (the
    resource tracker would report it leaked)."""
    code = (
        "from concurrency_explorer.core import spare\n"
        "from concurrency_explorer.core.engines import mp\n"
        "ctx = mp.get_context('spawn')\n"
        "for size in range(1, 60):\n"
        "    spare.prepare_next(ctx, size, True)\n"
        "spare.take(ctx, 1, True)\n"  # the first one is made: exit while the others are
    )
    for _ in range(3):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert "leaked" not in result.stderr, result.stderr[-2000:]


def test_no_pair_is_made_once_the_app_exits(monkeypatch):
    monkeypatch.setattr(spare, "_closed", True)
    engine = mp.ProcessEngine("forkserver", 783)
    engine.open()
    engine.close()
    launcher.call(lambda: None, timeout=30)
    assert ("forkserver", 783, True) not in spare.waiting()
