"""The flags every command that runs workers shares, defined once (run, sweep, compare).

A flag's name, default and meaning are public contracts: commands may word its help
for what it does there, never rename it. Values stay strings until ``workload_config``
turns them into a RunConfig through the core, so every mistake is one ConfigError
line in the core's words (an unknown mode is refused by ``core.config`` alone).
"""

from __future__ import annotations

import argparse
from typing import Any, overload

from ..core.child.workers import FAULTS, KINDS
from ..core.config import DEFAULT_MODE, DEFAULT_QUEUE_SIZE, MAX_WORKERS, ConfigError, RunConfig
from ..core.engines import mode_names
from ..core.environment import start_methods


def _default(value: Any, track_given: bool) -> Any:
    """A flag's default, or SUPPRESS for ``run``: a flag left out of the namespace was
    not typed (``given_flags``), so one equal to its default still overrides a file."""
    return argparse.SUPPRESS if track_given else value


def add_mode(
    parser: argparse.ArgumentParser, *, track_given: bool = False, help_text: str = ""
) -> None:
    parser.add_argument(
        "--mode",
        default=_default(DEFAULT_MODE, track_given),
        metavar="MODE",
        help=help_text or f"how workers run: {', '.join(mode_names())} (default: {DEFAULT_MODE})",
    )


def add_start_method(
    parser: argparse.ArgumentParser, *, track_given: bool = False, help_text: str = ""
) -> None:
    methods = start_methods()
    parser.add_argument(
        "--start-method",
        metavar="METHOD",
        default=_default(None, track_given),
        help=help_text
        or f"process start method: {', '.join(methods)} (default: {methods[0]})",
    )


def add_kind(parser: argparse.ArgumentParser, *, track_given: bool = False) -> None:
    parser.add_argument(
        "--kind",
        default=_default("cpu", track_given),
        metavar="KIND",
        help=f"work per step: {', '.join(KINDS)} (default: cpu)",
    )


def add_queue_size(parser: argparse.ArgumentParser, *, track_given: bool = False) -> None:
    parser.add_argument(
        "--queue-size",
        default=_default(str(DEFAULT_QUEUE_SIZE), track_given),
        metavar="N",
        help=f"result queue bound; 0 = unbounded (default: {DEFAULT_QUEUE_SIZE})",
    )


STEP_FLAGS = (  # flag, RunConfig field, help
    ("--step-iterations", "step_iterations", "cpu kind: decrements per step (default: 20000)"),
    ("--step-sleep", "step_sleep_s", "io kind: sleep per step, in seconds (default: 0.001)"),
    ("--step-bytes", "step_bytes", "nogil kind: bytes hashed per step (default: 1048576)"),
)  # fmt: skip


def add_step_arguments(parser: argparse.ArgumentParser, *, track_given: bool = False) -> None:
    """The size of one countdown step, per kind: every command that runs workers."""
    for flag, field, help_text in STEP_FLAGS:
        metavar = "SECONDS" if field == "step_sleep_s" else "N"
        parser.add_argument(
            flag, default=_default(None, track_given), metavar=metavar, help=help_text
        )


def add_workload_arguments(
    parser: argparse.ArgumentParser,
    *,
    track_given: bool = False,
    count_default: str | None = None,
    count_help: str = "countdown steps for every worker (default: 2000)",
) -> None:
    """What every worker does and how many there are: the workload ``run`` and
    ``compare`` share (``workload_config`` reads them)."""
    parser.add_argument(
        "--workers",
        default=_default("2", track_given),
        metavar="N",
        help=f"number of workers, 1 to {MAX_WORKERS} (default: 2)",
    )
    parser.add_argument(
        "--count", default=_default(count_default, track_given), metavar="N", help=count_help
    )
    parser.add_argument(
        "--counts",
        default=_default(None, track_given),
        metavar="A,B,...",
        help="countdown steps per worker, one per worker, e.g. 10,20",
    )
    add_kind(parser, track_given=track_given)
    add_queue_size(parser, track_given=track_given)
    add_step_arguments(parser, track_given=track_given)


def add_python(
    parser: argparse.ArgumentParser, *, track_given: bool = False, help_text: str = ""
) -> None:
    parser.add_argument(
        "--python",
        default=_default(None, track_given),
        metavar="PATH",
        help=help_text
        or "run the workers' host under this interpreter (thread, sequential, pool-thread, "
        "asyncio), e.g. a free-threaded python3.13t; the record's worker_environment says "
        "which Python ran them and whether its GIL was on",
    )


