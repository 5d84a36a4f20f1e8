"""How the window names a run's workers in sentences ("Running 4 threads…").

The engines' labels ("thread pool", "Dask cluster") are names of a mode, not noun
phrases for a count of workers: "Running 2 Dask cluster…" read as a typo.
"""

from __future__ import annotations

from ..core.config import RunConfig
from ..core.engines import get_engine_class


def _words(config: RunConfig, fallback: str) -> tuple[str, str, str]:
    """(noun, where, ran as) from the mode's engine (``Engine.noun``, ``where``, ``ran_as``)."""
    engine = get_engine_class(config.mode)
    return engine.noun, engine.where, engine.ran_as or f"as {fallback}"


def workers_phrase(config: RunConfig, fallback: str = "") -> str:
    """'4 threads', '2 workers on a Dask cluster', '1 worker in a thread pool'."""
    n = config.workers
    noun, where, _ran = _words(config, fallback or config.mode)
    if n == 1:
        noun = noun.removesuffix("es") if noun == "processes" else noun.removesuffix("s")
    text = f"{n} {noun}" + (f" {where}" if where else "")
    if config.python:
        text += " under another Python"
    return text


def ran_phrase(config: RunConfig) -> str:
    """'4 workers ran as threads', '2 workers ran as processes (spawn)'."""
    n = config.workers
    _noun, _where, ran = _words(config, config.mode)
    method = config.effective_start_method
    if method and get_engine_class(config.mode).uses_start_method:
        ran += f" ({method})"
    return f"{n} worker{'s' if n != 1 else ''} ran {ran}"
