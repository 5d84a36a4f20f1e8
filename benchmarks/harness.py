"""Measuring on a shared, noisy machine: interleave, repeat, take medians, compare ratios.

Absolute times do not hold here (other jobs come and go), so every figure compares
the app with a bare-Python baseline measured in the same run, alternating between
the two (A B, B A, A B, ...) so that a burst of load hits both sides alike. The
figure is the median of the per-pair ratios: neighbours in time share the noise.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .env import child_env, python

PASS, MISS, INFO = "PASS", "MISS", "INFO"


@dataclass
class Figure:
    """One line of the table: a measured value next to its goal."""

    group: str
    name: str
    value: float | None
    unit: str
    goal: str = ""  # e.g. "<= 1.05"; empty: information only
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if not self.goal:
            return INFO
        if self.value is None:
            return MISS
        op, _, bound = self.goal.partition(" ")
        limit = float(bound)
        ok = self.value <= limit if op == "<=" else self.value >= limit
        return PASS if ok else MISS

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = self.status
        return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def interleave(sides: dict[str, Callable[[], float]], reps: int) -> dict[str, list[float]]:
    """Call each side ``reps`` times, alternating the order every round (ABBA...)."""
    names = list(sides)
    out: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(reps):
        order = names if rep % 2 == 0 else names[::-1]
        for name in order:
            out[name].append(float(sides[name]()))
    return out


def pair_ratios(app: list[float], bare: list[float]) -> list[float]:
    """app[i] / bare[i] for each pair measured side by side."""
    return [a / b for a, b in zip(app, bare, strict=True) if b > 0]


def paired_ratio(app: list[float], bare: list[float]) -> float:
    """Median of app[i] / bare[i]: each pair was measured side by side."""
    return median(pair_ratios(app, bare))


def pair_spread(app: list[float], bare: list[float]) -> str:
    """How sure a paired ratio is, pyperf-style: the lowest and highest pair's ratio.
    A wide spread says the machine moved under the figure (other programs)."""
    ratios = pair_ratios(app, bare)
    if not ratios:
        return "no pairs"
    return f"pairs {min(ratios):.2f}-{max(ratios):.2f}x"


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run_python(args: list[str], timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` with the checkout on PYTHONPATH; raise with stderr on failure."""
    proc = subprocess.run(
        [python(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(**env),
        check=False,
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-5:]
        raise RuntimeError(f"python {' '.join(args)} failed ({proc.returncode}): {tail}")
    return proc


def timed_python(args: list[str], timeout: float = 120) -> float:
    """Wall time of a whole ``python ARGS`` run, seen from outside."""
    t0 = time.perf_counter()
    run_python(args, timeout=timeout)
    return time.perf_counter() - t0


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "x":
        return f"{value:.3f}x"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit in ("msg/s", "calls/s"):
        return f"{value:,.0f} {unit}"
    if unit == "us":
        return f"{value:.2f} us"
    return f"{value:g} {unit}".strip()


def table(figures: list[Figure]) -> str:
    """A plain-text table: figure, value, goal, status, detail."""
    rows = [("figure", "value", "goal", "status", "how measured")]
    for f in figures:
        goal = f.goal.replace("<=", "≤").replace(">=", "≥") if f.goal else "-"
        rows.append((f"{f.group}: {f.name}", fmt(f.value, f.unit), goal, f.status, f.detail))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        cells = [row[c].ljust(widths[c]) for c in range(4)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 12)
    return "\n".join(lines)
