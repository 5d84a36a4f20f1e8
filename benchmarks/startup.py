"""Start-up time: from exec to the first painted window, from source and frozen.

Starts the app with CONCURRENCY_EXPLORER_EXIT_AFTER_FIRST_PAINT=1 (see
gui/startup_probe.py), times exec -> the ``first-paint`` line, repeats, and prints
min / median / max per variant. Needs a display: run it under Xvfb, e.g.

    xvfb-run -a -s "-screen 0 1600x1000x24" python benchmarks/startup.py --repeat 7

Variants that are not built (dist/...) are skipped. The first start of each
variant is reported on its own: it is the closest to a cold start this script
can get without dropping the OS page cache (which needs root and disturbs
everything else on the machine). Results also go to benchmarks/results/startup.json.

``python -m benchmarks`` uses ``run(ctx)`` below instead: the same launches, in a
private Xvfb it starts and ends itself, alternating with a bare-PySide6 window
(``benchmarks/bare_window.py``) as the baseline, plus the idle RSS that the probe
prints when ``CONCURRENCY_EXPLORER_STARTUP_IDLE_S`` is set.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV_FLAG = "CONCURRENCY_EXPLORER_EXIT_AFTER_FIRST_PAINT"
VARIANTS = {
    "source": [sys.executable, "-m", "concurrency_explorer"],
    "onedir": [str(ROOT / "dist" / "ConcurrencyExplorer" / "ConcurrencyExplorer")],
    "onefile": [str(ROOT / "dist" / "ConcurrencyExplorer-onefile")],
}


IDLE_ENV = "CONCURRENCY_EXPLORER_STARTUP_IDLE_S"


def launch(
    command: list[str], timeout: float, env: dict[str, str] | None = None, idle_s: float = 0.0
) -> tuple[float, int | None]:
    """Start ``command``; seconds from exec to its ``first-paint`` line, and the bytes of
    its ``idle-rss`` line when ``idle_s`` asks the probe to idle and report memory."""
    env = dict(os.environ if env is None else env, **{ENV_FLAG: "1"})
    env.setdefault("PYTHONPATH", str(ROOT / "src"))
    if idle_s > 0:
        env[IDLE_ENV] = str(idle_s)
    elapsed: float | None = None
    rss: int | None = None
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("first-paint") and elapsed is None:
                elapsed = time.perf_counter() - t0
                if idle_s <= 0:
                    break
            elif line.startswith("idle-rss"):
                rss = int(line.split()[1])
                break
        if elapsed is None:
            raise RuntimeError(f"{command[0]} exited without painting (code {proc.wait()})")
        proc.wait(timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return elapsed, rss


def time_once(command: list[str], timeout: float) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return launch(command, timeout, env)[0]


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


# -- python -m benchmarks ----------------------------------------------------------


@contextlib.contextmanager
def display() -> Iterator[dict[str, str]]:
    """Environment for Qt: a private Xvfb (xcb) started and ended here, else offscreen."""
    xvfb = shutil.which("Xvfb")
    free = [n for n in range(140, 200) if not Path(f"/tmp/.X{n}-lock").exists()]
    if not xvfb or not free:
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    number = free[0]
    proc = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        socket = Path(f"/tmp/.X11-unix/X{number}")
        while not socket.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if proc.poll() is None and socket.exists():
            yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": f":{number}"}
        else:
            yield {"QT_QPA_PLATFORM": "offscreen"}
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def run(ctx):  # -> list[Figure]; annotations kept out: this file also runs standalone
    """Figure 6: launch to first painted window (source, frozen) and idle RSS."""
    from .env import child_env, python
    from .harness import Figure, interleave, median, paired_ratio

    reps = ctx.reps(5, 2)
    idle_s = 1.0
    commands = {
        "app": VARIANTS["source"],
        "bare": [python(), "-m", "benchmarks.bare_window"],
    }
    frozen = Path(VARIANTS["onedir"][0])
    if frozen.exists() and os.access(frozen, os.X_OK):
        commands["frozen"] = VARIANTS["onedir"]
    rss: dict[str, list[int]] = {name: [] for name in commands}
    with display() as qt_env:
        env = child_env(**qt_env)

        def side(name: str) -> float:
            elapsed, resident = launch(commands[name], 60, env, idle_s)
            if resident is not None:
                rss[name].append(resident)
            return elapsed

        times = interleave({name: (lambda n=name: side(n)) for name in commands}, reps)
    where = qt_env["QT_QPA_PLATFORM"]
    mib = {name: median(v) / 2**20 if v else None for name, v in rss.items()}
    has_frozen = "frozen" in commands
    figures = [
        Figure(
            "start-up",
            "exec to first painted window, from source",
            median(times["app"]),
            "s",
            "<= 1.0",
            f"python -m concurrency_explorer on {where}; bare PySide6 window "
            f"{median(times['bare']):.3f} s; median of {reps} (first-paint probe)",
            {"times_s": times, "rss_bytes": rss},
        ),
        Figure(
            "start-up",
            "from source / bare PySide6 window",
            paired_ratio(times["app"], times["bare"]),
            "x",
            "",
            "what the app adds to a bare QMainWindow start",
        ),
        Figure(
            "start-up",
            "exec to first painted window, frozen",
            median(times["frozen"]) if has_frozen else None,
            "s",
            "<= 1.5" if has_frozen else "",
            str(frozen.relative_to(ROOT)) if has_frozen else "not built (pyinstaller build.spec)",
        ),
        Figure(
            "memory",
            "idle RSS of the window process",
            mib["app"],
            "MB",
            "<= 150",
            f"{idle_s:g} s after first paint, from source; bare PySide6 window "
            f"{mib['bare'] or 0:.0f} MB"
            + (f"; frozen {mib['frozen']:.0f} MB" if has_frozen and mib["frozen"] else ""),
        ),
    ]
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
