"""GIL intervals: the workers' stamp log, the parent's resolution, the record and exports."""

from __future__ import annotations

import jsonschema
import pytest

from concurrency_explorer.cli import main
from concurrency_explorer.core import RunConfig, run_to_completion
from concurrency_explorer.core.child.gil_stamps import BATCH, LEARN, HeldLog
from concurrency_explorer.core.child.protocol import Held
from concurrency_explorer.core.experiment import schema
from concurrency_explorer.core.exports import GIL_TID, chrome_trace
from concurrency_explorer.core.gil import GilLog, coalesce, handoffs, holder_at, overlap_s


class ListQueue(list):
    def put(self, message):
        self.append(message)


def stamp(log: HeldLog, times, claim=True):
    for t in times:
        log.mark(t, claim)


# -- the worker's side ---------------------------------------------------------


def test_short_gaps_are_held_and_a_long_one_is_unsure():
    q = ListQueue()
    log = HeldLog(0, q, 0.0)
    stamp(log, [1.0, 2.0, 3.0, 4.0, 5.0])  # steps of 1 s: all held
    stamp(log, [11.0])  # a 6 s gap: waited (or descheduled)
    stamp(log, [12.0, 13.0])
    log.send(13.0, final=True)
    (message,) = q
    assert message.final and message.worker_id == 0
    assert message.flat == (0.0, 5.0, 11.0, 13.0)
    assert message.unsure == (5.0, 11.0)


def test_gaps_are_judged_only_once_the_shortest_is_known():
    # the first gap is long (a wait at start-up), the next ones short: the long
    # one must not be claimed just because it came first
    q = ListQueue()
    log = HeldLog(1, q, 0.0)
    stamp(log, [5.0] + [5.0 + i for i in range(1, LEARN + 2)])
    log.send(99.0, final=True)
    assert q[0].flat == (5.0, 5.0 + LEARN + 1)
    assert q[0].unsure == (0.0, 5.0)


def test_a_step_that_releases_the_gil_is_never_claimed():
    q = ListQueue()
    log = HeldLog(0, q, 0.0)
    for i in range(6):  # bookkeeping 0.001 s held, then a 1 s sleep that releases
        log.mark(i + 0.001)
        log.mark(i + 1.0, claim=False)
    log.send(10.0, final=True)
    flat = q[0].flat
    spans = list(zip(flat[::2], flat[1::2], strict=True))
    assert spans and all(b - a < 0.01 for a, b in spans)
    assert q[0].unsure == ()


def test_intervals_travel_in_bounded_batches():
    q = ListQueue()
    log = HeldLog(0, q, 0.0)
    t = 0.0
    for _ in range(3 * BATCH + 10):  # alternate held step and a long wait
        t += 1.0
        log.mark(t)
        t += 50.0
        log.mark(t)
    log.send(t, final=True)
    assert len(q) >= 3
    assert all(len(m.flat) + len(m.unsure) <= 2 * BATCH + 2 for m in q)
    assert [m.final for m in q] == [False] * (len(q) - 1) + [True]


# -- the parent's side -----------------------------------------------------------


def held_message(wid, flat, unsure=(), final=True):
    return Held(wid, 0.0, tuple(flat), tuple(unsure), 0.005, final)


def test_a_gap_no_other_worker_ran_in_is_held_and_a_waiters_gap_is_not():
    log = GilLog()
    # worker 0 held 0-1, was descheduled 1-2 (nobody else claimed), held 2-3;
    # worker 1 waited 0-3.5 (its gap spans 0's whole turn), then held 3.5-5
    log.add(held_message(0, [0, 1, 2, 3], [1, 2]))
    log.add(held_message(1, [3.5, 5], [0, 3.5]))
    held = log.held()
    assert held[0] == [(0, 3)]
    assert held[1] == [(3.5, 5)]
    record = log.summary(0.0, [0, 1])
    assert record["held_s"] == [3.0, 1.5]
    assert record["handoffs"] == 1
    assert record["overlap_s"] == 0.0
    assert record["intervals"] == {"0": [[0, 3]], "1": [[3.5, 5]]}
    assert record["unsure_s"] == [1.0, 3.5]


def test_two_unsure_gaps_that_cross_never_both_become_held():
    log = GilLog()
    log.add(held_message(0, [0, 1], [1, 2]))
    log.add(held_message(1, [3, 4], [0.5, 3]))
    held = log.held()
    assert held[0] == [(0, 2)]  # the shorter gap wins
    assert held[1] == [(3, 4)]
    assert overlap_s(held) == 0.0


