"""The Qt-free core: workers, protocol, runner, if-then-try helpers, metrics, exports.

Nothing under ``core`` may import Qt (tests/test_core_is_qt_free.py enforces it):
the CLI and spawned workers use it without paying for a GUI toolkit.
Heavier pieces are loaded lazily so that a worker child imports only what it runs.
"""

from __future__ import annotations

from .child.iftry import drain, queue_iftry_get, queue_iftry_put

__all__ = [
    "MAX_WORKERS",
    "ConfigError",
    "Run",
    "RunConfig",
    "drain",
    "environment",
    "queue_iftry_get",
    "queue_iftry_put",
    "run_to_completion",
]

_LAZY = {
    "RunConfig": ("config", "RunConfig"),
    "ConfigError": ("config", "ConfigError"),
    "MAX_WORKERS": ("config", "MAX_WORKERS"),
    "Run": ("runner", "Run"),
    "run_to_completion": ("runner", "run_to_completion"),
    "environment": ("environment", "environment"),
}


TYPE_CHECKING = False  # the constant, without importing typing (children stay lean)
if TYPE_CHECKING:
    from typing import Any


def __getattr__(name: str) -> Any:
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    import importlib

    module = importlib.import_module(f".{module_name}", __name__)
    return getattr(module, attr)
