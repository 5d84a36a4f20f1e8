"""``python -m benchmarks [--quick] [--only NAME ...]``: measure, print the table, save JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback

from .env import RESULTS, prepare

#: Figure modules in the order they run (core-only first, Qt last).
FIGURES = [
    "overhead",
    "start_latency",
    "scaling",
    "queue_path",
    "gil",
    "gui_responsiveness",
    "gui_at_scale",
    "startup",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short run (about a minute)")
    parser.add_argument(
        "--only", action="append", choices=FIGURES, help="run only this figure (repeatable)"
    )
    parser.add_argument("--no-save", action="store_true", help="do not write a JSON file")
    parser.add_argument(
        "--markdown",
        nargs="?",
        const=str(RESULTS / "latest.json"),
        metavar="FILE",
        help="measure nothing: print a saved result (default results/latest.json) as the "
        "README's Markdown table",
    )
    args = parser.parse_args(argv)
    if args.markdown:
        from pathlib import Path

        from .report import markdown

        print(markdown(json.loads(Path(args.markdown).read_text())), end="")
        return 0
    prepare()

    import os

    from .context import BenchContext
    from .harness import Figure, table

    ctx = BenchContext(quick=args.quick)
    ctx.calibrate()
    started = time.perf_counter()
    load0 = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    figures: list[Figure] = []
    errors: dict[str, str] = {}
    for name in args.only or FIGURES:
        t0 = time.perf_counter()
        print(f"[{name}] ...", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f".{name}", __package__)
            new = module.run(ctx)
        except Exception as exc:  # one broken figure must not hide the others
            errors[name] = "".join(traceback.format_exception_only(exc)).strip()
            print(f"[{name}] failed: {errors[name]}", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            new = [Figure(name, "failed to run", None, "", "", errors[name][:120])]
        figures.extend(new)
        print(f"[{name}] done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    machine = (
        f"{os.cpu_count()} cores, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.platform()}"
    )
    loads = ""
    if load0 is not None:
        loads = f"; load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    print(f"\nConcurrency Explorer benchmarks on {machine}; {elapsed:.0f} s{loads}\n")
    print(table(figures))
    missed = [f for f in figures if f.status == "MISS"]
    print(f"\n{len(figures)} figures, {len(missed)} missed.")
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        doc = {
            "schema": "concurrency-explorer/benchmarks/1",
            "created": stamp,
            "quick": args.quick,
            "elapsed_s": round(elapsed, 1),
            "machine": {
                "cpu_count": os.cpu_count(),
                "python": platform.python_version(),
                "implementation": platform.python_implementation(),
                "platform": platform.platform(),
                "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
                "load_average_at_start": load0,
            },
            "figures": [f.to_dict() for f in figures],
            "errors": errors,
        }
        path = RESULTS / f"bench-{stamp}{'-quick' if args.quick else ''}.json"
        path.write_text(json.dumps(doc, indent=2))
        (RESULTS / "latest.json").write_text(json.dumps(doc, indent=2))
        print(f"saved {path.relative_to(RESULTS.parents[1])}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
