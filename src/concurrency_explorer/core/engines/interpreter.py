"""``--mode interpreter``: each worker in a subinterpreter with its own GIL (3.14+)."""

from __future__ import annotations

import importlib.util
import platform
import sys

from ..config import RunConfig
from .mp import HostEngine

MIN_VERSION = (3, 14)


class InterpreterEngine(HostEngine):
    """Subinterpreters in one host process (``core/child/interp_host.py``)."""

    mode = "interpreter"
    label = "subinterpreters"
    host_entry = "interp_host:host_interpreters"
    description = (
        "One interpreter per worker inside one process, each with its own GIL "
        "(Python 3.14+): CPU-bound work runs in parallel without a process per worker."
    )
    unit = "subinterpreter task"
    where = "in subinterpreters"
    ran_as = "in subinterpreters"

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        if sys.version_info < MIN_VERSION:
            return False, (
                "needs Python 3.14+ (concurrent.interpreters); "
                f"this is Python {platform.python_version()}"
            )
        if importlib.util.find_spec("concurrent.interpreters") is None:
            return False, "this Python has no concurrent.interpreters module"
        return True, ""

    # --python would need availability judged for that Python; a switch interval set
    # in the host would reach only its main interpreter's GIL, not the workers' own
    options = frozenset()
    gil_stamps = True  # each worker logs its own interpreter's GIL...
    gil_shared = False  # ...one GIL per worker: two at once is parallelism, not an error

    @classmethod
    def host_engine(cls, config: RunConfig) -> InterpreterEngine:
        engine = cls(config.effective_start_method, config.queue_size)
        engine.host_options["queue_size"] = config.queue_size
        return engine
