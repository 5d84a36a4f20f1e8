"""How the window names a run's workers in sentences ("Running 4 threads…").

The engines' labels ("thread pool", "Dask cluster") are names of a mode, not noun
phrases for a count of workers: "Running 2 Dask cluster…" read as a typo.
"""

from __future__ import annotations

from ..core.config import RunConfig

# mode -> (plural noun, phrase after "workers", phrase after "ran")
MODE_WORDS = {
    "thread": ("threads", "", "as threads"),
    "process": ("processes", "", "as processes"),
    "sequential": ("workers", "one after another", "one after another"),
    "pool-thread": ("workers", "in a thread pool", "in a thread pool"),
    "pool-process": ("workers", "in a process pool", "in a process pool"),
    "asyncio": ("coroutines", "on one asyncio loop", "as asyncio coroutines"),
    "dask": ("workers", "on a Dask cluster", "on a Dask cluster"),
    "interpreter": ("workers", "in subinterpreters", "in subinterpreters"),
}


def _words(config: RunConfig, fallback: str) -> tuple[str, str, str]:
    return MODE_WORDS.get(config.mode, ("workers", f"({fallback})", f"as {fallback}"))


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
    if method and config.mode in ("process", "pool-process"):
        ran += f" ({method})"
    return f"{n} worker{'s' if n != 1 else ''} ran {ran}"
