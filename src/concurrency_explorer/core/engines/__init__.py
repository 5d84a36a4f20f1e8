"""The registry of engines, keyed by mode name (the CLI's ``--mode``)."""

from __future__ import annotations

import importlib

from .base import Engine, UnitStatus

__all__ = [
    "Engine",
    "UnitStatus",
    "availability",
    "get_engine_class",
    "mode_names",
    "register",
]

# mode -> the class, or "module:Class" until first asked for: a command that runs
# processes does not pay for importing asyncio, concurrent.futures or Dask's hooks
_ENGINES: dict[str, type[Engine] | str] = {
    "sequential": "mp:SequentialEngine",
    "thread": "mp:ThreadEngine",
    "process": "mp:ProcessEngine",
    "pool-thread": "pools:PoolThreadEngine",
    "pool-process": "pools:PoolProcessEngine",
    "asyncio": "asyncio_engine:AsyncioEngine",
    "interpreter": "interpreter:InterpreterEngine",
    "dask": "dask_engine:DaskEngine",
}


def register(engine: type[Engine]) -> type[Engine]:
    """Add an engine; usable as a class decorator by engines defined elsewhere."""
    _ENGINES[engine.mode] = engine
    return engine


def mode_names() -> list[str]:
    return list(_ENGINES)


def get_engine_class(mode: str) -> type[Engine]:
    try:
        entry = _ENGINES[mode]
    except KeyError:
        raise ValueError(f"unknown mode {mode!r}") from None
    if isinstance(entry, str):
        module, _, name = entry.partition(":")
        entry = _ENGINES[mode] = getattr(importlib.import_module(f".{module}", __name__), name)
    return entry


def availability() -> dict[str, tuple[bool, str]]:
    """Every registered mode with (available, reason if not)."""
    return {mode: get_engine_class(mode).availability() for mode in _ENGINES}