def add_scheduler(
    parser: argparse.ArgumentParser, *, track_given: bool = False, help_text: str = ""
) -> None:
    parser.add_argument(
        "--scheduler",
        default=_default(None, track_given),
        metavar="tcp://HOST:PORT",
        help=help_text
        or "dask: run on this existing cluster (default: a LocalCluster started and "
        "closed by the run)",
    )


def add_timeout(parser: argparse.ArgumentParser, *, track_given: bool = False) -> None:
    parser.add_argument(
        "--timeout",
        default=_default(None, track_given),
        metavar="SECONDS",
        help="stop the run after this many seconds; unfinished workers make it fail "
        "(ok: false, exit 1)",
    )


def add_run_arguments(parser: argparse.ArgumentParser, *, track_given: bool = False) -> None:
    """Every flag of one run: the workload, the mode and its options, faults, watchdog.
    With ``track_given``, flags left untyped stay out of the namespace (``given_flags``)."""
    add_mode(parser, track_given=track_given)
    add_start_method(parser, track_given=track_given)
    add_workload_arguments(parser, track_given=track_given)
    parser.add_argument(
        "--pool-size",
        default=_default(None, track_given),
        metavar="N",
        help="pool modes: threads or processes in the pool (default: one per worker); "
        "fewer than workers makes tasks wait for a slot and reuse warm workers",
    )
    add_python(parser, track_given=track_given)
    parser.add_argument(
        "--switch-interval",
        default=_default(None, track_given),
        metavar="SECONDS",
        help="thread, pool-thread, asyncio, sequential: sys.setswitchinterval in the workers' "
        "host (Python's default: 0.005); longer makes CPU-bound threads hand the GIL over "
        "less often (the record's gil.handoffs)",
    )
    add_scheduler(parser, track_given=track_given)
    parser.add_argument(
        "--no-yield",
        action="append",
        default=_default([], track_given),
        metavar="ID",
        help="asyncio: worker ID is a coroutine that never awaits; watch it freeze the others",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=_default([], track_given),
        metavar="ID:FAULT",
        help=f"make worker ID fail halfway ({', '.join(FAULTS)}); for demos",
    )
    parser.add_argument(
        "--stall-after",
        default=_default(None, track_given),
        metavar="SECONDS",
        help="watchdog: a worker silent this long is stalled: it is ended (SIGTERM, then "
        "SIGKILL) and counts as failed",
    )
    add_timeout(parser, track_given=track_given)


def run_flag_defaults() -> dict[str, Any]:
    """Every run flag's destination and default, as a parser without tracking sets them."""
    probe = argparse.ArgumentParser(add_help=False)
    add_run_arguments(probe)
    return vars(probe.parse_args([]))


def given_flags(args: argparse.Namespace) -> set[str]:
    """The run flags typed on the command line (parsed with ``track_given``); fills in
    the defaults of the others."""
    given = set()
    for dest, default in run_flag_defaults().items():
        if hasattr(args, dest):
            given.add(dest)
        else:
            setattr(args, dest, list(default) if isinstance(default, list) else default)
    return given


# -- values --------------------------------------------------------------------------


@overload
def parse_int(name: str, text: str) -> int: ...
@overload
def parse_int(name: str, text: str | None) -> int | None: ...
def parse_int(name: str, text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {text!r:.40}") from None


def parse_float(name: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {text!r:.40}") from None
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise ConfigError(f"{name} must be a non-negative number, got {text!r:.40}")
    return value


def step_options(args: argparse.Namespace) -> dict[str, Any]:
    """The step flags given, as RunConfig fields (validated by the core)."""
    options: dict[str, Any] = {}
    for flag, field, _help in STEP_FLAGS:
        parse = parse_float if field == "step_sleep_s" else parse_int
        value = parse(flag, vars(args)[flag[2:].replace("-", "_")])
        if value is not None:
            options[field] = value
    return options


def workload_config(args: argparse.Namespace, **fields: Any) -> RunConfig:
    """The workload flags (``add_workload_arguments``) plus ``fields`` (the mode and
    what else the command sets) as a RunConfig; every mistake is one ConfigError line."""
    if args.count is not None and args.counts is not None:
        raise ConfigError("--count and --counts exclude each other; give one")
    workers = parse_int("--workers", args.workers)
    counts = None
    if args.counts is not None:
        counts = [parse_int("--counts", item) for item in args.counts.split(",")]
        if len(counts) != workers:
            raise ConfigError(f"--counts has {len(counts)} values but --workers is {workers}")
    return RunConfig.build(
        workers=workers,
        count=parse_int("--count", args.count),
        counts=counts,
        kind=args.kind,
        queue_size=parse_int("--queue-size", args.queue_size),
        **step_options(args),
        **fields,
    )
