"""Queue depth: qsize where the platform has it, an estimate where it raises."""

from __future__ import annotations

import time

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.queue_stats import ESTIMATE, NONE, QSIZE, queue_depth
from concurrency_explorer.core.runner import Run


class NoQsize:
    def qsize(self):
        raise NotImplementedError("like macOS")


def test_depth_uses_qsize_then_estimates_when_qsize_raises():
    config = RunConfig.build(mode="thread", workers=2, count=200, kind="io")
    run = Run(config)
    run.start()
    try:
        while not all(w.last_message_t for w in run.workers):
            run.poll()
            time.sleep(0.01)
        depth, basis = queue_depth(run)
        assert basis == QSIZE and depth >= 0
        real = run.engine.queue
        run.engine.queue = NoQsize()
        last = max(w.last_message_t for w in run.workers)
        depth, basis = queue_depth(run, now=last + 10 * config.report_interval_s + 1e-6)
        assert basis == ESTIMATE
        assert depth >= 2 * 9  # both workers: about ten reports each are owed
        run.engine.queue = real
    finally:
        run.close()
    assert queue_depth(run) == (None, NONE)
