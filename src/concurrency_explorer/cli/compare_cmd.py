"""``concurrency-explorer compare``: the same workload on every available engine."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..core.compare import beyond_ideal, check_options, compare, rows_of
from ..core.config import DEFAULT_MODE, ConfigError, RunConfig, check_mode
from ..core.engines import mode_names
from ..core.environment import start_methods
from ..core.summary import load_summary
from .args import (
    add_python,
    add_scheduler,
    add_start_method,
    add_workload_arguments,
    parse_float,
    workload_config,
)

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
    add_workload_arguments(
        parser,
        count_help=f"countdown steps per worker (default: {DEFAULT_COMPARE_COUNT})",
    )
    add_start_method(
        parser, help_text="process start method, for the modes that take one (default: "
        f"{start_methods()[0]})",
    )  # fmt: skip
    add_scheduler(parser, help_text="dask: an existing cluster (default: a LocalCluster)")
    add_python(
        parser,
        help_text="also run the threads under this interpreter (e.g. a free-threaded "
        "python3.13t)",
    )
    parser.add_argument("--timeout", default=None, metavar="SECONDS",
                        help="stop each run after this many seconds")  # fmt: skip
    parser.add_argument(
        "--json", action="store_true",
        help="print one JSON list of run/1 records (each with a 'compare' key) on stdout",
    )  # fmt: skip
    parser.set_defaults(handler=handle)


def _base_config(args: argparse.Namespace) -> RunConfig:
    """The workload, through the flags every running command shares (one validation,
    one message style); its mode only carries the start method to the modes that take one."""
    if args.count is None and args.counts is None:
        args.count = DEFAULT_COMPARE_COUNT
    return workload_config(args, mode=DEFAULT_MODE, start_method=args.start_method)


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
    for mode in modes:
        check_mode(mode)
    return modes


def handle(args: argparse.Namespace) -> int:
    base = _base_config(args)
    modes = _modes(args.modes)
    check_options(args.scheduler, args.python)
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
