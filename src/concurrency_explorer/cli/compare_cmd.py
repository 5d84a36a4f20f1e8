"""``concurrency-explorer compare``: the same workload on every available engine."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..core.compare import beyond_ideal, compare, rows_of
from ..core.config import ConfigError, RunConfig
from ..core.engines import availability, mode_names
from ..core.summary import load_summary
from .run_cmd import config_from_args, parse_float

DEFAULT_COMPARE_COUNT = "200"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="run one workload on every available engine and compare wall time and speedup",
        description=(
            "Run the workload one after another first (the baseline), then on every "
            "available engine (or those given with --modes), each with a speedup measured "
            "against the baseline. A process pool runs twice: cold, then warm."
        ),
    )
    parser.add_argument(
        "--modes", default=None, metavar="A,B,...",
        help=f"engines to compare (default: every available one of {', '.join(mode_names())})",
    )  # fmt: skip
    parser.add_argument("--workers", default="2", metavar="N", help="workers (default: 2)")
    parser.add_argument(
        "--count", default=None, metavar="N",
        help=f"countdown steps per worker (default: {DEFAULT_COMPARE_COUNT})",
    )  # fmt: skip
    parser.add_argument("--counts", default=None, metavar="A,B,...", help="steps per worker")
    parser.add_argument("--kind", default="cpu", metavar="KIND", help="cpu, io or nogil")
    parser.add_argument("--start-method", default=None, metavar="METHOD",
                        help="for process and pool-process")  # fmt: skip
    parser.add_argument("--queue-size", default="1024", metavar="N", help="queue bound")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="dask: an existing cluster (default: a LocalCluster)")  # fmt: skip
    parser.add_argument(
        "--python", default=None, metavar="PATH",
        help="also run the threads under this interpreter (e.g. a free-threaded python3.13t)",
    )  # fmt: skip
    parser.add_argument("--timeout", default=None, metavar="SECONDS",
                        help="stop each run after this many seconds")  # fmt: skip
    parser.add_argument(
        "--json", action="store_true",
        help="print one JSON list of run/1 records (each with a 'compare' key) on stdout",
    )  # fmt: skip
    parser.set_defaults(handler=handle)


def _base_config(args: argparse.Namespace) -> RunConfig:
    """The workload through run's own flag parsing (one validation, one message style)."""
    if args.count is None and args.counts is None:
        args.count = DEFAULT_COMPARE_COUNT
    run_args = argparse.Namespace(
        mode="process", start_method=args.start_method, workers=args.workers, count=args.count,
        counts=args.counts, kind=args.kind, queue_size=args.queue_size, fault=[],
        step_iterations=None, step_sleep=None, step_bytes=None, pool_size=None,
        no_yield=[], python=None, scheduler=None,
    )  # fmt: skip
    return config_from_args(run_args)


def _modes(text: str | None) -> list[str] | None:
    if text is None:
        return None
    modes = [m.strip() for m in text.split(",")]
    if not any(modes):
        raise ConfigError("--modes needs at least one engine name, e.g. --modes thread,process")
    if not all(modes):
        raise ConfigError(f"--modes has an empty name in {text!r:.60}; separate names by commas")
    repeated = sorted({m for m in modes if modes.count(m) > 1})
    if repeated:
        raise ConfigError(f"--modes names {', '.join(repeated)} more than once")
    known = availability()
    for mode in modes:
        if mode not in known:
            raise ConfigError(f"unknown mode {mode!r}; expected one of {', '.join(known)}")
        ok, reason = known[mode]
        if not ok:
            raise ConfigError(f"mode {mode!r} is not available here: {reason}")
    return modes


def handle(args: argparse.Namespace) -> int:
    base = _base_config(args)
    modes = _modes(args.modes)
    if args.scheduler is not None:
        RunConfig(mode="dask", scheduler=args.scheduler, workers=1, counts=(1,))  # validates
    if args.python is not None:
        RunConfig(mode="thread", python=args.python, workers=1, counts=(1,))  # validates
    timeout = parse_float("--timeout", args.timeout)

    def progress(record: dict[str, Any]) -> None:
        if not args.json:
            print(_line(record), flush=True)
        elif sys.stderr.isatty():
            print(f"  {record['compare']['label']}: done", file=sys.stderr, flush=True)

    if not args.json:
        print(f"{base.workers} workers, counts {list(base.counts)}, kind {base.kind}")
    records = compare(
        base, modes, scheduler=args.scheduler, python=args.python, timeout_s=timeout,
        on_record=progress,
    )  # fmt: skip
    if args.json:
        print(json.dumps(records))
    else:
        note = beyond_ideal(rows_of(records))
        if note:
            print(note)
        print(load_summary([r.get("load") for r in records]))
    return 1 if any(not r["ok"] for r in records) else 0


def _line(record: dict[str, Any]) -> str:
    label = record["compare"]["label"]
    wall = record["wall_s"] or 0.0
    speedup = record["speedup"]
    latency = [w["start_latency_s"] for w in record["workers"] if w["start_latency_s"] is not None]
    start = f"{max(latency) * 1000:8.1f} ms" if latency else "       -   "
    state = "ok" if record["ok"] else "FAILED"
    shown = "-" if speedup is None else f"{speedup:.2f}x"
    if speedup is not None and not record.get("speedup_reliable"):
        shown += "?"  # shown, but not to be trusted: see the note below the table
    used = record.get("cores_used")
    cores = "   -" if used is None else f"{used:4.2f}"
    busy = "  busy" if (record.get("load") or {}).get("busy") else ""
    return (
        f"  {label:<22} wall {wall:7.3f} s  speedup {shown:>7}  cores {cores}  "
        f"start {start}  {state}{busy}"
    )
