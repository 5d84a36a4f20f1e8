"""The load meter weighs little on the run it watches (issue 15, item 6)."""

from __future__ import annotations

import sys
import threading
import time

import psutil

from concurrency_explorer.core import load
from concurrency_explorer.core.load import LoadMeter


def _meter_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "concurrency-explorer-load"]


def test_start_without_watch_lists_no_children_and_starts_no_thread(monkeypatch):
    listed = []
    real = psutil.Process.children

    def children(self, *args, **kwargs):
        listed.append(threading.current_thread().name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(psutil.Process, "children", children)
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
    assert meter.result()["seconds"] > 0


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
