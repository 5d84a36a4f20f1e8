"""Facts about the interpreter and machine that every run record carries."""

from __future__ import annotations

import functools
import multiprocessing
import os
import platform
import sys
from typing import TYPE_CHECKING, Any, TypeAlias, cast

if TYPE_CHECKING:
    from multiprocessing.context import (
        DefaultContext,
        ForkContext,
        ForkServerContext,
        SpawnContext,
    )

    StartContext: TypeAlias = DefaultContext | ForkContext | ForkServerContext | SpawnContext


def gil_enabled() -> bool:
    """False only on a free-threaded build running with the GIL off (3.13t+)."""
    check = getattr(sys, "_is_gil_enabled", None)
    return bool(check()) if check is not None else True


def start_methods() -> list[str]:
    """The start methods this platform offers; the first is its default."""
    return list(multiprocessing.get_all_start_methods())


def default_start_method() -> str:
    return start_methods()[0]


def start_context(method: str | None) -> StartContext:
    """``multiprocessing.get_context(method)`` for a start method's name (None: the
    default). Typeshed types it ``BaseContext`` for any ``str``, which has no
    ``Process``; every start method's context has one."""
    return cast("StartContext", multiprocessing.get_context(method))


@functools.cache
def environment() -> dict[str, Any]:
    """The ``environment`` object of the run/1 record and of ``info --json``."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count() or 1,
        "gil_enabled": gil_enabled(),
        "start_methods": start_methods(),
        "default_start_method": default_start_method(),
        "executable": sys.executable,
        "frozen": bool(getattr(sys, "frozen", False)),
    }
