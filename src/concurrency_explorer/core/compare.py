"""Compare engines: one workload on every available engine, one after another.

The first run is the workload ``sequential`` (the baseline); every other engine's
run then gets a *measured* speedup against it (``speedup_basis: measured``). A
process pool runs twice, cold and then warm, because what a pool changes is the
second run. With ``python`` (``--python``), threads run a second time under that
interpreter, right after the threads of this one: with a free-threaded build that is
where CPU-bound threads start to scale. The result is a list of ordinary run/1
records, each with one added key, ``compare``: ``{label, baseline_wall_s,
ideal_speedup}`` (ideal: the number of workers, capped by the cores).

A ``Comparison`` only plans the runs and annotates their records; the CLI drives it
with ``run_sequence`` (``compare()``), the window through its RunController, one
run per ``finished``. Both get the same plan and the same figures.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from . import launcher
from .config import ConfigError, RunConfig
from .engines import availability, engine_for, get_engine_class
from .load import combine
from .reliability import (
    BASELINE_PAID_START_UP,
    BASELINE_WAS_SLOWED,
    BEYOND_IDEAL_MARGIN,
    beyond_ideal,
    ideal_speedup,
    mark_speedup,
)
from .sequence import BASELINE_MODE, WORKLOAD_FIELDS, RunSequence, run_sequence, workload_of

__all__ = [
    "BASELINE_PAID_START_UP", "BASELINE_WAS_SLOWED", "BEYOND_IDEAL_MARGIN", "WORKLOAD_FIELDS",
    "Comparison", "beyond_ideal", "compare", "ideal_speedup", "plan", "rows_of",
]  # fmt: skip


def warm_up() -> launcher.Job:
    """Ready what every host run shares (the forkserver, its preload done) before the
    baseline runs; returns at once, the Job says when (the CLI waits on it, the
    window polls it).

    The forkserver's boot (about 0.15 s here) is paid once per app by whichever run
    comes first; charged to the baseline it would inflate every engine's speedup.
    Each engine's own start-up (a host process, a pool, a cluster) stays in its wall
    time: that is part of the lesson.
    """
    from .engines.mp import host_start_method

    return launcher.submit(_ready_host_method, host_start_method())


def _ready_host_method(method: str) -> None:
    # On the launcher thread, like every start. A child that does nothing: the
    # forkserver answers it only once its preload is imported.
    import time

    from .engines.mp import get_context

    if method != "forkserver":
        return
    child = get_context(method).Process(target=time.sleep, args=(0,), daemon=True)
    child.start()
    child.join(30)
    if child.exitcode is None:
        child.kill()
        child.join(5)


def available_modes() -> list[str]:
    """Every mode this machine can run now, in registry order, the baseline first."""
    modes = [mode for mode, (ok, _reason) in availability().items() if ok]
    return sorted(modes, key=lambda mode: mode != BASELINE_MODE)


def unavailable_modes() -> dict[str, str]:
    """The modes a comparison leaves out here, each with the reason."""
    return {mode: reason for mode, (ok, reason) in availability().items() if not ok}


#: the mode that runs again under ``--python`` in a comparison: the GIL lesson is threads'
PYTHON_MODE = "thread"


def python_label(python: str) -> str:
    """The label of the threads run under another interpreter: ``thread (python3.13t)``."""
    return f"{PYTHON_MODE} ({os.path.basename(python.rstrip('/')) or python})"


#: the label of a mode's second, warm run in a comparison (``Engine.keeps_warm``)
WARM_SUFFIX = " (warm)"


def check_options(scheduler: str | None, python: str | None) -> None:
    """Refuse a ``scheduler`` or ``python`` the runs would refuse, before the first run:
    each checked as the config of a mode that takes it (one-line ConfigError)."""
    if scheduler is not None:  # validates
        RunConfig(mode=_mode_taking("scheduler"), workers=1, counts=(1,), scheduler=scheduler)
    if python is not None:
        RunConfig(mode=PYTHON_MODE, workers=1, counts=(1,), python=python)


def _mode_taking(option: str) -> str:
    """The first available mode whose engine accepts ``option``."""
    for mode in available_modes():
        if option in get_engine_class(mode).options:
            return mode
    raise ConfigError(f"no engine available here takes --{option}")


def warm_start_note(rows: list[dict[str, Any]]) -> str:
    """'Process pool start: 80.1 ms cold, 1.2 ms warm (...)' for each mode that ran
    cold and warm in ``rows``; "" when none did."""
    starts = {r["label"]: r["start_latency_s"] for r in rows}
    notes = []
    for label, cold in starts.items():
        warm = starts.get(label + WARM_SUFFIX)
        if cold is None or warm is None:
            continue
        engine = engine_for(label)
        name = engine.label if engine is not None else label
        notes.append(
            f"{name[:1].upper()}{name[1:]} start: {cold * 1000:.1f} ms cold, "
            f"{warm * 1000:.1f} ms warm (its processes were already running)."
        )
    return " ".join(notes)


def plan(
    base: RunConfig,
    modes: list[str] | None = None,
    scheduler: str | None = None,
    python: str | None = None,
) -> list[tuple[str, RunConfig]]:
    """(label, config) for each run: the baseline, then each mode (pool-process twice,
    threads again under ``python`` when given)."""
    workload = workload_of(base)
    chosen = available_modes() if modes is None else list(modes)
    if BASELINE_MODE in chosen:
        chosen.remove(BASELINE_MODE)
    if python and PYTHON_MODE not in chosen:
        chosen.append(PYTHON_MODE)  # threads under this Python, then under that one
    runs = []
    for mode in [BASELINE_MODE, *chosen]:
        extra: dict[str, Any] = {}
        engine = get_engine_class(mode)
        if engine.uses_start_method:
            extra["start_method"] = base.start_method
        if "scheduler" in engine.options and scheduler:
            extra["scheduler"] = scheduler
        config = RunConfig(mode=mode, **workload, **extra)
        runs.append((mode, config))
        if engine.keeps_warm:
            runs.append((mode + WARM_SUFFIX, config))
        if mode == PYTHON_MODE and python:
            runs.append((python_label(python), config.replace(python=python)))
    return runs


def annotate(
    record: dict[str, Any],
    label: str,
    baseline_wall_s: float | None,
    ideal: int,
    baseline_load: dict[str, Any] | None = None,
) -> float | None:
    """Add the ``compare`` key and the speedup measured against the baseline, in place;
    return the baseline wall time from now on (this record's, if it is the baseline).

    The baseline against itself is 1.0 by definition, measured. Other runs: the
    baseline's wall time over theirs (both as the records give them), whatever
    baseline the run itself knew of; without a finished baseline the run keeps its own.
    A measured speedup is judged on the load of both runs (``load.combine``).
    """
    is_baseline = label == BASELINE_MODE
    wall = record.get("wall_s")
    if is_baseline and record.get("ok") and wall:
        baseline_wall_s = wall
        record["speedup"], record["speedup_basis"] = 1.0, "measured"
    elif not is_baseline and baseline_wall_s and wall:
        record["speedup"] = round(baseline_wall_s / wall, 3)
        record["speedup_basis"] = "measured"
        if baseline_load and record.get("load"):
            record["load"] = combine([baseline_load, record["load"]])
    record["compare"] = {
        "label": label,
        "baseline_wall_s": None if baseline_wall_s is None else round(baseline_wall_s, 6),
        "ideal_speedup": 1 if is_baseline else ideal,
    }
    mark_speedup(record)
    return baseline_wall_s


class Comparison(RunSequence):
    """The planned runs of a comparison and their records, annotated as they arrive.

    ``stop_ends``: a run that was stopped ends the comparison (the window's Stop);
    the CLI's ``--timeout`` stops single runs and goes on with the next engine.
    """

    def __init__(
        self,
        base: RunConfig,
        modes: list[str] | None = None,
        *,
        scheduler: str | None = None,
        python: str | None = None,
        stop_ends: bool = True,
    ) -> None:
        runs = plan(base, modes, scheduler, python)
        super().__init__(config for _label, config in runs)
        self.base = base
        self.labels = [label for label, _config in runs]
        self.ideal = ideal_speedup(base.workers)
        self.stop_ends = stop_ends
        self.baseline_wall_s: float | None = None
        self.baseline_load: dict[str, Any] | None = None

    def next_baseline_wall_s(self) -> float | None:
        return None if self.next_label() == BASELINE_MODE else self.baseline_wall_s

    def next_label(self) -> str | None:
        return None if self.done else self.labels[len(self.records)]

    def add_record(self, record: dict[str, Any]) -> None:
        label = self.next_label()
        if label is None:
            raise RuntimeError("this comparison is over; no more records expected")
        if label == BASELINE_MODE:
            self.baseline_load = record.get("load")
        self.baseline_wall_s = annotate(
            record, label, self.baseline_wall_s, self.ideal, self.baseline_load
        )
        self.records.append(record)
        if self.stop_ends and record.get("stop", {}).get("requested"):
            self.cancelled = True

    def rows(self) -> list[dict[str, Any]]:
        """One row per finished run, what a chart or a table shows."""
        return rows_of(self.records)


def rows_of(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per annotated record (see ``annotate``): label, wall, speedups, start."""
    return [
        {
            "label": r["compare"]["label"],
            "mode": r["config"]["mode"],
            "wall_s": r.get("wall_s"),
            "speedup": r.get("speedup"),
            "speedup_basis": r.get("speedup_basis"),
            "speedup_reliable": r.get("speedup_reliable"),
            "speedup_note": r.get("speedup_note", ""),
            "cores_used": r.get("cores_used"),
            "busy": bool((r.get("load") or {}).get("busy")),
            "ideal_speedup": r["compare"]["ideal_speedup"],
            "start_latency_s": slowest_start_s(r),
            "ok": bool(r.get("ok")),
        }
        for r in records
    ]


def slowest_start_s(record: dict[str, Any]) -> float | None:
    """The slowest worker's start latency (start request to its first message)."""
    values = [w.get("start_latency_s") for w in record["workers"]]
    known = [v for v in values if v is not None]
    return max(known) if known else None


def compare(
    base: RunConfig,
    modes: list[str] | None = None,
    *,
    scheduler: str | None = None,
    python: str | None = None,
    timeout_s: float | None = None,
    on_record: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Run the plan on this thread; return one run/1 record per run (``compare`` added)."""
    comparison = Comparison(base, modes, scheduler=scheduler, python=python, stop_ends=False)
    warm_up().result(timeout=60)

    run_sequence(comparison, on_record=on_record, timeout_s=timeout_s)
    return comparison.records
