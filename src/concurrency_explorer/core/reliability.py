"""When a speedup may be believed, and why not: one set of rules for every view.

Modelled on pyperf, which tells its users when a result may be unstable and why.
A speedup is *reliable* only when all of these hold:

- it was **measured** against a timed one-after-another run of the same workload
  (an *estimate* from each worker's own CPU time is shown, but marked);
- the machine was **not busy**: other programs did not use a noticeable share of
  the cores while the run or its baseline ran (``core/load.py`` says where that
  line lies and why);
- **repeats agree**: with ``--repeat N`` the pairs' speedups lie within
  ``REPEAT_SPREAD`` of their median;
- it does **not beat the ideal**, ``min(workers, cores)``, by more than noise
  (``BEYOND_IDEAL_MARGIN``): N workers cannot do N workers' work more than N times
  faster than one after another, so a figure above that says the baseline paid
  for something the run did not.

A one-after-another run *is* the baseline: it claims no speedup.
Everything here reads run/1 record keys only, so records loaded from files (history,
exports) are judged exactly like fresh ones.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

#: on a busy machine, workers that got less CPU than this together (cores used) show
#: the load, not how they ran: too little to tell turns (the GIL) from starving
STARVED_CORES = 0.8
#: a measured speedup this far above the ideal is not noise
BEYOND_IDEAL_MARGIN = 1.1
#: repeats "agree" when every pair's speedup lies within this fraction of their median.
#: Back-to-back runs on a quiet 2-core machine differ by 2-5 %; 10 % is pyperf's
#: "may be unstable" line (std dev above 10 % of the mean).
REPEAT_SPREAD = 0.10

SEQUENTIAL_MODE = "sequential"
#: a kept baseline older than this no longer stands for "the same machine": its
#: speedup is shown, marked not reliable, and the window offers to re-measure
KEPT_BASELINE_MAX_AGE_S = 120.0


def cores() -> int:
    """Logical cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def ideal_speedup(workers: int, n_cores: int | None = None) -> int:
    """More workers than cores cannot all run at once."""
    return max(1, min(workers, n_cores or cores()))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def cores_text(value: float) -> str:
    """``1.3`` -> ``"1.3"``, ``0.04`` -> ``"0.04"``: one decimal, two below one core."""
    return f"{value:.1f}" if value >= 0.95 else f"{value:.2f}"


def busy_note(load: Mapping[str, Any] | None, n_cores: int | None = None) -> str:
    """``"other programs used 1.3 of 2 cores during this run"``, or "" when not busy."""
    if not load or not load.get("busy"):
        return ""
    total = load.get("cores") or n_cores or cores()
    others = float(load.get("others_cores") or 0.0)
    where = "this run and its baseline" if load.get("includes_baseline") else "this run"
    used = f"other programs used {cores_text(others)} of {total} cores"
    return f"the machine was busy: {used} during {where}"


def yielded_note(record: Mapping[str, Any]) -> str:
    """``", and its workers ran at nice +19, below them"``, or "" for workers at the
    window's priority.

    Workers that outnumber the cores run nicer than the window (``worker_niceness``),
    so that it keeps ticking; on a busy machine they then yield to the other programs
    too, while the one-after-another baseline did not. Said, so that a slow figure is
    not read as what processes do.
    """
    niceness = record.get("worker_niceness")
    if not isinstance(niceness, int) or niceness <= 0:
        return ""
    text = f", and its workers ran at nice +{niceness}, below those programs"
    text += " (so that the window keeps ticking)"
    if record.get("speedup_basis") == "measured":
        text += ", while the one-after-another baseline did not"
    return text


def repeats_note(speedup_range: Any, speedup: float | None) -> str:
    """Why repeated pairs disagree, or "" when they agree (or there is one pair)."""
    if not speedup_range or speedup is None or speedup <= 0:
        return ""
    lo, hi = speedup_range
    if (hi - lo) / speedup <= 2 * REPEAT_SPREAD:
        return ""
    return f"the repeats disagree ({lo:.2f}x to {hi:.2f}x)"


