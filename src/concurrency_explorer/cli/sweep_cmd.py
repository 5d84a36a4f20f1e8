"""``concurrency-explorer sweep``: 1..N workers, speedup against one after another."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..core.config import MAX_WORKERS, RunConfig
from ..core.environment import start_methods
from ..core.summary import load_summary
from ..core.sweep import Sweep, beyond_ideal_note, run_sequence
from .args import (
    add_kind,
    add_mode,
    add_queue_size,
    add_start_method,
    add_step_arguments,
    parse_int,
    step_options,
)

DEFAULT_SWEEP_COUNT = 400


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="run 1..N workers and measure the speedup over one after another",
        description=(
            "Run a sequential baseline of N workers, then 1, 2, ... N workers in MODE. "
            "speedup(n) = the first n baseline workers' wall times summed / the n-worker run's "
            "span (first start request to last end). Ideal: min(n, cores)."
        ),
    )
    add_mode(parser)
    add_start_method(parser, help_text=f"process start method: {', '.join(start_methods())}")
    parser.add_argument(
        "--max-workers", default="4", metavar="N",
        help=f"sweep 1..N workers, N at most {MAX_WORKERS} (default: 4)",
    )  # fmt: skip
    add_kind(parser)
    parser.add_argument(
        "--count", default=str(DEFAULT_SWEEP_COUNT), metavar="N",
        help=f"countdown steps per worker (default: {DEFAULT_SWEEP_COUNT})",
    )  # fmt: skip
    add_queue_size(parser)
    add_step_arguments(parser)
    parser.add_argument(
        "--json", action="store_true",
        help="print one JSON list of {workers, wall_s, speedup, ideal, ...} on stdout",
    )  # fmt: skip
    parser.set_defaults(handler=handle)


def sweep_from_args(args: argparse.Namespace) -> Sweep:
    """Validate the flags through the core (one-line ConfigError on any mistake)."""
    count = parse_int("--count", args.count)
    max_workers = parse_int("--max-workers", args.max_workers)
    extra = step_options(args)
    base = RunConfig.build(
        mode=args.mode,
        start_method=args.start_method,
        workers=1,
        count=count,
        kind=args.kind,
        queue_size=parse_int("--queue-size", args.queue_size),
        **extra,
    )
    return Sweep(base, max_workers or 0, count or 0)


def handle(args: argparse.Namespace) -> int:
    sweep = sweep_from_args(args)
    progress = None
    if not args.json and sys.stderr.isatty():

        def progress(record: dict[str, Any]) -> None:
            cfg = record["config"]
            print(f"  ran {cfg['workers']} x {cfg['mode']}: {record['wall_s']:.3f} s",
                  file=sys.stderr)  # fmt: skip

    run_sequence(sweep, on_record=progress)
    points = sweep.points()
    if args.json:
        print(json.dumps(points))
    else:
        base = sweep.records[0]
        print(f"sequential baseline: {sweep.max_workers} workers one after another, "
              f"{base['wall_s']:.3f} s")  # fmt: skip
        print(f"{'workers':>7}  {'wall s':>8}  {'speedup':>8}  {'ideal':>5}  {'cores':>5}")
        for p in points:
            speed = "-" if p["speedup"] is None else f"{p['speedup']:.2f}"
            if p["speedup"] is not None and not p["speedup_reliable"]:
                speed += "?"  # shown, but not to be trusted
            used = "-" if p["cores_used"] is None else f"{p['cores_used']:.2f}"
            busy = "  busy" if (p.get("load") or {}).get("busy") else ""
            print(f"{p['workers']:>7}  {p['wall_s']:>8.3f}  {speed:>8}  {p['ideal']:>5}  "
                  f"{used:>5}{busy}")  # fmt: skip
        note = beyond_ideal_note(points)
        if note:
            print(note)
        print(load_summary([r.get("load") for r in sweep.records]))
    return 0 if all(p["ok"] for p in points) and sweep.records[0].get("ok") else 1
