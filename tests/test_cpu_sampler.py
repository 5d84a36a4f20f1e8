"""The CPU sampler: per-core load, and each worker's CPU share and core, during a real run."""

from __future__ import annotations

import threading
import time

import psutil
import pytest

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.cpu_sampler import CpuSampler, thread_core
from concurrency_explorer.core.runner import Run


def sample_during(mode: str) -> tuple[CpuSampler, list[list]]:
    config = RunConfig.build(mode=mode, workers=2, count=400, kind="cpu")
    sampler = CpuSampler()
    run = Run(config)
    run.start()
    samples = []
    try:
        deadline = time.monotonic() + 30
        while not run.finished and time.monotonic() < deadline:
            run.poll()
            if all(w.state == "running" for w in run.workers):
                samples.append(sampler.workers(run))
            time.sleep(0.1)
    finally:
        run.close()
    return sampler, samples


def test_per_core_has_one_value_per_core():
    sampler = CpuSampler()
    time.sleep(0.05)
    loads = sampler.per_core()
    assert len(loads) == psutil.cpu_count()
    assert all(0.0 <= x <= 100.0 for x in loads)


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_running_cpu_workers_show_cpu_and_a_core(mode):
    _sampler, samples = sample_during(mode)
    measured = [s for s in samples[1:] if all(w.percent is not None for w in s)]
    assert measured, "at least two samples while both workers ran"
    cores = psutil.cpu_count()
    for snapshot in measured:
        for w in snapshot:
            assert 0.0 <= w.percent <= 100.0 * cores + 50  # clock noise allowance
            assert w.core is None or 0 <= w.core < cores
    busy = max(sum(w.percent for w in s) for s in measured)
    assert busy > 20.0, "CPU-bound workers use CPU"


def test_finished_workers_report_nothing():
    sampler, samples = sample_during("thread")
    assert samples  # and the run is over: a finished run has nothing to sample
    config = RunConfig.build(mode="thread", workers=1, count=1)
    run = Run(config)
    assert [w.percent for w in sampler.workers(run)] == [None]


def test_thread_core_reads_this_threads_core():
    core = thread_core(psutil.Process().pid, threading.get_native_id())
    assert core is None or 0 <= core < psutil.cpu_count()
