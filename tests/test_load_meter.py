"""The load meter weighs little on the run it watches (issue 15, item 6)."""

from __future__ import annotations

import os
import sys
import threading
import time

import psutil
import pytest

from concurrency_explorer.core import load
from concurrency_explorer.core.load import LoadMeter


def _meter_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "concurrency-explorer-load"]


def test_start_without_watch_lists_no_children_and_starts_no_thread(monkeypatch):
    listed = []
    real = LoadMeter._descendants

    def descendants(self):
        listed.append(threading.current_thread().name)
        return real(self)

    monkeypatch.setattr(LoadMeter, "_descendants", descendants)
    meter = LoadMeter(every_s=0.05)
    meter.start(watch=False)
    assert listed == [] and _meter_threads() == []
    meter.watch()
    deadline = time.monotonic() + 30
    while not listed:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    meter.stop()
    assert listed[0] == "concurrency-explorer-load"  # listed on the meter's own thread
    assert _meter_threads() == []


def test_watch_after_stop_starts_nothing():
    meter = LoadMeter(every_s=0.05)
    meter.start(watch=False)
    meter.stop()
    meter.watch()
    assert _meter_threads() == []
    assert meter.samples == 2  # start's snapshot and stop's last one
    assert meter.result()["seconds"] >= 0  # under a millisecond: it lists little now


def test_a_child_born_before_start_counts_as_own_once_watched():
    own = psutil.Popen([sys.executable, "-c", "while True: pass"])
    try:
        meter = LoadMeter(every_s=0.05)
        meter.start(watch=False)
        meter.watch()
        cpu0 = sum(own.cpu_times()[:2])
        deadline = time.monotonic() + 60
        while sum(own.cpu_times()[:2]) - cpu0 < 0.5:  # it ran a while under the meter
            assert time.monotonic() < deadline
            time.sleep(0.05)
        meter.stop()
        used = sum(own.cpu_times()[:2]) - cpu0
    finally:
        own.kill()
        own.wait(10)
    assert meter.own_cpu_s() >= 0.9 * used


def sampled_meter(samples: int) -> LoadMeter:
    """A meter stopped once it has taken ``samples`` samples (a condition, not a delay)."""
    meter = LoadMeter(every_s=0.01)
    meter.start()
    deadline = time.monotonic() + 30
    while meter.samples < samples:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    meter.stop()
    return meter


def test_children_are_listed_again_only_when_that_costs_little(monkeypatch):
    # a listing whose cost would take more than LISTING_SHARE of a core is not repeated
    # at every sample: between listings the meter reads the children it knows
    monkeypatch.setattr(load, "LISTING_SHARE", 1e-9)
    meter = sampled_meter(6)
    assert meter.listings == 2  # the first sample and the last one
    monkeypatch.setattr(load, "LISTING_SHARE", 1.0)
    meter = sampled_meter(6)
    assert meter.listings == meter.samples - 1  # all but start()'s own snapshot


def test_the_record_says_what_the_meter_itself_cost():
    load = sampled_meter(5).result()
    assert 0 < load["meter_cpu_s"] <= load["own_cores"] * load["seconds"] + 0.01


def test_the_process_tree_is_walked_down_not_read_from_every_process(monkeypatch):
    """Children and grandchildren, as listing by parent pid finds them, without reading
    every process's /proc/N/stat (the cost the meter put on the workers' cores)."""
    code = (
        "import subprocess, sys, time; "
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
    )
    parent = psutil.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 30
        while len(psutil.Process().children(recursive=True)) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        expected = {p.pid for p in psutil.Process().children(recursive=True)}
        if load.descendant_pids(os.getpid()) is None:
            pytest.skip("this kernel lists no children per thread")
        reads = []
        real_open = open

        def counting_open(path, *args, **kwargs):
            reads.append(str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr("builtins.open", counting_open)
        found = set(load.descendant_pids(os.getpid()))
        monkeypatch.undo()
        assert found >= expected
        assert all(path.endswith("/children") for path in reads)
        assert len(reads) < 50  # this tree's threads, not the machine's processes
    finally:
        for child in psutil.Process(parent.pid).children(recursive=True):
            child.kill()
        parent.kill()
        parent.wait(10)


@pytest.mark.skipif(not load._PROC, reason="reads /proc: Linux only")
def test_proc_readings_agree_with_psutil():
    """The meter reads /proc itself (psutil's import cost the CLI 16 ms): the same
    figures psutil gives, to a clock tick."""
    busy = load.machine_busy_s()
    times = psutil.cpu_times()
    expected = sum(getattr(times, n) for n in times._fields if n not in load._IDLE_FIELDS)
    assert abs(busy - expected) < 0.05 * psutil.cpu_count() + 0.05  # read a moment apart
    child = psutil.Popen([sys.executable, "-c", "while True: pass"])
    try:
        deadline = time.monotonic() + 30
        while sum(child.cpu_times()[:2]) < 0.2:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        child.suspend()  # its CPU stands still while both read it
        seen = load.cpu_and_birth(child.pid)
        assert seen is not None
        assert seen[0] == pytest.approx(sum(child.cpu_times()[:2]), abs=0.011)
        age_by_psutil = time.time() - child.create_time()
        age_by_proc = load.birth_clock() - seen[1]
        # psutil takes the boot time in whole seconds
        assert age_by_proc == pytest.approx(age_by_psutil, abs=1.01)
        assert 0 <= age_by_proc < 60
    finally:
        child.kill()
        child.wait(10)
    assert load.cpu_and_birth(child.pid) is None  # reaped: gone


def test_a_child_born_after_start_counts_from_zero():
    meter = LoadMeter(every_s=0.05)
    meter.start(watch=False)
    child = psutil.Popen([sys.executable, "-c", "while True: pass"])
    try:
        meter.watch()
        deadline = time.monotonic() + 30
        while child.pid not in meter._known:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert meter._known[child.pid] is False  # not born before: all its CPU is the run's
        while meter._own[child.pid][1] < 0.3:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        meter.stop()
    finally:
        child.kill()
        child.wait(10)
    assert meter._own[child.pid][0] == 0.0
    assert meter.own_cpu_s() >= 0.3
