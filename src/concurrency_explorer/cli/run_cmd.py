"""``concurrency-explorer run``: one run of countdown workers, headless."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from ..core import summary
from ..core.config import ConfigError, RunConfig, takes_start_method
from ..core.engines import is_baseline_mode
from ..core.runner import Run, run_to_completion
from .args import add_run_arguments, given_flags, parse_float, parse_int, workload_config


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run countdown workers and report what ran in parallel",
        description="Run N countdown workers in one mode and print the run record.",
    )
    add_run_arguments(parser, track_given=True)  # a flag typed overrides --config's file
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


def config_from_args(args: argparse.Namespace) -> RunConfig:
    """Turn run flags into a RunConfig; every mistake is a one-line ConfigError."""
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
    return workload_config(
        args,
        mode=args.mode,
        start_method=args.start_method,
        faults=faults,
        pool_size=parse_int("--pool-size", args.pool_size),
        no_yield=tuple(parse_int("--no-yield", item) for item in args.no_yield),
        python=args.python,
        scheduler=args.scheduler,
        switch_interval_s=parse_float("--switch-interval", args.switch_interval),
    )


def parse_stall_after(text: str | None) -> float | None:
    """``--stall-after``: above zero, and no longer than an experiment file allows."""
    if text is None:
        return None  # the experiment module (pathlib, the schemas) is not imported
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
            baseline = is_baseline_mode(run.config.mode)
            what = "baseline (one after another)" if baseline else "run"
            busy = " (machine busy)" if record["load"]["busy"] else ""
            print(f"  {what}: {record['wall_s']:.3f} s{busy}", file=sys.stderr, flush=True)

    sequence = measure(config, repeat, timeout_s=timeout, stall_after_s=stall, on_record=progress)
    record = sequence.result()
    if record is None or not last:
        raise ConfigError("nothing ran")
    return last[0], record


def export(record: dict[str, Any], run: Run, args: argparse.Namespace) -> None:
    """Write the files asked for with --csv / --trace / --record (atomically)."""
    if not any(getattr(args, flag, None) for flag in ("csv", "trace", "record")):
        return  # nothing to write: the exports module (csv, pathlib) is not imported
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