def age_text(seconds: float) -> str:
    """``"45 s"``, ``"3 min 10 s"``, ``"2 h 5 min"``."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def stale_baseline_note(baseline: Mapping[str, Any] | None) -> str:
    """Why a kept (not freshly measured) baseline may not stand for this run, or ""."""
    if not baseline or not baseline.get("reused"):
        return ""
    age = float(baseline.get("age_s") or 0.0)
    if age <= KEPT_BASELINE_MAX_AGE_S:
        return ""
    return (
        f"the one-after-another baseline was timed {age_text(age)} ago, not with this run "
        "(re-measure it)"
    )


def judge_speedup(record: Mapping[str, Any]) -> tuple[bool, str]:
    """(reliable, note) for ``record``'s speedup; the note is "" only when reliable."""
    config = record.get("config") or {}
    if config.get("mode") == SEQUENTIAL_MODE and "compare" not in record:
        return False, "a one-after-another run is the baseline itself: it claims no speedup"
    speedup = record.get("speedup")
    basis = record.get("speedup_basis")
    if speedup is None or basis in (None, "none"):
        return False, "no speedup could be worked out for this run"
    reasons = []
    if not record.get("ok", False):
        reasons.append("the run did not finish normally")
    if basis != "measured":
        reasons.append(
            "estimated from each worker's own work time, not measured against a "
            "one-after-another run (to measure it: run --baseline in the CLI, or tick "
            "'Time one after another first' (Ctrl+B) in the window)"
        )
    n_cores = (record.get("load") or {}).get("cores") or cores()
    busy = busy_note(record.get("load"), n_cores)
    if busy:
        reasons.append(busy + yielded_note(record))
    disagree = repeats_note(record.get("speedup_range"), speedup)
    if disagree:
        reasons.append(disagree)
    stale = stale_baseline_note(record.get("baseline"))
    if stale:
        reasons.append(stale)
    workers = int(config.get("workers") or len(record.get("workers") or []) or 1)
    ideal = ideal_speedup(workers, n_cores)
    if speedup > ideal * BEYOND_IDEAL_MARGIN:
        reasons.append(
            f"{speedup:.2f}x is more than {_plural(workers, 'worker')} on "
            f"{_plural(n_cores, 'core')} can give (ideal {ideal}x): the baseline was "
            "slowed by something the run was not"
        )
    return not reasons, "; ".join(reasons)


def mark_speedup(record: dict[str, Any]) -> dict[str, Any]:
    """Set ``speedup_reliable`` and ``speedup_note`` from the record's own keys, in place.

    Called again by whoever changes a record's speedup (a comparison, a measured pair).
    """
    record["speedup_reliable"], record["speedup_note"] = judge_speedup(record)
    return record


#: why runs may seem to beat the ideal, by how the baseline was timed
BASELINE_PAID_START_UP = (
    "the baseline paid start-up the others did not (its host process, imports), so this "
    "workload is too short to measure parallelism. Raise the count until every run lasts "
    "a second or more."
)
BASELINE_WAS_SLOWED = (
    "the one-after-another baseline ran slower than these workers (other programs on the "
    "machine, CPU clock changes), so the figures carry that much noise. A longer count on "
    "a quiet machine gives steadier ones."
)


def beyond_ideal(rows: list[dict[str, Any]], why: str = BASELINE_PAID_START_UP) -> str | None:
    """Why some runs beat the ideal speedup, in one sentence; None when none did.

    N workers cannot do the same work more than N times (capped by the cores)
    faster than one after another. When a run seems to, the baseline paid for
    something the run did not (``why``): that is not parallelism.
    Rows need ``label``, ``speedup`` and ``ideal_speedup``.
    """
    over = [
        r for r in rows
        if r["speedup"] is not None and r["speedup"] > r["ideal_speedup"] * BEYOND_IDEAL_MARGIN
    ]  # fmt: skip
    if not over:
        return None
    names = ", ".join(f"{r['label']} {r['speedup']:.2f}x" for r in over)
    return f"Faster than the ideal ({names}): {why}"
