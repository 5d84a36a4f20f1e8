"""The File menu's name for experiment files; the loader itself is ``core.experiment``.

Kept so the window's imports stay as they are: ``core.experiment`` is the one
defensive loader (regular files only, size checked before reading, strict JSON,
JSON schemas), shared by the window and ``run --config``.
"""

from __future__ import annotations

from .experiment import (
    EXPERIMENT_SCHEMA as SCHEMA,
)
from .experiment import (
    RUN_SCHEMA,
    ExperimentError,
    experiment_dict,
    load_experiment,
    save_experiment,
)

__all__ = [
    "RUN_SCHEMA",
    "SCHEMA",
    "ExperimentError",
    "experiment_dict",
    "load_experiment",
    "save_experiment",
]
