"""The registry of engines, keyed by mode name (the CLI's ``--mode``)."""

from __future__ import annotations

from .asyncio_engine import AsyncioEngine
from .base import Engine, UnitStatus
from .dask_engine import DaskEngine
from .interpreter import InterpreterEngine
from .mp import ProcessEngine, SequentialEngine, ThreadEngine
from .pools import PoolProcessEngine, PoolThreadEngine

__all__ = [
    "Engine",
    "UnitStatus",
    "availability",
    "get_engine_class",
    "mode_names",
    "register",
]

_ENGINES: dict[str, type[Engine]] = {}


def register(engine: type[Engine]) -> type[Engine]:
    """Add an engine; usable as a class decorator by engines defined elsewhere."""
    _ENGINES[engine.mode] = engine
    return engine


for _engine in (
    SequentialEngine,
    ThreadEngine,
    ProcessEngine,
    PoolThreadEngine,
    PoolProcessEngine,
    AsyncioEngine,
    InterpreterEngine,
    DaskEngine,
):
    register(_engine)


def mode_names() -> list[str]:
    return list(_ENGINES)


def get_engine_class(mode: str) -> type[Engine]:
    try:
        return _ENGINES[mode]
    except KeyError:
        raise ValueError(f"unknown mode {mode!r}") from None


def availability() -> dict[str, tuple[bool, str]]:
    """Every registered mode with (available, reason if not)."""
    return {mode: engine.availability() for mode, engine in _ENGINES.items()}
