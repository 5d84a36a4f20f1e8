"""Experiment files: a run configuration saved as JSON, and loaded back defensively.

A file is hostile until proven otherwise. ``read_json_file`` refuses what is not a
regular file (a directory, a FIFO that would block, ``/dev/zero`` that never ends)
and anything larger than ``MAX_FILE_BYTES`` *before* reading it; it decodes strict
UTF-8, refuses ``NaN``/``Infinity`` and duplicate keys, and survives deep nesting.
The result is checked against a JSON schema (``schemas/*.json``, package data) and
then by ``RunConfig`` itself. Every failure is one ``ExperimentError`` with one
plain line; nothing else escapes. Files are never unpickled or evaluated.

Saving goes through ``core.atomic`` (as every write does): atomic, and a FIFO, a
device, a link or an overwritten file's permissions at the target survive it.

Format (``concurrency-explorer/experiment/1``)::

    {"schema": "concurrency-explorer/experiment/1",
     "config": {"mode": "process", "start_method": "spawn", "counts": [10, 20], ...},
     "title": "optional", "notes": "optional", "stall_after_s": null}

A run record (``concurrency-explorer/run/1``) loads as an experiment too: its
``config`` repeats the run.
"""

from __future__ import annotations

import functools
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import ConfigError, RunConfig

EXPERIMENT_SCHEMA = "concurrency-explorer/experiment/1"
RUN_SCHEMA = "concurrency-explorer/run/1"
MAX_FILE_BYTES = 4 << 20  # an experiment is a few hundred bytes; a 64-worker record ~60 KB
MAX_DEPTH = 32  # deepest nesting a valid file needs is 5
MESSAGE_LIMIT = 200  # characters of a quoted value in an error line
MAX_STALL_AFTER_S = 86400.0  # a day: the schema's "stall_after_s" maximum, and the flag's
SCHEMA_DIR = Path(__file__).with_name("schemas")


class ExperimentError(ConfigError):
    """A file that cannot be used; the message is one plain line naming the file.

    A ``ConfigError``: whoever reports a bad configuration (the CLI with exit code
    2, the window beside the field) reports a bad file the same way.
    """


@dataclass(frozen=True)
class Experiment:
    """What an experiment file holds: the run, and optional words and watchdog."""

    config: RunConfig
    title: str = ""
    notes: str = ""
    stall_after_s: float | None = None
    source_schema: str = EXPERIMENT_SCHEMA  # the run/1 schema when loaded from a record


def _one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"


def _fail(path: str | os.PathLike[str], reason: str) -> ExperimentError:
    name = " ".join(os.fspath(path).split())  # a path may hold a newline, too
    return ExperimentError(f"{name}: {_one_line(reason)}")


# -- reading -------------------------------------------------------------------


