"""The results text says which speedup basis it uses, and when not to trust an estimate."""

from __future__ import annotations

from typing import Any

from concurrency_explorer.gui.results_view import (
    cpu_share,
    record_html,
    responsiveness_text,
    speedup_text,
)


def record(mode: str = "process", basis: str = "estimated", **extra: Any) -> dict[str, Any]:
    workers = [
        {
            "id": i,
            "pid": 100 + i,
            "thread_id": 100 + i,
            "count": 3000,
            "final_remaining": 0,
            "start_latency_s": 0.0123,
            "wall_s": 2.0,
            "cpu_s": cpu,
            "messages": 100,
            "dropped": 0,
            "state": "done",
            "error": None,
        }
        for i, cpu in enumerate(extra.pop("cpu", (1.9, 1.9)))
    ]
    base = {
        "config": {"mode": mode, "start_method": "spawn", "kind": "cpu", "queue_size": 1024},
        "wall_s": 2.0,
        "speedup": 1.9,
        "speedup_basis": basis,
        "ok": True,
        "workers": workers,
        "queue": {"messages": 200, "polls": 70, "dropped": 0},
        "stop": {"requested": False, "escalation": "none"},
    }
    base.update(extra)
    return base


def test_measured_speedup_names_the_baseline_time():
    text = speedup_text(record(basis="measured"))
    assert text.startswith("Speedup measured") and "3.80 s" in text and "1.90x" in text


def test_estimated_speedup_says_how_to_measure_it():
    text = speedup_text(record())
    assert text.startswith("Speedup estimated") and "Time one after another first" in text
    assert "Careful" not in text


def test_a_starved_estimate_is_flagged():
    starved = record(cpu=(0.5, 0.6), speedup=0.55)
    assert round(cpu_share(starved), 3) == 0.275
    assert "only 28% of a core" in speedup_text(starved)


def test_a_sequential_run_says_it_is_the_baseline():
    assert "now the baseline" in speedup_text(record(mode="sequential", speedup=None))


def test_html_has_table_stop_words_and_latency_in_ms():
    html = record_html(record(stop={"requested": True, "escalation": "terminate"}), notes=["note!"])
    assert "12.3" in html and "got SIGTERM" in html and "note!" in html
    assert "never filled up" in html


def lateness(p99: float, worst: float, ticks: int = 200) -> dict[str, float]:
    return {"ticks": float(ticks), "last": 0.0, "p50": 1.0, "p99": p99, "max": worst}


def test_a_window_that_kept_time_was_not_starved():
    text = responsiveness_text(lateness(9, 20), 30)
    assert "kept time (p99 9 ms, at most 20 ms late over 200 ticks)" in text
    assert "could not starve" in text
    assert "pause" not in text


def test_a_late_window_is_not_called_unstarved():
    # the QA case: "at most 1984 ms late ... so they could not starve its GUI thread"
    text = responsiveness_text(lateness(165, 1984), 30, load=3.4, cores=2)
    assert "could not starve" not in text
    assert "often late (p99 165 ms, at most 1984 ms late" in text
    assert "the window itself was slow to draw" in text
    assert "load 3.4 on 2 cores" in text


def test_one_long_pause_is_named_even_when_p99_is_fine():
    text = responsiveness_text(lateness(12, 1984), 30)
    assert "kept time" in text
    assert "Its slowest tick (1984 ms late) was a pause of the window's own" in text


def test_a_short_run_is_not_called_often_late_for_one_slow_tick():
    # 23 ticks: the p99 is the slowest tick (here the run's first), not a pattern
    text = responsiveness_text(lateness(52, 52, ticks=23), 30)
    assert "often late" not in text
    assert "Its slowest tick (52 ms late)" in text
    slow = {"ticks": 23.0, "last": 0.0, "p50": 80.0, "p99": 120.0, "max": 120.0}
    assert "often late" in responsiveness_text(slow, 30)  # most ticks late: it was


def test_a_run_too_short_to_tick_says_so():
    assert "nothing to measure" in responsiveness_text(lateness(0, 0, ticks=0), 30)


def test_a_stopped_run_claims_no_speedup():
    """QA: stopped runs read 'Speedup estimated (1.44x)', and History compared them."""
    stopped = record(ok=False, stop={"requested": True, "escalation": "event"})
    text = speedup_text(stopped)
    assert "No speedup" in text and "1.90x" not in text
