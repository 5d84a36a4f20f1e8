"""The timeline's lane model: state spans and bounded, incremental CPU buffers."""

from __future__ import annotations

from collections import deque

import pytest

from concurrency_explorer.core.metrics import WorkerState
from concurrency_explorer.gui import timeline_view as tv


def test_lane_spans_wait_start_and_run_in_order():
    worker = WorkerState(worker_id=0, count=5, remaining=0, state="done")
    worker.t_request, worker.t_started, worker.t_end = 10.5, 10.75, 12.0
    spans = tv.lane_spans(worker, t0=10.0, now=20.0)
    assert spans == [
        (tv.WAIT_COLOUR, 0.0, 0.5),
        (tv.STATE_COLOURS["starting"], 0.5, 0.75),
        (tv.STATE_COLOURS["running"], 0.75, 2.0),  # blue while it ran, as the legend says
        (tv.STATE_COLOURS["done"], 2.0, pytest.approx(2.0 + tv.END_MARK * 10.0)),  # how it ended
    ]


def test_lane_spans_a_running_worker_reaches_now():
    worker = WorkerState(worker_id=1, count=5, remaining=3, state="running")
    worker.t_started = 10.25
    assert tv.lane_spans(worker, t0=10.0, now=11.0) == [
        (tv.WAIT_COLOUR, 0.0, 0.25),
        (tv.STATE_COLOURS["running"], 0.25, 1.0),
    ]


def test_lane_cpu_takes_only_new_samples():
    samples = deque([(0.1, 50.0), (0.2, 150.0)], maxlen=3)
    lane = tv.LaneCpu()
    assert lane.update(samples)
    assert lane.percent == [50.0, 100.0]  # clipped to one core
    assert not lane.update(samples)  # nothing new: nothing to redraw
    samples.append((0.3, 20.0))
    samples.append((0.4, 30.0))  # the deque dropped (0.1, 50.0): already copied
    assert lane.update(samples)
    assert lane.times == [0.1, 0.2, 0.3, 0.4]
    x, y = lane.outline(-1.0)
    assert list(x) == pytest.approx([0.0, 0.0, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4])
    floor = -1.0 + tv.CPU_LO
    assert y[0] == pytest.approx(floor) and y[-1] == pytest.approx(floor)
    assert y[3] == pytest.approx(-1.0 + tv.CPU_HI)  # the 100 % sample fills the lane


def test_lane_cpu_stays_bounded_and_keeps_the_whole_run(monkeypatch):
    monkeypatch.setattr(tv, "MAX_LANE_SAMPLES", 8)
    lane = tv.LaneCpu()
    samples: deque[tuple[float, float]] = deque(maxlen=4)
    for i in range(1, 41):
        samples.append((i / 10, 100.0 if i % 2 else 0.0))
        lane.update(samples)
    assert len(lane.times) <= 8
    assert lane.times[-1] == pytest.approx(4.0)
    x, _y = lane.outline(0.0)
    assert x[0] == pytest.approx(0.0)  # still starts where the first sample's interval did
    # merged samples keep the CPU used: 40 samples of 0.1 s at 0 % and 100 % alternately
    assert lane.area() == pytest.approx(20 * 0.1 * 100.0)
    assert all(0.0 <= p <= 100.0 for p in lane.percent)


def test_lane_cpu_outline_is_rebuilt_only_for_new_samples():
    samples = deque([(0.1, 50.0), (0.2, 60.0)])
    lane = tv.LaneCpu()
    lane.update(samples)
    first = lane.outline(0.0)
    assert lane.outline(0.0)[0] is first[0]  # nothing new: the same arrays
    samples.append((0.3, 70.0))
    lane.update(samples)
    assert lane.outline(0.0)[0].size == first[0].size + 2
    assert lane.outline(-1.0)[1][0] == pytest.approx(-1.0 + tv.CPU_LO)  # another lane: rebuilt


def test_thin_lanes_share_their_labels():
    assert tv.label_step(4, 400) == 1  # 100 px a lane: every lane labelled
    assert tv.label_step(64, 256) == 4  # 4 px a lane: every 4th, 16 px apart
    assert tv.label_step(64, 0) == 1  # not laid out yet
    assert tv.label_step(1, 10) == 1


def test_all_lanes_outlined_in_one_go_as_separate_closed_shapes():
    """lane_outlines: every lane's steps at its own height, down to its floor at both
    ends, not joined to the next lane; a lane without samples is left out."""
    one, empty, two = tv.LaneCpu(), tv.LaneCpu(), tv.LaneCpu()
    one.update(deque([(0.1, 50.0), (0.2, 100.0)]))
    two.update(deque([(0.3, 0.0)]))
    two.first_width = 0.1
    xs, ys, connect = tv.lane_outlines([(one, 0.0), (empty, -1.0), (two, -2.0)])
    assert list(xs) == pytest.approx([0.0, 0.0, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3])
    span = tv.CPU_HI - tv.CPU_LO
    floor0, floor2 = tv.CPU_LO, -2.0 + tv.CPU_LO
    half, full = floor0 + span / 2, floor0 + span
    lane0 = [floor0, half, half, full, full, floor0]
    assert list(ys) == pytest.approx([*lane0, floor2, floor2, floor2, floor2])
    assert list(connect) == [True] * 5 + [False] + [True] * 3 + [False]
    # the same shape as the lane's own outline
    x1, y1 = one.outline(0.0)
    assert list(x1) == pytest.approx(list(xs[:6])) and list(y1) == pytest.approx(list(ys[:6]))
