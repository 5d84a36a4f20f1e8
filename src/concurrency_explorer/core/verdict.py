"""A run's verdict in one plain sentence, with whether it may be believed and why not.

Qt-free, so the window (``verdictLabel``), the CLI and exports say the same thing.
The rules for "reliable" live in ``core/reliability.py``; this module only words them.
A record that already carries ``speedup_reliable`` / ``speedup_note`` (every record
made since they were added) is taken at its word; an older one is judged here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .reliability import SEQUENTIAL_MODE, STARVED_CORES, busy_note, cores_text, judge_speedup
from .summary import unit_phrase


@dataclass(frozen=True)
class Verdict:
    sentence: str  # one plain sentence with the measured number(s)
    reliable: bool  # False when estimated, machine busy, repeats disagree, or above the ideal
    note: str  # "" when reliable; otherwise why not, in plain words


def _cores_used(record: Mapping[str, Any]) -> str:
    value = record.get("cores_used")
    return "" if value is None else f"; {cores_text(float(value))} cores used"


def _ended_badly(record: Mapping[str, Any], what: str, wall: float) -> Verdict | None:
    workers = record.get("workers") or []
    failed = [w for w in workers if w.get("state") == "failed"]
    if failed:
        sentence = f"{what} ran for {wall:.2f} s; {len(failed)} of {len(workers)} failed."
        return Verdict(sentence, False, "workers failed, so no speedup is claimed")
    if (record.get("stop") or {}).get("requested") or not record.get("ok", True):
        sentence = f"{what} stopped after {wall:.2f} s, before the end."
        return Verdict(sentence, False, "the run was stopped, so no speedup is claimed")
    return None


def run_verdict(record: Mapping[str, Any]) -> Verdict:
    """One sentence with the measured number(s), reliable or not, and why not."""
    config = record.get("config") or {}
    mode = config.get("mode", "")
    n = len(record.get("workers") or []) or int(config.get("workers") or 0)
    what = unit_phrase(mode, n)
    wall = float(record.get("wall_s") or 0.0)
    bad = _ended_badly(record, what, wall)
    if bad is not None:
        return bad
    if mode == SEQUENTIAL_MODE:
        # The baseline claims no speedup; only the load can make its time untrustworthy.
        note = busy_note(record.get("load"))
        sentence = (
            f"{what} one after another took {wall:.2f} s "
            f"(the baseline: no speedup to claim{_cores_used(record)})."
        )
        return Verdict(sentence, not note, note)
    speedup = record.get("speedup")
    basis = record.get("speedup_basis") or "none"
    if "speedup_reliable" in record:
        reliable, note = bool(record["speedup_reliable"]), str(record.get("speedup_note") or "")
    else:
        reliable, note = judge_speedup(record)
    if speedup is None or basis == "none":
        return Verdict(f"{what} finished in {wall:.2f} s{_cores_used(record)}.", False, note)
    faster = speedup >= 1
    relation = f"{speedup:.1f}x faster than" if faster else f"{1 / speedup:.1f}x slower than"
    how = "measured" if basis == "measured" else "estimated"
    spread = record.get("speedup_range")
    if basis == "measured" and spread:
        how += f", {spread[0]:.2f}x to {spread[1]:.2f}x over the repeats"
    sentence = f"{what} finished {relation} one after another ({how}{_cores_used(record)})."
    if not reliable:
        note = _lean_on_cores(record, note)
    return Verdict(sentence, reliable, "" if reliable else note)


def _lean_on_cores(record: Mapping[str, Any], note: str) -> str:
    """Where the speedup cannot be trusted, cores used still can: say what it shows."""
    used = record.get("cores_used")
    config = record.get("config") or {}
    if used is None or config.get("kind") != "cpu":
        return note
    n = int(config.get("workers") or 1)
    if (record.get("load") or {}).get("busy") and used < STARVED_CORES:
        return (
            f"{note}; cores used ({cores_text(float(used))}) cannot tell either: other "
            "programs left the workers too little CPU"
        )
    if used <= 1.15:
        sign = f"they kept about {cores_text(float(used))} core busy at a time"
    elif n > 1:
        sign = f"they kept {cores_text(float(used))} cores busy at once: they ran in parallel"
    else:
        return note
    return f"{note}; the steadier sign is cores used: {sign}"
