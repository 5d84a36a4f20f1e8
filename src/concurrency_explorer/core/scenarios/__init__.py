"""Scenarios: every lesson of the page, runnable in one click, judged by measured numbers.

``SCENARIOS`` is in teaching order (the browser's slides). The CLI's ``scenario``
command and the window's scenario browser both use ``get_scenario``.
"""

from __future__ import annotations

from .base import Bar, Context, Measured, Scenario, ScenarioCancelled, ScenarioResult, Verdict
from .convoy import GIL_CONVOY
from .gil import GIL_CPU, GIL_RELEASE, IO_THREADS
from .hazards import FORK_HELD_LOCK, JOIN_BEFORE_DRAIN
from .iftry_vs_try import IFTRY_VS_TRY
from .page import PAGE_PROCESSES, PAGE_THREADS
from .start_methods import START_METHODS
from .unbounded_queue import UNBOUNDED_QUEUE

__all__ = [
    "SCENARIOS",
    "Bar",
    "Context",
    "Measured",
    "Scenario",
    "ScenarioCancelled",
    "ScenarioResult",
    "UnknownScenario",
    "Verdict",
    "get_scenario",
    "scenario_ids",
]

SCENARIOS: tuple[Scenario, ...] = (
    PAGE_THREADS,
    PAGE_PROCESSES,
    GIL_CPU,
    IO_THREADS,
    GIL_RELEASE,
    GIL_CONVOY,
    START_METHODS,
    FORK_HELD_LOCK,
    UNBOUNDED_QUEUE,
    JOIN_BEFORE_DRAIN,
    IFTRY_VS_TRY,
)


class UnknownScenario(KeyError):
    """An id that names no scenario; ``str()`` is one plain line."""

    def __str__(self) -> str:
        return f"unknown scenario {self.args[0]!r}; expected one of {', '.join(scenario_ids())}"


def scenario_ids() -> list[str]:
    return [s.id for s in SCENARIOS]


def get_scenario(scenario_id: str) -> Scenario:
    for scenario in SCENARIOS:
        if scenario.id == scenario_id:
            return scenario
    raise UnknownScenario(scenario_id)