def test_with_a_gil_each_every_unsure_gap_is_the_workers_own():
    log = GilLog(shared=False)  # subinterpreters: nobody else can take a worker's GIL
    log.add(held_message(0, [0, 1, 2, 3], [1, 2]))
    log.add(held_message(1, [0.5, 1.5], [1.5, 3]))
    held = log.held()
    assert held == {0: [(0, 3)], 1: [(0.5, 3)]}
    record = log.summary(0.0, [0, 1])
    assert record["shared"] is False and record["overlap_s"] == pytest.approx(2.5)


def test_overlap_handoffs_and_holder():
    spans = {"a": [(0.0, 1.0), (2.0, 3.0)], "b": [(0.5, 2.5)]}
    assert overlap_s(spans) == pytest.approx(1.0)
    assert handoffs(spans) == 2
    assert holder_at(spans, 0.75) == ["a", "b"]
    assert holder_at(spans, 1.5) == ["b"]
    assert holder_at(spans, 3.5) == []
    assert coalesce([(2, 3), (0, 1), (1, 2)]) == [(0, 3)]


def test_intervals_beyond_the_bound_are_summed_not_kept():
    log = GilLog(max_intervals=2)
    log.add(held_message(0, [0, 1, 2, 3, 4, 5]))
    record = log.summary(0.0, [0])
    assert record["complete"] is False
    assert len(record["intervals"]["0"]) == 2
    assert record["held_s"] == [3.0]
    shared = GilLog(max_intervals=10, max_total=3)  # the run's bound, across workers
    shared.add(held_message(0, [0, 1, 2, 3]))
    shared.add(held_message(1, [4, 5, 6, 7]))
    record = shared.summary(0.0, [0, 1])
    assert [len(v) for v in record["intervals"].values()] == [2, 1]
    assert record["held_s"] == [2.0, 2.0] and record["complete"] is False


# -- live runs ---------------------------------------------------------------------


def gil_run(**kwargs):
    config = RunConfig.build(**kwargs)
    run = run_to_completion(config, timeout_s=120)
    record = run.record()
    assert run.ok, record
    return record


def test_two_cpu_threads_never_hold_the_gil_at_once():
    record = gil_run(mode="thread", workers=2, count=400, kind="cpu")
    gil = record["gil"]
    wall = record["wall_s"]
    assert set(gil["intervals"]) == {"0", "1"}
    assert all(gil["intervals"][w] for w in ("0", "1"))
    assert gil["overlap_s"] <= 0.02 * wall
    assert gil["handoffs"] >= 1
    for held, w in zip(gil["held_s"], record["workers"], strict=True):
        assert 0 < held <= w["wall_s"] + 0.01
        for a, b in gil["intervals"][str(w["id"])]:
            assert w["started_at_s"] - 0.001 <= a <= b <= w["ended_at_s"] + 0.001
    jsonschema.validate(record, schema("run"))


@pytest.mark.parametrize("mode", ["thread", "pool-thread", "asyncio"])
def test_io_workers_hold_the_gil_a_small_share(mode):
    record = gil_run(mode=mode, workers=2, count=100, kind="io", step_sleep_s=0.002)
    gil = record["gil"]
    for held, w in zip(gil["held_s"], record["workers"], strict=True):
        assert held < 0.5 * w["wall_s"]


def test_the_switch_interval_reaches_the_workers_host():
    record = gil_run(mode="thread", workers=2, count=50, switch_interval_s=0.02)
    assert record["config"]["switch_interval_s"] == 0.02
    assert record["gil"]["switch_interval_s"] == pytest.approx(0.02, abs=1e-6)


def test_processes_have_no_shared_gil_to_log():
    record = gil_run(mode="process", workers=1, count=5)
    assert "gil" not in record


def test_the_chrome_trace_has_a_gil_track():
    record = gil_run(mode="thread", workers=2, count=100)
    trace = chrome_trace(record)
    slices = [e for e in trace["traceEvents"] if e.get("cat") == "gil"]
    total = sum(len(v) for v in record["gil"]["intervals"].values())
    assert len(slices) == total == trace["otherData"]["gil_intervals_shown"]
    assert all(e["tid"] == GIL_TID and e["dur"] >= 0 for e in slices)
    names = [e for e in trace["traceEvents"] if e["ph"] == "M" and e["tid"] == GIL_TID]
    assert any("GIL" in e["args"].get("name", "") for e in names)


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "5"])
def test_bad_switch_intervals_exit_2_with_one_line(value, capsys):
    code = main(["run", "--mode", "thread", "--count", "5", "--switch-interval", value])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "switch" in err.lower()


def test_switch_interval_is_refused_for_processes(capsys):
    code = main(["run", "--mode", "process", "--count", "5", "--switch-interval", "0.01"])
    assert code == 2
    assert "switch interval" in capsys.readouterr().err
