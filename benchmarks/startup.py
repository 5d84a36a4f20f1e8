"""Start-up time: from exec to the first painted window, from source and frozen.

Starts the app with CONCURRENCY_EXPLORER_EXIT_AFTER_FIRST_PAINT=1 (see
gui/startup_probe.py), times exec -> the ``first-paint`` line, repeats, and prints
min / median / max per variant. Needs a display: run it under Xvfb, e.g.

    xvfb-run -a -s "-screen 0 1600x1000x24" python benchmarks/startup.py --repeat 7

Variants that are not built (dist/...) are skipped. The first start of each
variant is reported on its own: it is the closest to a cold start this script
can get without dropping the OS page cache (which needs root and disturbs
everything else on the machine). Results also go to benchmarks/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV_FLAG = "CONCURRENCY_EXPLORER_EXIT_AFTER_FIRST_PAINT"
VARIANTS = {
    "source": [sys.executable, "-m", "concurrency_explorer"],
    "onedir": [str(ROOT / "dist" / "ConcurrencyExplorer" / "ConcurrencyExplorer")],
    "onefile": [str(ROOT / "dist" / "ConcurrencyExplorer-onefile")],
}


def time_once(command: list[str], timeout: float) -> float:
    env = dict(os.environ, **{ENV_FLAG: "1"})
    env["PYTHONPATH"] = str(ROOT / "src")
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("first-paint"):
                elapsed = time.perf_counter() - t0
                break
        else:
            raise RuntimeError(f"{command[0]} exited without painting (code {proc.wait()})")
        proc.wait(timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("variants", nargs="*", default=list(VARIANTS))
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print("startup: no display; run under xvfb-run", file=sys.stderr)
        return 2
    results = {}
    for name in args.variants:
        command = VARIANTS[name]
        if name != "source" and not Path(command[0]).exists():
            print(f"{name:<8} not built, skipped")
            continue
        times = [time_once(command, args.timeout) for _ in range(args.repeat)]
        first, rest = times[0], times[1:] or times
        results[name] = {
            "first_s": round(first, 3),
            "min_s": round(min(rest), 3),
            "median_s": round(statistics.median(rest), 3),
            "max_s": round(max(rest), 3),
            "runs": len(times),
        }
        print(
            f"{name:<8} first {first:.2f} s; then min {min(rest):.2f} / median "
            f"{statistics.median(rest):.2f} / max {max(rest):.2f} s ({len(rest)} runs)",
            flush=True,
        )
    out = ROOT / "benchmarks" / "results" / "startup.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
