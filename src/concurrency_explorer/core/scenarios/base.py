"""What a scenario is: a lesson of the page, runnable in one click, judged by numbers.

A scenario has a title, a short explanation (written into the app: talks and labs
are often offline), the exact standalone script a person can copy and run with
plain Python, a ``measure`` function that runs it on this machine through the core,
and a ``judge`` function that turns the measured numbers into a verdict. ``judge``
is pure (measurements in, verdict out) so it can be tested on synthetic numbers;
the verdict is never canned text: its wording branches on the numbers and quotes them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Protocol

from ..config import RunConfig
from ..engines import is_baseline_mode

SCHEMA = "concurrency-explorer/scenario/1"
TIME_BUDGET_S = 30.0  # every scenario must finish within this on a 2-core machine


class ScenarioCancelled(Exception):
    """The person pressed Stop or closed the window while a scenario ran."""


class RunHook(Protocol):
    """Runs one configuration of a scenario to its end and returns the finished Run.

    The window passes one so a scenario's runs play on its main bars (through its
    RunController); headless, ``run_to_completion`` runs them on the scenario's thread.
    """

    def __call__(
        self,
        config: RunConfig,
        label: str,
        *,
        baseline_wall_s: float | None,
        timeout_s: float,
        on_poll: Callable[[Any], None],
        cancel: threading.Event,
    ) -> Any: ...


@dataclass
class Context:
    """What a running scenario may use: a progress callback, a cancel flag, and how
    its runs are run (``run_hook``; None: on this thread, headless)."""

    progress: Callable[[str], None] = lambda text: None
    cancel: threading.Event = field(default_factory=threading.Event)
    run_hook: RunHook | None = None

    def check(self) -> None:
        if self.cancel.is_set():
            raise ScenarioCancelled("scenario cancelled")

    def say(self, text: str) -> None:
        self.progress(text)


@dataclass(frozen=True)
class Verdict:
    """``ok``: the scenario showed what it teaches (a hazard: shown AND rescued)."""

    ok: bool
    text: str


@dataclass
class Measured:
    """What ``measure`` returns: run/1 records of worker runs, and the numbers."""

    runs: list[dict[str, Any]]
    measurements: dict[str, Any]


@dataclass
class ScenarioResult:
    id: str
    ok: bool
    verdict: str
    runs: list[dict[str, Any]]
    measurements: dict[str, Any]
    wall_s: float
    main_run: int | None = None  # index into ``runs``: the run the verdict is about

    def main_run_note(self) -> str:
        """Said beside the main run's record when the verdict timed its speedups against
        another baseline than that record did (gil-cpu: the faster of its two)."""
        if self.main_run is None:
            return ""
        judged = self.measurements.get("sequential_wall_s")
        record = self.runs[self.main_run]
        own = (record.get("baseline") or {}).get("wall_s")
        if own is None and record.get("speedup") and record.get("wall_s"):
            own = record["speedup"] * record["wall_s"]
        if not judged or not own or abs(judged - own) < 0.001:
            return ""
        return (
            f"The verdict compares with the faster of the scenario's one-after-another runs "
            f"({fmt_s(judged)}), this record with the first ({fmt_s(own)}): so their "
            "speedups differ."
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``scenario run --json`` object (keys are only ever added)."""
        return {
            "schema": SCHEMA,
            "id": self.id,
            "ok": self.ok,
            "verdict": self.verdict,
            "wall_s": round(self.wall_s, 3),
            "measurements": self.measurements,
            "runs": self.runs,
            "main_run": self.main_run,
        }


@dataclass(frozen=True)
class Bar:
    """One measured number drawn as a bar; bars of one scenario share a scale."""

    label: str
    value: float
    text: str  # the number as the verdict quotes it, e.g. "1.61 s"
    good: bool | None = None  # colour hint: the lesson's fix / its hazard / neutral


def last_measured_run(runs: list[dict[str, Any]]) -> int | None:
    """The last run that is not a one-after-another baseline: the run a verdict ends on.

    A baseline is only the yardstick (gil-cpu times it again after threads and
    processes): it is never what a window should keep on screen after the verdict.
    """
    for index in range(len(runs) - 1, -1, -1):
        if not is_baseline_mode(runs[index]["config"]["mode"]):
            return index
    return None


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    explanation: str
    script_name: str  # file in core/scenarios/scripts, runnable with plain Python
    measure: Callable[[Context], Measured]
    judge: Callable[[dict[str, Any]], Verdict]
    config: RunConfig | None = None  # what the window's panel shows for this lesson
    hazard: bool = False  # shows something going wrong on purpose (and rescued)
    bars: Callable[[dict[str, Any]], list[Bar]] | None = None  # big bars for the room
    # which of its runs the verdict is about (an index into the records; None: none)
    main_run: Callable[[list[dict[str, Any]]], int | None] = last_measured_run

    def bars_for(self, measurements: dict[str, Any]) -> list[Bar]:
        """The scenario's numbers as bars; [] when it has none or they are missing."""
        if self.bars is None:
            return []
        try:
            return self.bars(measurements)
        except (KeyError, TypeError, ValueError):
            return []

    def code(self) -> str:
        """The exact standalone script (stdlib only, no project import)."""
        return (resources.files(__package__) / "scripts" / self.script_name).read_text(
            encoding="utf-8"
        )

    def run(self, context: Context | None = None) -> ScenarioResult:
        """Measure on this machine, then judge what was measured."""
        context = context or Context()
        t0 = time.perf_counter()
        measured = self.measure(context)
        verdict = self.judge(measured.measurements)
        return ScenarioResult(
            self.id,
            verdict.ok,
            verdict.text,
            measured.runs,
            measured.measurements,
            time.perf_counter() - t0,
            self.main_run(measured.runs),
        )


def load_average() -> float | None:
    """1-minute load average (POSIX), quoted when a machine was too busy to show a speedup."""
    import os

    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"
