"""The benchmarks must not rot: the package imports, its arithmetic is right, and one
tiny figure runs end to end in quick mode. No timing is asserted here (see benchmarks/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks import harness
from benchmarks.gui_responsiveness import percentile
from benchmarks.harness import Figure, interleave, paired_ratio

REPO = Path(__file__).resolve().parents[1]
PROBE_ARGS = ("--side", "bare", "--method", "fork", "--starts", "2")


def test_interleave_alternates_order_every_round():
    calls: list[str] = []
    sides = {"app": lambda: calls.append("app") or 1.0, "bare": lambda: calls.append("bare") or 2.0}
    out = interleave(sides, 3)
    assert calls == ["app", "bare", "bare", "app", "app", "bare"]
    assert out == {"app": [1.0, 1.0, 1.0], "bare": [2.0, 2.0, 2.0]}


def test_paired_ratio_is_the_median_of_pairs():
    assert paired_ratio([2.0, 3.0, 10.0], [1.0, 1.0, 1.0]) == 3.0
    with pytest.raises(ValueError):
        paired_ratio([1.0], [1.0, 2.0])


@pytest.mark.parametrize(
    ("value", "goal", "status"),
    [
        (1.0, "<= 1.05", "PASS"),
        (1.2, "<= 1.05", "MISS"),
        (1.9, ">= 1.90", "PASS"),
        (1.5, ">= 1.90", "MISS"),
        (None, "<= 1.0", "MISS"),
        (3.0, "", "INFO"),
    ],
)
def test_figure_status_compares_value_with_goal(value, goal, status):
    assert Figure("g", "n", value, "x", goal).status == status


def test_table_lists_every_figure_with_its_status():
    text = harness.table([Figure("g", "one", 1.0, "x", "<= 1.05"), Figure("g", "two", 5, "ms")])
    assert "g: one" in text and "PASS" in text
    assert "g: two" in text and "INFO" in text


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile([], 99) is None


def test_quick_queue_figure_runs_end_to_end(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "queue_path", "--no-save"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "queue: final messages lost in floods" in out.stdout
    assert "figures" in out.stdout.splitlines()[-1]


def start_probe(*extra: str):
    """The start probe's JSON, from a child as the benchmark runs it."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.start_probe", *PROBE_ARGS, *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**__import__("os").environ, "PYTHONPATH": f"{REPO / 'src'}:{REPO}"},
    )
    return json.loads(out.stdout)


def test_start_probe_reports_latencies_as_json():
    values = start_probe()
    assert len(values) == 2 and all(v > 0 for v in values)


def test_markdown_table_shows_each_figure_and_the_machine():
    from benchmarks.report import markdown

    doc = {
        "created": "20260101T000000Z",
        "machine": {"cpu_count": 2, "python": "3.11.7", "implementation": "CPython"},
        "figures": [Figure("overhead", "CLI", 1.01, "x", "<= 1.05").to_dict()],
    }
    text = markdown(doc)
    assert "2 cores" in text and "3.11.7" in text
    assert "| overhead: CLI | 1.010x | ≤ 1.05 | PASS |" in text


def test_start_probe_parts_say_what_came_before_process_start():
    pairs = start_probe("--parts")
    assert len(pairs) == 2
    assert all(0 < before < latency for latency, before in pairs)


def test_pair_spread_names_the_lowest_and_highest_pair():
    from benchmarks.harness import pair_spread

    assert pair_spread([1.0, 3.0, 2.2], [1.0, 2.0, 2.0]) == "pairs 1.00-1.50x"
    assert pair_spread([], []) == "no pairs"


def test_longest_still_is_per_worker_and_only_while_it_runs():
    from benchmarks.gui_probe import longest_still

    samples = [
        (0.0, [None, 5]),
        (1.0, [10, 5]),  # worker 0 starts; worker 1 still shows 5 (1 s so far)
        (2.0, [10, 4]),  # worker 0 still (1 s); worker 1 moved
        (4.0, [8, 4]),  # worker 0 moved after 3 s; worker 1 still 2 s
        (5.0, [8, None]),  # worker 1 ended: its stretch stops at 4.0
        (9.0, [8, None]),  # worker 0 still 5 s
    ]
    assert longest_still(samples) == [5.0, 2.0]
    assert longest_still([]) == []


def test_start_probe_pauses_before_every_start_warm_ups_included():
    """Both sides start from an idle machine (benchmarks/start_probe.py says why)."""
    import time

    t0 = time.perf_counter()
    start_probe("--pause", "0.25")  # 2 warm-ups + 2 counted starts
    assert time.perf_counter() - t0 >= 4 * 0.25
