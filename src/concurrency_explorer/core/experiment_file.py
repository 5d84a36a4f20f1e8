"""Experiment files: a run configuration saved as JSON, opened again later.

Minimal on purpose (the scenario browser's File menu needs it now): JSON only,
never pickle or eval; a size cap; written atomically; every problem is one plain
line (``ExperimentError``) and leaves whatever was open untouched. A run/1 record
(``concurrency-explorer run --json``) opens too: its ``config`` is the experiment.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .atomic import atomic_write_text
from .config import ConfigError, RunConfig

SCHEMA = "concurrency-explorer/experiment/1"
RUN_SCHEMA = "concurrency-explorer/run/1"
MAX_BYTES = 1 << 20  # an experiment is a few hundred bytes; refuse anything huge


class ExperimentError(ValueError):
    """A file that is not a usable experiment; the message is one plain line."""


def experiment_dict(config: RunConfig) -> dict[str, Any]:
    return {"schema": SCHEMA, "config": config.to_dict()}


def save_experiment(path: str | os.PathLike[str], config: RunConfig) -> Path:
    """Write ``config`` as an experiment file (atomic: old file or new, never half)."""
    text = json.dumps(experiment_dict(config), indent=2, sort_keys=True) + "\n"
    return atomic_write_text(path, text)


def parse_experiment(text: str, name: str = "the file") -> RunConfig:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExperimentError(
            f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if not isinstance(data, dict):
        raise ExperimentError(f"{name} must hold a JSON object, not {type(data).__name__}")
    schema = data.get("schema")
    if schema not in (SCHEMA, RUN_SCHEMA):
        raise ExperimentError(
            f"{name} is not a Concurrency Explorer experiment (schema {str(schema)[:60]!r})"
        )
    try:
        return RunConfig.from_dict(data.get("config"))
    except (ConfigError, TypeError) as exc:
        raise ExperimentError(f"{name}: {exc}") from None


def load_experiment(path: str | os.PathLike[str]) -> RunConfig:
    """Read an experiment (or a run record) and return its validated configuration."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ExperimentError(f"{p.name} is {size:,} bytes; an experiment is far smaller")
        raw = p.read_bytes()
    except OSError as exc:
        raise ExperimentError(f"cannot read {p.name}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ExperimentError(f"{p.name} is not UTF-8 text") from None
    return parse_experiment(text, p.name)
