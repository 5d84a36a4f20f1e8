"""The registry of engines, keyed by mode name (the CLI's ``--mode``)."""

from __future__ import annotations

import importlib
import sys

from .base import Engine, UnitStatus

__all__ = [
    "Engine",
    "UnitStatus",
    "availability",
    "engine_for",
    "get_engine_class",
    "is_baseline_mode",
    "mode_names",
    "register",
    "shutdown_all",
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


def engine_for(mode: str) -> type[Engine] | None:
    """The engine of ``mode`` as a record names it; None for a mode not registered here
    (a record from a newer version, or an engine that is not installed)."""
    return get_engine_class(mode) if mode in _ENGINES else None


def is_baseline_mode(mode: str) -> bool:
    """True for the mode every speedup is measured against (one after another)."""
    engine = engine_for(mode)
    return engine is not None and engine.is_baseline


def loaded_engine_classes() -> list[type[Engine]]:
    """The engines whose module is imported: only those can hold anything."""
    loaded = []
    for mode, entry in list(_ENGINES.items()):
        if isinstance(entry, str):
            module = f"{__name__}.{entry.partition(':')[0]}"
            if module not in sys.modules:
                continue  # never imported: nothing to end, and no reason to import it now
            entry = get_engine_class(mode)
        loaded.append(entry)
    return loaded


def shutdown_all(timeout: float = 30.0) -> list[str]:
    """End what every engine keeps between runs (warm pools, closing Dask clusters);
    returns the modes still closing after ``timeout`` seconds (empty: all ended)."""
    return [engine.mode for engine in loaded_engine_classes() if not engine.shutdown(timeout)]


def availability() -> dict[str, tuple[bool, str]]:
    """Every registered mode with (available, reason if not)."""
    return {mode: get_engine_class(mode).availability() for mode in _ENGINES}
