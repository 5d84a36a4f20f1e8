"""A run with its speedup *measured*: baseline, run, baseline, run… in one go.

The one-after-another baseline is timed in the same invocation, right before each
run, so both see the same machine (load, clock, caches): ``repeat`` pairs, default
one. Pairs interleave rather than batch so that a load that comes and goes hits
runs and baselines alike. Each pair gives one speedup, ``baseline wall / run wall``;
the result is their median, with ``speedup_range: [lo, hi]`` when repeated, and the
load of every run and baseline (the busiest counts, ``load.combine``).

Used by ``run --baseline --repeat N`` and by the window's "Time one after another
first"; compare and sweep plan their own baselines from the same definition of the
workload (``sequence.baseline_config``).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

from .config import ConfigError, RunConfig
from .load import combine
from .reliability import KEPT_BASELINE_MAX_AGE_S, age_text, mark_speedup
from .sequence import BASELINE_MODE, RunSequence, baseline_config

__all__ = ["KEPT_BASELINE_MAX_AGE_S", "KeptBaseline", "MeasuredRun", "against_kept", "age_text"]

MAX_REPEAT = 50


class MeasuredRun(RunSequence):
    """``repeat`` (baseline, run) pairs of ``config``; ``result()`` is the run's record."""

    def __init__(self, config: RunConfig, repeat: int = 1) -> None:
        if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= MAX_REPEAT:
            raise ConfigError(
                f"repeat must be a whole number from 1 to {MAX_REPEAT}, got {repeat!r:.40}"
            )
        self.config = config
        self.repeat = repeat
        self.claims_speedup = config.mode != BASELINE_MODE
        if self.claims_speedup:
            configs = [baseline_config(config), config] * repeat
        else:
            configs = [config] * repeat  # the baseline itself: nothing to compare with
        super().__init__(configs)

    def next_is_baseline(self) -> bool:
        return self.claims_speedup and len(self.records) % 2 == 0 and not self.done

    def next_baseline_wall_s(self) -> float | None:
        """The wall time of the baseline just before the next run (None for a baseline)."""
        if not self.claims_speedup or self.done or self.next_is_baseline():
            return None
        baseline = self.records[-1]
        return baseline.get("wall_s") if baseline.get("ok") else None

    def add_record(self, record: dict[str, Any]) -> None:
        if self.next_is_baseline():
            record.setdefault("measured_at", time.time())
        super().add_record(record)
        if self.claims_speedup and not record.get("ok"):
            self.cancelled = True  # a failed baseline measures nothing; a failed run ends it too

    def pairs(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Finished (baseline, run) pairs, in order."""
        if not self.claims_speedup:
            return []
        return [(self.records[i], self.records[i + 1]) for i in range(0, len(self.records) - 1, 2)]

    def result(self) -> dict[str, Any] | None:
        """The last run's record, its speedup the median over the pairs (None: nothing ran)."""
        runs = [r for _b, r in self.pairs()] if self.claims_speedup else list(self.records)
        if not runs:
            return self.records[-1] if self.records else None
        record = dict(runs[-1])
        if not self.claims_speedup:
            return record
        rows = []
        for baseline, run in self.pairs():
            value = None
            if (
                baseline.get("ok")
                and run.get("ok")
                and baseline.get("wall_s")
                and run.get("wall_s")
            ):
                value = round(baseline["wall_s"] / run["wall_s"], 3)
            rows.append(
                {
                    "baseline_wall_s": baseline.get("wall_s"),
                    "wall_s": run.get("wall_s"),
                    "speedup": value,
                    "cores_used": run.get("cores_used"),
                    "others_cores": (run.get("load") or {}).get("others_cores"),
                    "baseline_others_cores": (baseline.get("load") or {}).get("others_cores"),
                }
            )
        values = [row["speedup"] for row in rows if row["speedup"] is not None]
        if values:
            record["speedup"] = round(statistics.median(values), 3)
            record["speedup_basis"] = "measured"
            if len(values) > 1:
                record["speedup_range"] = [min(values), max(values)]
        used = [r["cores_used"] for r in runs if r.get("cores_used") is not None]
        if used:
            record["cores_used"] = round(statistics.median(used), 3)
        loads = [r["load"] for pair in self.pairs() for r in pair if r.get("load")]
        if loads:
            record["load"] = combine(loads)
        walls = [row["baseline_wall_s"] for row in rows if row["baseline_wall_s"]]
        record["baseline"] = {
            "wall_s": round(statistics.median(walls), 6) if walls else None,
            "measured_at": self.records[0].get("measured_at"),
            "reused": False,
        }
        record["repeats"] = {"pairs": rows}
        return mark_speedup(record)


def measure(
    config: RunConfig,
    repeat: int = 1,
    *,
    timeout_s: float | None = None,
    stall_after_s: float | None = None,
    on_record: Any = None,
) -> MeasuredRun:
    """Run the pairs on this thread (CLI, tests); read ``.result()``."""
    from .runner import run_to_completion

    sequence = MeasuredRun(config, repeat)
    while (next_config := sequence.next_config()) is not None:
        run = run_to_completion(
            next_config,
            baseline_wall_s=sequence.next_baseline_wall_s(),
            timeout_s=timeout_s,
            stall_after_s=stall_after_s,
        )
        record = run.record()
        sequence.add_record(record)
        if on_record is not None:
            on_record(run, record)
    return sequence


@dataclass(frozen=True)
class KeptBaseline:
    """A one-after-another run's time, kept to judge later runs of the same workload.

    Never used silently: a run judged against it carries ``baseline: {reused: true,
    age_s, load}``, the Results say how old it is and what the load was, and offer to
    re-measure.
    """

    wall_s: float
    measured_at: float  # epoch seconds
    load: dict[str, Any]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> KeptBaseline | None:
        """From a finished sequential run; None if it cannot serve as a baseline."""
        if record["config"]["mode"] != BASELINE_MODE or not record.get("ok"):
            return None
        wall = record.get("wall_s")
        if not wall:
            return None
        when = record.get("measured_at") or (record.get("started_at") or time.time()) + wall
        return cls(wall, when, dict(record.get("load") or {}))

    def age_s(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.measured_at)


def against_kept(record: dict[str, Any], kept: KeptBaseline) -> dict[str, Any]:
    """``record`` (a run started with ``baseline_wall_s=kept.wall_s``) judged against a
    kept baseline: its age and load recorded, the busier load of the two counts."""
    record = dict(record)
    record["baseline"] = {
        "wall_s": round(kept.wall_s, 6),
        "measured_at": kept.measured_at,
        "reused": True,
        "age_s": round(kept.age_s(), 1),
        "load": kept.load,
    }
    if kept.load and record.get("load"):
        record["load"] = combine([kept.load, record["load"]])
    return mark_speedup(record)
