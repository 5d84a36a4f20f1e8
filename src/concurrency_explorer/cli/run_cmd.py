"""``concurrency-explorer run``: one run of countdown workers, headless."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO, overload

from ..core import summary
from ..core.child.workers import FAULTS, KINDS
from ..core.config import (
    DEFAULT_QUEUE_SIZE,
    MAX_WORKERS,
    ConfigError,
    RunConfig,
    takes_start_method,
)
from ..core.engines import mode_names
from ..core.environment import start_methods
from ..core.runner import Run, run_to_completion


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run countdown workers and report what ran in parallel",
        description="Run N countdown workers in one mode and print the run record.",
    )
    add_run_arguments(parser)
    remember_given_flags(parser)
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=None,
        help="start from an experiment file (or a run record's config); flags given "
        "on the command line override the file's values",
    )
    parser.add_argument(
        "--save-config",
        metavar="FILE",
        default=None,
        help="save the run's configuration (file plus flags) as an experiment file "
        "before running; written atomically",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print exactly one JSON object (the run/1 record) on stdout",
    )
    add_measure_arguments(parser)
    add_export_arguments(parser)
    parser.set_defaults(handler=handle)


def add_measure_arguments(parser: argparse.ArgumentParser) -> None:
    """A measured speedup: the baseline timed in the same invocation (core/measured.py)."""
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="time the same workload one after another right before the run, so the "
        "speedup is measured (speedup_basis: measured), not estimated from CPU time",
    )
    parser.add_argument(
        "--repeat",
        default=None,
        metavar="N",
        help="with a baseline: N interleaved pairs (baseline, run, baseline, run...); the "
        "speedup is their median and speedup_range their spread (implies --baseline; default 1)",
    )


def writable_path(text: str) -> str:
    """argparse type: refuse an unwritable export path before the run, not after."""
    from ..core.exports import check_writable

    if not text.strip():
        raise argparse.ArgumentTypeError("needs a file name, got an empty one")
    problem = check_writable(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """File exports of a finished run (written atomically)."""
    parser.add_argument(
        "--csv",
        default=None,
        metavar="PATH",
        type=writable_path,
        help="also write per-worker metrics as CSV (id, count, wall_s, cpu_s, start_latency_s...)",
    )
    parser.add_argument(
        "--trace",
        default=None,
        metavar="PATH",
        type=writable_path,
        help="also write a Chrome trace (open in ui.perfetto.dev or chrome://tracing)",
    )
    parser.add_argument(
        "--record",
        default=None,
        metavar="PATH",
        type=writable_path,
        help="also write the run/1 record as a JSON file",
    )


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The workload flags, shared by every subcommand that runs workers."""
    parser.add_argument(
        "--mode",
        default="process",
        metavar="MODE",
        help=f"how workers run: {', '.join(mode_names())} (default: process)",
    )
    parser.add_argument(
        "--start-method",
        metavar="METHOD",
        default=None,
        help=f"process start method: {', '.join(start_methods())} (default: {start_methods()[0]})",
    )
    parser.add_argument(
        "--workers",
        default="2",
        metavar="N",
        help=f"number of workers, 1 to {MAX_WORKERS} (default: 2)",
    )
    parser.add_argument(
        "--count",
        default=None,
        metavar="N",
        help="countdown steps for every worker (default: 2000)",
    )
    parser.add_argument(
        "--counts",
        default=None,
        metavar="A,B,...",
        help="countdown steps per worker, one per worker, e.g. 10,20",
    )
    parser.add_argument(
        "--kind",
        default="cpu",
        metavar="KIND",
        help=f"work per step: {', '.join(KINDS)} (default: cpu)",
    )
    parser.add_argument(
        "--queue-size",
        default=str(DEFAULT_QUEUE_SIZE),
        metavar="N",
        help=f"result queue bound; 0 = unbounded (default: {DEFAULT_QUEUE_SIZE})",
    )
    add_step_arguments(parser)
    parser.add_argument(
        "--pool-size",
        default=None,
        metavar="N",
        help="pool modes: threads or processes in the pool (default: one per worker); "
        "fewer than workers makes tasks wait for a slot and reuse warm workers",
    )
    parser.add_argument(
        "--python",
        default=None,
        metavar="PATH",
        help="run the workers' host under this interpreter (thread, sequential, pool-thread, "
        "asyncio), e.g. a free-threaded python3.13t; the record's worker_environment says "
        "which Python ran them and whether its GIL was on",
    )
    parser.add_argument(
        "--switch-interval",
        default=None,
        metavar="SECONDS",
        help="thread, pool-thread, asyncio, sequential: sys.setswitchinterval in the workers' "
        "host (Python's default: 0.005); longer makes CPU-bound threads hand the GIL over "
        "less often (the record's gil.handoffs)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help="dask: run on this existing cluster (default: a LocalCluster started and "
        "closed by the run)",
    )
    parser.add_argument(
        "--no-yield",
        action="append",
        default=[],
        metavar="ID",
        help="asyncio: worker ID is a coroutine that never awaits; watch it freeze the others",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="ID:FAULT",
        help=f"make worker ID fail halfway ({', '.join(FAULTS)}); for demos",
    )
    parser.add_argument(
        "--stall-after",
        default=None,
        metavar="SECONDS",
        help="watchdog: a worker silent this long is stalled: it is ended (SIGTERM, then "
        "SIGKILL) and counts as failed",
    )
    parser.add_argument(
        "--timeout",
        default=None,
        metavar="SECONDS",
        help="stop the run after this many seconds; unfinished workers make it fail "
        "(ok: false, exit 1)",
    )


STEP_FLAGS = (  # flag, RunConfig field, help
    ("--step-iterations", "step_iterations", "cpu kind: decrements per step (default: 20000)"),
    ("--step-sleep", "step_sleep_s", "io kind: sleep per step, in seconds (default: 0.001)"),
    ("--step-bytes", "step_bytes", "nogil kind: bytes hashed per step (default: 1048576)"),
)  # fmt: skip


def add_step_arguments(parser: argparse.ArgumentParser) -> None:
    """The size of one countdown step, per kind: every subcommand that runs workers."""
    for flag, field, help_text in STEP_FLAGS:
        metavar = "SECONDS" if field == "step_sleep_s" else "N"
        parser.add_argument(flag, default=None, metavar=metavar, help=help_text)


def step_options(args: argparse.Namespace) -> dict[str, Any]:
    """The step flags given, as RunConfig fields (validated by the core)."""
    options: dict[str, Any] = {}
    for flag, field, _help in STEP_FLAGS:
        parse = parse_float if field == "step_sleep_s" else parse_int
        value = parse(flag, getattr(args, flag[2:].replace("-", "_")))
        if value is not None:
            options[field] = value
    return options


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


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """Turn run flags into a RunConfig; every mistake is a one-line ConfigError."""
    if args.count is not None and args.counts is not None:
        raise ConfigError("--count and --counts exclude each other; give one")
    workers = parse_int("--workers", args.workers)
    counts = None
    if args.counts is not None:
        counts = [parse_int("--counts", item) for item in args.counts.split(",")]
        if len(counts) != workers:
            raise ConfigError(f"--counts has {len(counts)} values but --workers is {workers}")
    faults: dict[int, str] = {}
    for item in args.fault:
        wid, _, fault = item.partition(":")
        worker = parse_int("--fault worker id", wid) or 0
        if worker in faults:
            raise ConfigError(
                f"--fault gives worker {worker} two faults ({worker}:{faults[worker]} and "
                f"{item}); give one fault per worker"
            )
        faults[worker] = fault
    extra = step_options(args)
    if args.mode not in mode_names():
        raise ConfigError(f"unknown mode {args.mode!r}; expected one of {', '.join(mode_names())}")
    return RunConfig.build(
        mode=args.mode,
        start_method=args.start_method,
        workers=workers,
        count=parse_int("--count", args.count),
        counts=counts,
        kind=args.kind,
        queue_size=parse_int("--queue-size", args.queue_size),
        faults=faults,
        pool_size=parse_int("--pool-size", args.pool_size),
        no_yield=tuple(parse_int("--no-yield", item) for item in args.no_yield),
        python=args.python,
        scheduler=args.scheduler,
        switch_interval_s=parse_float("--switch-interval", getattr(args, "switch_interval", None)),
        **extra,
    )


def _run_flag_defaults() -> dict[str, Any]:
    probe = argparse.ArgumentParser(add_help=False)
    add_run_arguments(probe)
    return {a.dest: a.default for a in probe._actions if a.option_strings}


def remember_given_flags(parser: argparse.ArgumentParser) -> None:
    """Leave flags the user did not type out of the namespace (``given_flags`` then
    tells them apart), so a flag equal to its default still overrides a file."""
    tracked = _run_flag_defaults()
    for action in parser._actions:
        if action.dest in tracked:
            action.default = argparse.SUPPRESS  # not set_defaults: that always sets it


def given_flags(args: argparse.Namespace) -> set[str]:
    """The run flags typed on the command line; fills in defaults for the others."""
    given = set()
    for dest, default in _run_flag_defaults().items():
        if hasattr(args, dest):
            given.add(dest)
        else:
            setattr(args, dest, list(default) if isinstance(default, list) else default)
    return given


def parse_stall_after(text: str | None) -> float | None:
    """``--stall-after``: above zero, and no longer than an experiment file allows."""
    from ..core.experiment import MAX_STALL_AFTER_S

    value = parse_float("--stall-after", text)
    if value is not None and not 0 < value <= MAX_STALL_AFTER_S:
        raise ConfigError(
            f"--stall-after must be above 0 and at most {MAX_STALL_AFTER_S:g} seconds "
            f"(a day), got {text!r:.40}"
        )
    return value


def file_name(flag: str, text: str | None) -> str | None:
    """A file flag's value: None when not given; an empty name is a mistake, not 'none'."""
    if text is not None and not text.strip():
        raise ConfigError(f"{flag} needs a file name, got an empty one")
    return text


def config_and_stall(args: argparse.Namespace) -> tuple[RunConfig, float | None]:
    """The run's config and watchdog: the flags alone, or ``--config FILE`` plus flags."""
    given = given_flags(args)
    stall = parse_stall_after(args.stall_after)
    if file_name("--config", getattr(args, "config", None)) is None:
        return config_from_args(args), stall
    from ..core.experiment import load_experiment_file

    experiment = load_experiment_file(args.config)
    if "stall_after" not in given:
        stall = experiment.stall_after_s
    return config_with_overrides(consented(experiment.config, args, given), args, given), stall


def consented(config: RunConfig, args: argparse.Namespace, given: set[str]) -> RunConfig:
    """A file's config, allowed to name a program or a peer only when the command line
    says the same (``core.consent``); a flag with another value replaces the file's."""
    from ..core import consent

    for ask in consent.asks(config):
        typed = getattr(args, ask.field) if ask.field in given else None
        if typed is None:
            raise ConfigError(ask.refusal(args.config))
    return config


def config_with_overrides(base: RunConfig, args: argparse.Namespace, given: set[str]) -> RunConfig:
    """``base`` (from a file) with every flag in ``given`` applied on top."""
    if not given & {"mode", "start_method", "workers", "count", "counts", "kind", "queue_size",
                    "step_iterations", "step_sleep", "step_bytes", "pool_size", "fault",
                    "no_yield", "python", "scheduler", "switch_interval"}:  # fmt: skip
        return base
    if "mode" not in given:  # flags are checked against the run's real mode...
        args.mode = base.mode
    if "workers" not in given:  # ...and worker count
        counts_given = "counts" in given and args.counts is not None
        args.workers = str(len(args.counts.split(","))) if counts_given else str(base.workers)
    flags = config_from_args(args)  # validates every flag given, with the usual messages
    data = base.to_dict()
    if "mode" in given:
        data["mode"] = flags.mode
        if "start_method" not in given and not takes_start_method(flags.mode):
            data["start_method"] = None
    if "start_method" in given:
        data["start_method"] = args.start_method
    if given & {"workers", "count", "counts"}:
        workers = flags.workers
        if "counts" in given or "count" in given:
            data["counts"] = list(flags.counts)
        elif len(set(base.counts)) == 1:
            data["counts"] = [base.counts[0]] * workers
        else:
            raise ConfigError(
                f"--workers {workers} does not fit the file's counts "
                f"{','.join(map(str, base.counts))}; give --count or --counts too"
            )
        data["workers"] = workers
    for dest, key in (
        ("kind", "kind"), ("queue_size", "queue_size"), ("step_iterations", "step_iterations"),
        ("step_sleep", "step_sleep_s"), ("step_bytes", "step_bytes"), ("pool_size", "pool_size"),
        ("switch_interval", "switch_interval_s"),
    ):  # fmt: skip
        if dest in given:
            data[key] = flags.to_dict()[key]
    if "fault" in given:
        data["faults"] = flags.to_dict()["faults"]
    if "no_yield" in given:
        data["no_yield"] = list(flags.no_yield)
    for dest in ("python", "scheduler"):  # typed: the person's own choice, no question
        if dest in given:
            data[dest] = getattr(args, dest)
    return RunConfig.from_dict(data)


class LiveProgress:
    """Per-worker bars redrawn in place on a terminal (ANSI cursor moves)."""

    def __init__(self, stream: TextIO, workers: int) -> None:
        self.stream = stream
        self.lines = 0
        self.workers = workers

    def __call__(self, run: Run) -> None:
        out = []
        for w in run.workers[:20]:
            frac = 1 - w.remaining / w.count if w.count else 1
            bar = "#" * int(frac * 30)
            out.append(f"  worker {w.worker_id:>2} [{bar:<30}] {w.remaining:>9} left  {w.state}")
        if self.workers > 20:
            out.append(f"  ... and {self.workers - 20} more")
        if self.lines:
            self.stream.write(f"\x1b[{self.lines}F")
        self.stream.write("\n".join(line + "\x1b[K" for line in out) + "\n")
        self.stream.flush()
        self.lines = len(out)


def handle(args: argparse.Namespace) -> int:
    file_name("--save-config", args.save_config)  # before any work: one line, exit 2
    config, stall = config_and_stall(args)
    if args.save_config is not None:
        from ..core.experiment import save_experiment

        save_experiment(args.save_config, config, stall_after_s=stall)
    timeout = parse_float("--timeout", args.timeout)
    live = None
    if not args.json and sys.stdout.isatty():
        live = LiveProgress(sys.stdout, config.workers)
    repeat = parse_int("--repeat", getattr(args, "repeat", None))
    if getattr(args, "baseline", False) or repeat is not None:
        run, record = run_measured(config, repeat or 1, args.json, stall, timeout)
    else:
        run = run_to_completion(config, on_poll=live, stall_after_s=stall, timeout_s=timeout)
        record = run.record()
    if args.json:
        print(json.dumps(record))
    else:
        print(summary.headline(record))
        print(summary.worker_table(record))
        text = summary.failures(record)
        if text:
            print(text)
        print(summary.honesty(record))
    export(record, run, args)
    return 0 if run.ok else 1  # failed, stalled and ended, or stopped by --timeout


def run_measured(
    config: RunConfig, repeat: int, quiet: bool, stall: float | None, timeout: float | None
) -> tuple[Run, dict[str, Any]]:
    """Baseline and run, ``repeat`` interleaved pairs; the last run and the combined record."""
    from ..core.measured import measure

    last: list[Run] = []

    def progress(run: Run, record: dict[str, Any]) -> None:
        last[:] = [run]
        if not quiet:
            what = "baseline (one after another)" if run.config.mode == "sequential" else "run"
            busy = " (machine busy)" if record["load"]["busy"] else ""
            print(f"  {what}: {record['wall_s']:.3f} s{busy}", file=sys.stderr, flush=True)

    sequence = measure(config, repeat, timeout_s=timeout, stall_after_s=stall, on_record=progress)
    record = sequence.result()
    if record is None or not last:
        raise ConfigError("nothing ran")
    return last[0], record


def export(record: dict[str, Any], run: Run, args: argparse.Namespace) -> None:
    """Write the files asked for with --csv / --trace / --record (atomically)."""
    from ..core import exports

    wanted = (
        (getattr(args, "csv", None), lambda: exports.workers_csv(record)),
        (
            getattr(args, "trace", None),
            lambda: exports.chrome_trace_json(record, exports.run_samples(run)),
        ),
        (getattr(args, "record", None), lambda: exports.record_json(record)),
    )
    for path, render in wanted:
        if path:
            try:
                exports.write_atomic(path, render())
            except OSError as exc:
                raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
