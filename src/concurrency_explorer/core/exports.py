"""Files a run can be saved as: the run/1 record, a per-worker CSV, a Chrome trace.

All three are built from the run record (plus, for the trace, the run's bounded
progress samples), so the window and the CLI write byte-for-byte the same files.
Writes go through ``core.atomic``: atomic (a crash or a full disk never leaves
half a file where a good one was), and never at the cost of a FIFO, a device, a
link or a file's permissions at the target.

The Chrome trace is the "JSON Object Format" of the Trace Event Format (the
format chrome://tracing and ui.perfetto.dev open): ``{"traceEvents": [...]}``,
timestamps and durations in microseconds. Each worker gets its own track: a
``process_name`` / ``thread_name`` metadata event ("M") names it, complete
events ("X") show its start-up cost and its run, and counter events ("C") plot
its remaining steps over time.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .atomic import atomic_write_text, check_target
from .engines import engine_for

#: Per-worker CSV columns, in order (the record's worker keys, flattened).
CSV_COLUMNS = (
    "id",
    "count",
    "final_remaining",
    "state",
    "pid",
    "thread_id",
    "start_latency_s",
    "wall_s",
    "cpu_s",
    "cpu_share",
    "messages",
    "progress_sent",
    "dropped",
    "requested_at_s",
    "started_at_s",
    "ended_at_s",
    "exit_code",
    "error_type",
)

US = 1_000_000  # trace timestamps are microseconds
TRACE_PID = 1  # one trace "process" per run; each worker is a thread track in it
GIL_TID = 10_000  # the GIL's own track: above every worker's tid (worker id + 1)
GIL_EVENT_LIMIT = 100_000  # GIL slices in one trace at most (a file that still opens)
COUNTER_LIMIT = 2000  # counter events per worker at most (samples are thinned evenly)

#: Samples per worker: worker id -> [(seconds since run start, remaining), ...]
Samples = Mapping[int, Iterable[tuple[float, int]]]


def record_json(record: Mapping[str, Any]) -> str:
    """The run/1 record as written to disk: exactly the record, indented."""
    return json.dumps(record, indent=2) + "\n"


def _cpu_share(worker: Mapping[str, Any]) -> float | None:
    cpu, wall = worker.get("cpu_s"), worker.get("wall_s")
    if cpu is None or not wall:
        return None
    return round(cpu / wall, 4)


def workers_csv(record: Mapping[str, Any]) -> str:
    """One row per worker; ``cpu_share`` = cpu_s / wall_s (near 1 means it had a core)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for w in record["workers"]:
        row = dict(w)
        row["cpu_share"] = _cpu_share(w)
        row["error_type"] = (w.get("error") or {}).get("type")
        writer.writerow(["" if row.get(col) is None else row.get(col) for col in CSV_COLUMNS])
    return out.getvalue()


def run_samples(run: Any) -> dict[int, list[tuple[float, int]]]:
    """A live or finished ``Run``'s progress samples, in seconds since the run started."""
    t0 = run.t0 or 0.0
    return {w.worker_id: [(t - t0, r) for t, r in list(w.samples)] for w in run.workers}


def _us(seconds: float) -> float:
    return round(seconds * US, 3)


def _thin(samples: list[tuple[float, int]], limit: int) -> list[tuple[float, int]]:
    if len(samples) <= limit:
        return samples
    step = len(samples) / limit
    picked = [samples[int(i * step)] for i in range(limit - 1)]
    picked.append(samples[-1])
    return picked


