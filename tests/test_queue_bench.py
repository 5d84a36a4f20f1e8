"""core.queue_bench: the numbers have the promised shape, and a flood loses no final."""

from __future__ import annotations

from concurrency_explorer.core.queue_bench import measure_drain, measure_get_paths


def test_get_paths_reports_each_way_on_empty_and_busy_queues():
    result = measure_get_paths(0.05, items=50)
    assert set(result["empty"]) == {"iftry", "try_except", "blocking"}
    assert result["empty"]["blocking"] is None  # a blocking get waits; no per-call cost
    assert all(result["empty"][k] > 0 for k in ("iftry", "try_except"))
    assert all(v > 0 for v in result["busy"].values())
    assert result["ratio_iftry_vs_try"]["empty"] > 0


def test_a_flood_drops_only_progress_and_every_drop_is_counted():
    result = measure_drain(producers=2, messages=3000, tick_s=0.005, max_items=100, queue_size=8)
    assert result["finals_lost"] == 0
    assert result["accounting_ok"], result
    assert result["dropped"] > 0  # an 8-slot queue cannot hold a flood: drops happen, counted
    assert result["received"] + result["dropped"] == 2 * 3000 + 2