def _open_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file no larger than ``limit``; refuse anything else unread."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _fail(path, f"cannot open: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(path, "is a folder, not an experiment file")
    if not stat.S_ISREG(info.st_mode):
        raise _fail(path, "is not a regular file (a device, pipe or socket); refused")
    if info.st_size > limit:
        raise _fail(path, f"is {info.st_size:,} bytes; experiment files are at most {limit:,}")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, open must not hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _fail(path, f"cannot open: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _fail(path, "is not a regular file (a device, pipe or socket); refused")
        try:
            data = handle.read(limit + 1)  # never more, whatever the file claims
        except OSError as exc:
            raise _fail(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise _fail(path, f"is larger than {limit:,} bytes; refused")
    return data


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def parse_json_bytes(data: bytes, path: str | os.PathLike[str] = "<data>") -> Any:
    """Strict JSON from bytes: UTF-8, no NaN/Infinity, no duplicate keys, bounded depth."""
    if not data.strip():
        raise _fail(path, "is empty; expected a JSON object")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(path, f"is not UTF-8 text (byte {exc.start:,} cannot be decoded)") from None
    try:
        value = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise _fail(
            path, f"is not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise _fail(path, "is nested too deeply to be an experiment file") from None
    except ValueError as exc:  # our hooks, and integers longer than Python's digit limit
        reason = str(exc)
        if "digits" in reason:
            reason = "a number has more digits than any setting could use"
        raise _fail(path, f"is not acceptable JSON: {reason}") from None
    if _depth(value) > MAX_DEPTH:
        raise _fail(path, f"is nested deeper than {MAX_DEPTH} levels; refused")
    return value


def read_json_file(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> Any:
    """Read a JSON file defensively (see the module doc); ``ExperimentError`` if unusable."""
    return parse_json_bytes(_open_regular(path, limit), path)


# -- schemas -------------------------------------------------------------------


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """A packaged JSON schema by name: ``experiment`` or ``run``."""
    text = (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@functools.cache
def _validator(name: str) -> Any:
    import jsonschema  # only files pay for it (it takes ~100 ms to import)

    cls = jsonschema.validators.validator_for(schema(name))
    return cls(schema(name))


def schema_problem(value: Any, name: str) -> str | None:
    """None if ``value`` matches schema ``name``, else one line saying where and why."""
    import jsonschema

    error = jsonschema.exceptions.best_match(_validator(name).iter_errors(value))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "the top level"
    return _one_line(f"{where}: {error.message}")


def validate_record(record: Any, path: str | os.PathLike[str] = "<record>") -> dict[str, Any]:
    """Check a run/1 record against its schema; return it, or raise ExperimentError."""
    if not isinstance(record, dict) or record.get("schema") != RUN_SCHEMA:
        raise _fail(path, f"is not a run record (expected schema {RUN_SCHEMA!r})")
    problem = schema_problem(record, "run")
    if problem:
        raise _fail(path, f"is not a valid run record: {problem}")
    return record


def load_record(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A run/1 record from a file, checked against the run schema."""
    return validate_record(read_json_file(path), path)


# -- experiments ---------------------------------------------------------------


def experiment_from_data(data: Any, path: str | os.PathLike[str] = "<data>") -> Experiment:
    """An Experiment from parsed JSON (an experiment/1 file or a run/1 record)."""
    if not isinstance(data, dict):
        raise _fail(path, f"must hold a JSON object, not {_json_type(data)}")
    kind = data.get("schema")
    if kind == RUN_SCHEMA:  # only its config matters here; load_record checks the rest
        config_data = data.get("config")
        if isinstance(config_data, dict):
            config_data = {k: v for k, v in config_data.items() if k in _config_keys()}
        wrapped = {"schema": EXPERIMENT_SCHEMA, "config": config_data}
        problem = schema_problem(wrapped, "experiment")
        if problem or not isinstance(config_data, dict):  # the schema wants an object
            raise _fail(path, f"run record: {problem or 'its config is not an object'}")
        return Experiment(_config(config_data, path), source_schema=RUN_SCHEMA)
    if kind != EXPERIMENT_SCHEMA:
        raise _fail(
            path,
            'is not a Concurrency Explorer experiment (its "schema" must be '
            f"{EXPERIMENT_SCHEMA!r}, got {kind!r:.60})",
        )
    problem = schema_problem(data, "experiment")
    if problem:
        raise _fail(path, problem)
    return Experiment(
        _config(data["config"], path),
        title=data.get("title", ""),
        notes=data.get("notes", ""),
        stall_after_s=data.get("stall_after_s"),
    )


def load_experiment_file(path: str | os.PathLike[str]) -> Experiment:
    """Everything an experiment file holds; ``ExperimentError`` (one line) if unusable."""
    return experiment_from_data(read_json_file(path), path)


def load_experiment(path: str | os.PathLike[str]) -> RunConfig:
    """The run configuration an experiment file (or run record) describes."""
    return load_experiment_file(path).config


def _config(data: dict[str, Any], path: str | os.PathLike[str]) -> RunConfig:
    try:
        return RunConfig.from_dict(data)
    except ConfigError as exc:
        raise _fail(path, str(exc)) from None
    except (TypeError, ValueError, OverflowError) as exc:  # defence in depth
        raise _fail(path, f"invalid configuration: {exc}") from None


@functools.cache
def _config_keys() -> frozenset[str]:
    return frozenset(schema("experiment")["$defs"]["config"]["properties"])


def _json_type(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


# -- writing -------------------------------------------------------------------


def experiment_dict(
    config: RunConfig, *, title: str = "", notes: str = "", stall_after_s: float | None = None
) -> dict[str, Any]:
    """The JSON object an experiment file holds."""
    data: dict[str, Any] = {"schema": EXPERIMENT_SCHEMA}
    if title:
        data["title"] = title
    if notes:
        data["notes"] = notes
    if stall_after_s is not None:
        data["stall_after_s"] = stall_after_s
    data["config"] = config.to_dict()
    return data


def save_experiment(
    path: str | os.PathLike[str],
    config: RunConfig,
    *,
    title: str = "",
    notes: str = "",
    stall_after_s: float | None = None,
) -> Path:
    """Write an experiment file atomically; ``ExperimentError`` if it cannot be written."""
    from .exports import check_writable, write_atomic

    data = experiment_dict(config, title=title, notes=notes, stall_after_s=stall_after_s)
    problem = schema_problem(data, "experiment")
    if problem:  # our own output must load again
        raise _fail(path, f"refusing to save an invalid experiment: {problem}")
    reason = check_writable(path)
    if reason:  # the reason names the file too: say it once
        raise _fail(path, f"cannot save: {reason.removeprefix(f'{Path(path)}: ')}")
    try:
        return write_atomic(path, json.dumps(data, indent=2) + "\n")
    except OSError as exc:
        raise _fail(path, f"cannot save: {exc.strerror or exc}") from None