def chrome_trace(record: Mapping[str, Any], samples: Samples | None = None) -> dict[str, Any]:
    """The run as a Chrome trace event object (one track per worker).

    Per worker: a ``worker N`` complete event from its start request to its end,
    and nested in it ``start-up`` (request to first message: the start method's
    cost) and the run itself (named after its final state). With ``samples``,
    a ``remaining wN`` counter per worker. Real pids and thread ids go in ``args``:
    tracks use tid = worker id + 1, so threads of one host and workers run one
    after another on the same OS thread still get a track each.
    """
    config = record.get("config", {})
    mode = config.get("mode", "?")
    method = config.get("start_method")
    label = f"{mode} ({method})" if method else str(mode)
    run_name = f"concurrency-explorer run: {len(record['workers'])} workers, {label}"
    events: list[dict[str, Any]] = [
        {"name": "process_name", "ph": "M", "pid": TRACE_PID, "tid": 0,
         "args": {"name": run_name}},
        {"name": "process_sort_index", "ph": "M", "pid": TRACE_PID, "tid": 0,
         "args": {"sort_index": 0}},
    ]  # fmt: skip
    samples = samples or {}
    engine = engine_for(str(mode))  # None: a mode this version does not know
    own_process = engine is not None and engine.process_per_worker
    for w in record["workers"]:
        wid = w["id"]
        tid = wid + 1
        who = f"pid {w['pid']}" if own_process else f"tid {w.get('thread_id')}"
        events += _track(tid, f"worker {wid} ({who})", wid)
        requested = w.get("requested_at_s")
        started = w.get("started_at_s")
        ended = w.get("ended_at_s")
        args = {
            "pid": w.get("pid"),
            "thread_id": w.get("thread_id"),
            "count": w.get("count"),
            "final_remaining": w.get("final_remaining"),
            "state": w.get("state"),
            "wall_s": w.get("wall_s"),
            "cpu_s": w.get("cpu_s"),
            "start_latency_s": w.get("start_latency_s"),
            "dropped": w.get("dropped"),
        }
        first = requested if requested is not None else started
        if first is not None and ended is not None and ended >= first:
            events.append(_complete(f"worker {wid}", "worker", first, ended, tid, args))
        if requested is not None and started is not None and started >= requested:
            events.append(
                _complete("start-up", "startup", requested, started, tid,
                          {"start_latency_s": w.get("start_latency_s"),
                           "start_method": method})
            )  # fmt: skip
        if started is not None and ended is not None and ended >= started:
            events.append(_complete(w.get("state") or "run", "run", started, ended, tid, args))
        points = _thin(sorted(samples.get(wid, [])), COUNTER_LIMIT)
        for t, remaining in points:
            events.append(
                {"name": f"remaining w{wid}", "cat": "progress", "ph": "C", "pid": TRACE_PID,
                 "tid": tid, "ts": _us(max(0.0, t)), "args": {"remaining": remaining}}
            )  # fmt: skip
    gil_shown = _gil_track(record.get("gil"), events)
    return {
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {
            "schema": record.get("schema"),
            "mode": mode,
            "start_method": method,
            "kind": config.get("kind"),
            "wall_s": record.get("wall_s"),
            "speedup": record.get("speedup"),
            "speedup_basis": record.get("speedup_basis"),
            "speedup_reliable": record.get("speedup_reliable"),
            "speedup_note": record.get("speedup_note"),
            "cores_used": record.get("cores_used"),
            "load": record.get("load"),
            "started_at": record.get("started_at"),
            "gil_intervals_shown": gil_shown,
        },
    }


def _track(tid: int, name: str, sort_index: int) -> list[dict[str, Any]]:
    """The metadata events that name a track and place it."""
    return [
        {"name": "thread_name", "ph": "M", "pid": TRACE_PID, "tid": tid, "args": {"name": name}},
        {"name": "thread_sort_index", "ph": "M", "pid": TRACE_PID, "tid": tid,
         "args": {"sort_index": sort_index}},
    ]  # fmt: skip


def _gil_track(gil: Mapping[str, Any] | None, events: list[dict[str, Any]]) -> int | None:
    """The GIL as a track of its own: one slice per interval, named after its holder.

    At most ``GIL_EVENT_LIMIT`` slices (the earliest); returns how many, None without
    a ``gil`` object. Two holders at once (no GIL) show as overlapping slices.
    """
    if not gil:
        return None
    events += _track(GIL_TID, f"GIL holder (switch interval {gil.get('switch_interval_s')} s)", -1)
    spans = sorted(
        (a, b, wid) for wid, pairs in (gil.get("intervals") or {}).items() for a, b in pairs
    )[:GIL_EVENT_LIMIT]
    for a, b, wid in spans:
        event = _complete(f"w{wid} holds", "gil", a, b, 0, {"worker": int(wid)})
        event["tid"] = GIL_TID
        events.append(event)
    return len(spans)


def _complete(
    name: str, cat: str, start_s: float, end_s: float, tid: int, args: dict[str, Any]
) -> dict[str, Any]:
    return {
        "name": name,
        "cat": cat,
        "ph": "X",
        "pid": TRACE_PID,
        "tid": tid,
        "ts": _us(start_s),
        "dur": _us(end_s - start_s),
        "args": args,
    }


def chrome_trace_json(record: Mapping[str, Any], samples: Samples | None = None) -> str:
    return json.dumps(chrome_trace(record, samples)) + "\n"


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write an export atomically (``core.atomic``), line endings untouched."""
    return atomic_write_text(path, text, newline="")


def check_writable(path: str | os.PathLike[str]) -> str | None:
    """None if ``path`` can be written, else one plain line saying why not
    (``core.atomic.check_target``: the same rules every write follows)."""
    return check_target(path)
