"""Facts about the interpreter and machine that every run record carries."""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
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


_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy"}  # as ``platform`` names them


def platform_text() -> str:
    """``platform.platform()``'s text ("Linux-6.1.0-x86_64-with-glibc2.36").

    On Linux from ``os.uname()`` and the C library's own answer: ``platform`` took
    15 ms to import and 16 ms for its first ``platform()`` (it reads the Python
    binary to find the libc version, and starts ``uname -p``), in every CLI run.
    """
    libc = None
    if sys.platform.startswith("linux"):
        # unknown outside glibc (musl): ValueError; on macOS the name does not exist
        with contextlib.suppress(ValueError, OSError, AttributeError):
            libc = os.confstr("CS_GNU_LIBC_VERSION")
    if libc:
        name = os.uname()
        return f"{name.sysname}-{name.release}-{name.machine}-with-{libc.replace(' ', '')}"
    import platform

    return platform.platform()


def implementation() -> str:
    """``platform.python_implementation()``: "CPython", "PyPy", ..."""
    name = _IMPLEMENTATIONS.get(sys.implementation.name)
    if name is not None:
        return name
    import platform

    return platform.python_implementation()


@functools.cache
def environment() -> dict[str, Any]:
    """The ``environment`` object of the run/1 record and of ``info --json``."""
    return {
        "python": sys.version.split()[0],
        "implementation": implementation(),
        "platform": platform_text(),
        "cpu_count": os.cpu_count() or 1,
        "gil_enabled": gil_enabled(),
        "start_methods": start_methods(),
        "default_start_method": default_start_method(),
        "executable": sys.executable,
        "frozen": bool(getattr(sys, "frozen", False)),
    }
