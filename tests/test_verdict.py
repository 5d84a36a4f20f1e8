"""The verdict sentence and its reliability, from run/1 records (core/verdict.py)."""

from __future__ import annotations

from typing import Any

import pytest

from concurrency_explorer.core.reliability import cores, judge_speedup
from concurrency_explorer.core.verdict import Verdict, run_verdict


def record(mode: str = "process", workers: int = 2, **keys: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "config": {"mode": mode, "workers": workers},
        "wall_s": 2.0,
        "ok": True,
        "stop": {"requested": False},
        "workers": [{"id": i, "state": "done"} for i in range(workers)],
        "speedup": 1.8,
        "speedup_basis": "measured",
        "cores_used": 1.9,
        "load": {"others_cores": 0.0, "busy": False, "cores": 2},
    }
    base.update(keys)
    return base


def test_measured_speedup_on_a_quiet_machine_is_reliable() -> None:
    verdict = run_verdict(record())
    assert isinstance(verdict, Verdict)
    assert verdict.reliable and verdict.note == ""
    assert "2 processes finished 1.8x faster than one after another" in verdict.sentence
    assert "measured" in verdict.sentence and "1.9 cores used" in verdict.sentence


def test_busy_machine_is_named_with_the_cores_others_used() -> None:
    busy = {"others_cores": 1.3, "busy": True, "cores": 2}
    verdict = run_verdict(record(mode="thread", speedup=1.4, cores_used=1.0, load=busy))
    assert not verdict.reliable
    assert "busy" in verdict.note and "other programs used 1.3 of 2 cores" in verdict.note


def test_busy_machine_says_when_the_workers_yielded_to_it_on_purpose() -> None:
    busy = {"others_cores": 1.3, "busy": True, "cores": 2}
    niced = run_verdict(record(workers=8, speedup=0.4, load=busy, worker_niceness=10))
    assert not niced.reliable and "nice +10" in niced.note and "baseline did not" in niced.note
    guessed = record(workers=8, load=busy, worker_niceness=10, speedup_basis="estimated")
    assert (
        "nice +10" in judge_speedup(guessed)[1]
        and "baseline did not" not in judge_speedup(guessed)[1]
    )
    plain = run_verdict(record(workers=2, speedup=0.9, load=busy, worker_niceness=0))
    assert "nice" not in plain.note
    quiet = run_verdict(record(workers=8, speedup=1.9, worker_niceness=10))
    assert quiet.reliable and quiet.note == ""


def test_estimated_speedup_is_not_reliable() -> None:
    verdict = run_verdict(record(speedup_basis="estimated"))
    assert not verdict.reliable
    assert "estimated" in verdict.sentence and "estimated" in verdict.note


def test_beyond_the_ideal_is_not_reliable() -> None:
    n = cores()
    verdict = run_verdict(record(workers=n, speedup=n * 1.3, load={"busy": False, "cores": n}))
    assert not verdict.reliable and "ideal" in verdict.note


def test_repeats_that_disagree_are_not_reliable() -> None:
    reliable, note = judge_speedup(record(speedup=1.5, speedup_range=[1.1, 1.9]))
    assert not reliable and "repeats disagree" in note
    assert judge_speedup(record(speedup=1.8, speedup_range=[1.75, 1.85]))[0]


def test_sequential_run_claims_no_speedup() -> None:
    verdict = run_verdict(record(mode="sequential", speedup=None, speedup_basis="none"))
    assert "faster" not in verdict.sentence and "slower" not in verdict.sentence
    assert "one after another" in verdict.sentence and verdict.reliable


def test_slower_runs_say_slower() -> None:
    verdict = run_verdict(record(mode="thread", speedup=0.5, cores_used=1.0))
    assert "2.0x slower than one after another" in verdict.sentence


@pytest.mark.parametrize("state", ["failed", "stopped"])
def test_runs_that_did_not_finish_claim_nothing(state: str) -> None:
    rec = record(ok=False, workers=2)
    rec["workers"][0]["state"] = state
    rec["stop"] = {"requested": state == "stopped"}
    verdict = run_verdict(rec)
    assert not verdict.reliable and "faster" not in verdict.sentence


def test_a_record_that_carries_its_judgement_is_taken_at_its_word() -> None:
    rec = record(speedup_reliable=False, speedup_note="the repeats disagree (1.10x to 1.90x)")
    verdict = run_verdict(rec)
    assert not verdict.reliable and verdict.note.startswith("the repeats disagree")


def test_old_records_without_the_new_keys_still_get_a_verdict() -> None:
    rec = record()
    for key in ("cores_used", "load"):
        del rec[key]
    verdict = run_verdict(rec)
    assert "1.8x faster" in verdict.sentence and "cores used" not in verdict.sentence


def test_an_unreliable_speedup_leans_on_cores_used() -> None:
    busy = {"others_cores": 1.3, "busy": True, "cores": 2}
    rec = record(mode="thread", speedup=1.6, cores_used=0.98, load=busy)
    rec["config"]["kind"] = "cpu"
    verdict = run_verdict(rec)
    assert not verdict.reliable and "steadier sign is cores used" in verdict.note
    assert "about 1.0 core busy at a time" in verdict.note
    starved = run_verdict({**rec, "cores_used": 0.04})
    assert "cores used (0.04) cannot tell either" in starved.note
