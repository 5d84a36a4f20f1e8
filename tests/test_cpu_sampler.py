"""The CPU sampler: per-core load, and each worker's CPU share and core, during a real run."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import psutil
import pytest
from tests.runs import stop_and_wait

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.cpu_sampler import (
    CpuSampler,
    process_cpu,
    split_shared,
    steps_between,
    thread_core,
)
from concurrency_explorer.core.runner import Run

SAMPLES = 4  # while both workers run: the first primes, the others measure


def sample_during(mode: str) -> tuple[CpuSampler, list[list], float]:
    """Sample a real run; also return the CPU its workers really got, in percent of a core
    (their CPU seconds over the run's wall time: on a busy machine that can be little)."""
    # Long enough never to end by itself before SAMPLES samples (a 400-step run ended
    # after one sample on a quiet machine, in CI), stopped once they are taken.
    config = RunConfig.build(mode=mode, workers=2, count=1_000_000, kind="cpu")
    sampler = CpuSampler()
    run = Run(config)
    run.start()
    samples = []
    started = time.perf_counter()
    try:
        deadline = time.monotonic() + 60
        while len(samples) < SAMPLES and not run.finished and time.monotonic() < deadline:
            run.poll()
            if all(w.state == "running" for w in run.workers):
                samples.append(sampler.workers(run))
            time.sleep(0.1)
        stop_and_wait(run)
    finally:
        run.close()
    wall_s = time.perf_counter() - started
    got = 100.0 * sum(w.cpu_s or 0.0 for w in run.workers) / wall_s
    return sampler, samples, got


def test_per_core_has_one_value_per_core():
    sampler = CpuSampler()
    time.sleep(0.05)
    loads = sampler.per_core()
    assert len(loads) == psutil.cpu_count()
    assert all(0.0 <= x <= 100.0 for x in loads)


@pytest.mark.parametrize("mode", ["thread", "process"])
def test_running_cpu_workers_show_cpu_and_a_core(mode):
    _sampler, samples, got = sample_during(mode)
    measured = [s for s in samples[1:] if all(w.percent is not None for w in s)]
    assert measured, "at least two samples while both workers ran"
    cores = psutil.cpu_count()
    for snapshot in measured:
        for w in snapshot:
            assert 0.0 <= w.percent <= 100.0 * cores + 50  # clock noise allowance
            assert w.core is None or 0 <= w.core < cores
    busy = max(sum(w.percent for w in s) for s in measured)
    # CPU-bound workers show the CPU they get: at least about what they really got on
    # average (a busy machine may give them little, so no fixed threshold)
    assert busy > 0.0, "CPU-bound workers use CPU"
    assert busy >= 0.5 * got, (busy, got)


def test_finished_workers_report_nothing():
    sampler, samples, _got = sample_during("thread")
    assert samples  # and the run is over: a finished run has nothing to sample
    config = RunConfig.build(mode="thread", workers=1, count=1)
    run = Run(config)
    assert [w.percent for w in sampler.workers(run)] == [None]


def test_thread_core_reads_this_threads_core():
    core = thread_core(psutil.Process().pid, threading.get_native_id())
    assert core is None or 0 <= core < psutil.cpu_count()


def test_steps_between_counts_only_the_interval():
    samples = [(1.0, 10), (2.0, 8), (3.0, 5), (4.0, 5), (5.0, 1)]
    assert steps_between(samples, 10, 1.5, 3.5) == 5  # 10 left at 1.5, 5 at 3.5
    assert steps_between(samples, 10, 2.0, 3.5) == 3  # 8 -> 5
    assert steps_between(samples, 10, 3.0, 4.5) == 0  # it did not move: another's turn
    assert steps_between(samples, 12, 0.0, 1.0) == 2  # from its count to its first sample
    assert steps_between(samples, 10, 5.0, 6.0) == 0
    assert steps_between([], 10, 0.0, 1.0) == 0


def test_split_shared_follows_the_steps():
    assert split_shared(90.0, {0: 30, 1: 0, 2: 60}) == {0: 30.0, 1: 0.0, 2: 60.0}
    assert split_shared(90.0, {0: 0, 1: 0}) == {0: 45.0, 1: 45.0}  # nothing seen: even


def _spin_cpu(cpu_seconds: float) -> tuple[float, float]:
    """Burn ``cpu_seconds`` of this thread's CPU, however long a busy machine makes
    that take; returns (CPU seconds, wall seconds) it took, measured here."""
    c0, t0 = time.thread_time(), time.perf_counter()
    while time.thread_time() - c0 < cpu_seconds:
        assert time.perf_counter() - t0 < 60, "the machine gave this thread no CPU"
    return time.thread_time() - c0, time.perf_counter() - t0


def _near(measured: float, cpu_s: float, wall_s: float) -> bool:
    """The sampler's percent against the thread's own share over (about) that time:
    within a third, loose enough for the OS's 10 ms CPU-time ticks."""
    expected = 100.0 * cpu_s / wall_s
    return abs(measured - expected) <= expected / 3


def test_workers_on_one_thread_get_the_cpu_of_their_own_turns():
    """Two 'coroutines' on this very thread: the one that stepped gets the thread's CPU
    (all of it, whatever share of a core a busy machine gave the thread)."""
    pid, tid = psutil.Process().pid, threading.get_native_id()
    run = Run(RunConfig.build(mode="asyncio", workers=2, count=100, kind="cpu"))
    for worker in run.workers:
        worker.state, worker.pid, worker.thread_id = "running", pid, tid
    sampler = CpuSampler()
    assert [w.percent for w in sampler.workers(run)] == [None, None]  # nothing to compare
    cpu_s, wall_s = _spin_cpu(0.3)
    run.workers[0].samples.append((time.perf_counter(), 90))  # only worker 0 stepped
    first = {w.worker_id: w.percent for w in sampler.workers(run)}
    assert _near(first[0], cpu_s, wall_s) and first[1] == 0.0, (first, cpu_s, wall_s)
    cpu_s, wall_s = _spin_cpu(0.3)
    run.workers[1].samples.append((time.perf_counter(), 95))  # now worker 1's turn
    second = {w.worker_id: w.percent for w in sampler.workers(run)}
    assert _near(second[1], cpu_s, wall_s) and second[0] == 0.0, (second, cpu_s, wall_s)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_process_cpu_reads_what_psutil_reads_in_one_go():
    me = psutil.Process()
    end = time.thread_time() + 0.05
    while time.thread_time() < end:  # some CPU of our own, so the figures are not 0
        pass
    before = sum(me.cpu_times()[:2])
    cpu_s, core = process_cpu(me.pid)
    after = sum(me.cpu_times()[:2])
    assert before - 0.011 <= cpu_s <= after + 0.011  # clock ticks: 10 ms
    assert cpu_s > 0
    assert core is not None and 0 <= core < psutil.cpu_count()


def test_process_cpu_of_a_process_that_is_gone_is_none():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert process_cpu(proc.pid) is None
