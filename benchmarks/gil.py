"""The GIL lane's numbers, checked: stamp overhead, and the intervals against the OS and py-spy.

Figures (each interleaved or repeated, medians; the machine is shared and busy):

- stamp overhead: one countdown thread with and without GIL stamps, in this process,
  alternating; the median per-pair ratio.
- overlap: 2 CPU-bound threads; time both claim the GIL at once, over the wall time.
- held vs CPU: each thread's held time against its CPU time (the worker's
  ``thread_time``), and against CPU time plus run-queue wait as the kernel's
  ``/proc/PID/task/TID/schedstat`` counts it, read from outside. A holder the OS
  took off its core still holds the GIL: on a busy machine held time exceeds CPU
  time by that wait, so the second comparison is the one that holds under load.
- handoffs: 2 CPU-bound threads at 10x the switch interval (5 ms and 50 ms), same
  work; how many times fewer handoffs.
- io share: the largest share of the wall time an io-bound thread held the GIL.
- py-spy agreement: ``py-spy dump`` (blocking: it stops the process to read it)
  samples a 2-thread run; the instant it stops the threads is seen from here
  (``/proc`` state ``t``), and the thread py-spy says owns the GIL is compared
  with the one our intervals name at that instant. Skipped, with the reason, where
  py-spy is missing or ptrace is not allowed.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .context import BenchContext
from .harness import Figure, interleave, median, paired_ratio

WORKERS = 2
SWITCH_BASES_S = (0.005, 0.02)
#: progress reports this far apart in the handoff figure: each report wakes the queue's
#: feeder thread, which takes the GIL and so hands it around whatever the interval
QUIET_REPORT_S = 0.5
SAMPLE_EVERY_S = 0.03  # between py-spy dumps


def _schedstat(pid: int, tid: int) -> tuple[float, float] | None:
    """(seconds on a CPU, seconds runnable but waiting for one) of one thread, or None."""
    try:
        text = Path(f"/proc/{pid}/task/{tid}/schedstat").read_text()
    except OSError:
        return None
    on_cpu, waiting, _slices = text.split()
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def _thread_state(pid: int, tid: int) -> str:
    try:
        text = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
    except OSError:
        return "?"
    return text[text.rfind(")") + 2]


class SchedWatch:
    """Reads every worker thread's schedstat while the run lasts (the last value wins)."""

    def __init__(self) -> None:
        self.last: dict[int, tuple[float, float]] = {}

    def __call__(self, run: Any) -> None:
        for w in run.workers:
            if w.pid and w.thread_id and not w.final:
                value = _schedstat(w.pid, w.thread_id)
                if value is not None:
                    self.last[w.worker_id] = value


def _thread_run(count: int, its: int, *, kind: str = "cpu", tick_s: float = 0.02, **extra: Any):
    from concurrency_explorer.core import RunConfig, run_to_completion

    config = RunConfig.build(
        mode="thread", workers=WORKERS, count=count, kind=kind, step_iterations=its, **extra
    )
    watch = SchedWatch()
    run = run_to_completion(config, on_poll=watch, tick_s=tick_s, timeout_s=300)
    record = run.record()
    if not run.ok:
        raise RuntimeError(f"benchmark run failed: {record['workers']}")
    return run, record, watch


def _stamp_overhead(ctx: BenchContext, count: int, reps: int) -> Figure:
    from concurrency_explorer.core.child.workers import WorkerSpec, run_worker

    class Sink:
        def put(self, message: Any) -> None:
            pass

        put_nowait = put

        def full(self) -> bool:
            return False

    class Never:
        def is_set(self) -> bool:
            return False

    def countdown(gil: bool) -> float:
        spec = WorkerSpec(0, count, "cpu", ctx.step_iterations, report_interval_s=0.02, gil=gil)
        box: list[float] = []

        def body() -> None:  # CPU time of the thread: far steadier than wall on a busy machine
            t0 = time.thread_time()
            run_worker(spec, Sink(), Never())
            box.append(time.thread_time() - t0)

        thread = threading.Thread(target=body)  # a thread, as in the thread host
        thread.start()
        thread.join()
        return box[0]

    countdown(True), countdown(False)  # warm: both paths specialised before timing
    data = interleave({"stamps": lambda: countdown(True), "plain": lambda: countdown(False)}, reps)
    return Figure(
        "gil",
        "stamp overhead, 1 cpu thread",
        paired_ratio(data["stamps"], data["plain"]),
        "x",
        "<= 1.03",
        f"thread CPU time of a countdown with GIL stamps vs without, {count} steps, {reps} "
        f"pairs; median {median(data['stamps']):.3f} s vs {median(data['plain']):.3f} s",
        data,
    )


def _cpu_figures(ctx: BenchContext, count: int, reps: int) -> list[Figure]:
    overlaps, vs_cpu, vs_sched, loads = [], [], [], []
    detail: dict[str, Any] = {"runs": []}
    for _ in range(reps):
        _run, record, watch = _thread_run(count, ctx.step_iterations)
        gil = record["gil"]
        wall = record["wall_s"]
        overlaps.append(gil["overlap_s"] / wall)
        loads.append(os.getloadavg()[0])
        for w, held in zip(record["workers"], gil["held_s"], strict=True):
            vs_cpu.append(held / w["cpu_s"])
            sched = watch.last.get(w["id"])
            if sched:
                vs_sched.append(held / (sched[0] + sched[1]))
        detail["runs"].append(
            {
                "wall_s": wall,
                "held_s": gil["held_s"],
                "cpu_s": [w["cpu_s"] for w in record["workers"]],
                "schedstat": [watch.last.get(w["id"]) for w in record["workers"]],
                "handoffs": gil["handoffs"],
                "overlap_s": gil["overlap_s"],
            }
        )
    load = f"load average {statistics.median(loads):.1f} on {ctx.cores} cores"
    return [
        Figure(
            "gil",
            "overlap of 2 cpu threads / wall",
            max(overlaps),
            "",
            "<= 0.02",
            f"worst of {reps} runs of {count} steps each; {load}",
            detail,
        ),
        Figure(
            "gil",
            "held / CPU time, lowest thread",
            min(vs_cpu),
            "",
            ">= 0.75",
            f"per thread: {', '.join(f'{r:.2f}' for r in vs_cpu)} ({load}). Held time is at "
            "least the CPU time; a holder the OS took off its core still holds the GIL, so "
            "under load it is more (bounded by the next line)",
        ),
        Figure(
            "gil",
            "held / (CPU + run-queue wait), highest thread",
            max(vs_sched) if vs_sched else None,
            "",
            "<= 1.25",
            f"per thread, kernel schedstat read from outside: "
            f"{', '.join(f'{r:.2f}' for r in vs_sched)} ({load}); on a quiet machine both "
            "bounds meet at the CPU time",
        ),
    ]


def _handoff_figure(ctx: BenchContext, count: int, reps: int, base_s: float) -> Figure:
    counts: dict[str, list[float]] = {"base": [], "tenfold": []}
    rates: dict[str, list[float]] = {"base": [], "tenfold": []}

    def side(name: str, interval: float) -> float:
        _run, record, _watch = _thread_run(
            count, ctx.step_iterations, switch_interval_s=interval, report_interval_s=QUIET_REPORT_S
        )
        handoffs = record["gil"]["handoffs"]
        counts[name].append(handoffs)
        rates[name].append(handoffs / record["wall_s"])
        return float(max(handoffs, 1))

    data = interleave(
        {
            "base": lambda: side("base", base_s),
            "tenfold": lambda: side("tenfold", 10 * base_s),
        },
        reps,
    )
    ratio = paired_ratio(data["base"], data["tenfold"])
    rate_ratio = paired_ratio(rates["base"], [max(r, 1e-9) for r in rates["tenfold"]])
    return Figure(
        "gil",
        f"fewer handoffs per second at 10x a {base_s * 1e3:g} ms switch interval",
        rate_ratio,
        "x",
        ">= 4",
        f"{base_s * 1e3:g} ms vs {base_s * 1e4:g} ms, same work, progress every "
        f"{QUIET_REPORT_S:g} s, {reps} pairs; "
        f"handoffs {counts['base']} vs {counts['tenfold']} ({ratio:.1f}x fewer in all: a busy "
        "machine stretches every turn by the time a woken thread waits for a core, which "
        "weighs more on short turns; the switch interval is a wall-clock timer, hence per "
        "second)",
        {"counts": counts, "rates": rates},
    )


def _io_figure(count: int) -> Figure:
    _run, record, _watch = _thread_run(count, 20_000, kind="io", step_sleep_s=0.001)
    shares = [
        h / w["wall_s"] for h, w in zip(record["gil"]["held_s"], record["workers"], strict=True)
    ]
    return Figure(
        "gil",
        "io thread's share of time holding the GIL",
        max(shares),
        "",
        "<= 0.5",
        f"2 io threads (1 ms sleep per step), {count} steps each: "
        f"{', '.join(f'{s:.1%}' for s in shares)}",
    )


def pyspy_path() -> str | None:
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else shutil.which("py-spy")


def ptrace_problem() -> str | None:
    """Why this process may not ptrace its children, or None when it may."""
    try:
        scope = int(Path("/proc/sys/kernel/yama/ptrace_scope").read_text())
    except (OSError, ValueError):
        scope = 0
    if scope >= 3:
        return "ptrace is disabled on this machine (kernel.yama.ptrace_scope = 3)"
    if scope >= 2 and os.geteuid() != 0:
        return "ptrace needs root or CAP_SYS_PTRACE here (kernel.yama.ptrace_scope = 2)"
    return None


class Urgent:
    """This thread at real-time priority while it watches py-spy stop the workers: on a
    busy machine an ordinary poller learns of the stop milliseconds late."""

    def __enter__(self) -> str:
        self.ok = False
        try:
            os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
            self.ok = True
            return "real-time poller"
        except (AttributeError, OSError) as exc:
            return f"ordinary poller ({exc.__class__.__name__})"

    def __exit__(self, *exc: object) -> None:
        if self.ok:
            os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))


def _dump(spy: str, pid: int, tids: list[int]) -> tuple[float | None, dict[int, bool], str]:
    """One blocking ``py-spy dump``: (perf_counter when the threads stopped, owns_gil by
    native thread id, error text)."""
    proc = subprocess.Popen(
        [spy, "dump", "--pid", str(pid), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stopped_at = None
    while proc.poll() is None:
        if stopped_at is None and any(_thread_state(pid, tid) == "t" for tid in tids):
            stopped_at = time.perf_counter()
        time.sleep(0.0001)
    out, err = proc.communicate()
    if proc.returncode != 0:
        return None, {}, err.strip().splitlines()[0] if err.strip() else "py-spy failed"
    owns = {t["os_thread_id"]: bool(t.get("owns_gil")) for t in json.loads(out)}
    return stopped_at, owns, ""


def our_holder(intervals: dict[str, list[list[float]]], t: float, tolerance: float) -> list[str]:
    """The workers our intervals name at ``t``; in a gap, the one whose interval ended
    last, when that was at most ``tolerance`` (the method's resolution) before ``t``."""
    from concurrency_explorer.core.gil import holder_at

    found = holder_at(intervals, t)
    if found:
        return found
    best, best_end = [], -1.0
    for wid, spans in intervals.items():
        ends = [b for _a, b in spans if b <= t]
        if ends and ends[-1] > best_end:
            best, best_end = [wid], ends[-1]
    return best if best and t - best_end <= tolerance else []


def _pyspy_figures(count: int, its: int, step_s: float) -> list[Figure]:
    from concurrency_explorer.core import RunConfig
    from concurrency_explorer.core.gil import holder_at
    from concurrency_explorer.core.runner import Run

    spy = pyspy_path()
    name = "py-spy agrees on the GIL holder"
    if spy is None:
        return [Figure("gil", name, None, "", "", "skipped: py-spy is not installed")]
    problem = ptrace_problem()
    if problem:
        return [Figure("gil", name, None, "", "", f"skipped: {problem}")]
    run = Run(RunConfig.build(mode="thread", workers=WORKERS, count=count, step_iterations=its))
    run.start()
    samples: list[tuple[float, dict[int, bool]]] = []
    errors: list[str] = []
    try:
        with Urgent() as poller:
            while not run.finished:
                run.poll()
                tids = [w.thread_id for w in run.workers if w.thread_id and w.state == "running"]
                if len(tids) == WORKERS:
                    stopped_at, owns, error = _dump(spy, run.workers[0].pid or 0, tids)
                    if stopped_at is not None and owns:
                        samples.append((stopped_at, owns))
                    elif error:
                        errors.append(error)
                time.sleep(SAMPLE_EVERY_S)  # each blocking dump disturbs the run a little
    finally:
        run.close()
    record = run.record()
    intervals = record["gil"]["intervals"]
    by_tid = {w["thread_id"]: str(w["id"]) for w in record["workers"]}
    tally = {"same": 0, "other": 0, "gap": 0, "free": 0, "exact": 0}
    for stopped_at, owns in samples:
        owner = [by_tid[tid] for tid, held in owns.items() if held and tid in by_tid]
        if not owner:
            tally["free"] += 1  # py-spy saw no worker holding (mid-handoff, or another thread)
            continue
        t = stopped_at - (run.t0 or 0.0)
        ours = our_holder(intervals, t, step_s)
        tally["exact"] += holder_at(intervals, t) == owner
        tally["same" if ours == owner else "other" if ours else "gap"] += 1
    named = tally["same"] + tally["other"]
    if not named:
        why = errors[0] if errors else "no sample named a worker thread"
        return [Figure("gil", name, None, "", "", f"no samples: {why}")]
    seen = named + tally["gap"]
    load = f"load average {os.getloadavg()[0]:.1f}"
    return [
        Figure(
            "gil",
            name,
            tally["same"] / named,
            "",
            ">= 0.90",
            f"{tally['same']} of {named} blocking py-spy dumps that name a worker, where our "
            f"intervals name one too (to one step, {step_s * 1e3:.2f} ms; {tally['exact']} "
            f"inside an interval), name the same thread at the instant the threads stopped "
            f"({poller}; {load})",
            {"samples": len(samples), **tally},
        ),
        Figure(
            "gil",
            "py-spy samples that fall in a gap of our intervals",
            tally["gap"] / seen if seen else None,
            "",
            "",
            f"{tally['gap']} of {seen} samples where py-spy names a worker: our stamps leave the "
            f"holder unknown there (a handoff and a descheduled holder in one step); "
            f"{tally['free']} more saw no worker holding it ({load})",
        ),
    ]


def run(ctx: BenchContext) -> list[Figure]:
    work_s = 0.5 if ctx.quick else 1.5
    count = ctx.count_for(work_s)
    figures = [_stamp_overhead(ctx, count, ctx.reps(7, 3))]
    figures += _cpu_figures(ctx, count, ctx.reps(3, 1))
    for base_s in SWITCH_BASES_S:  # Python's default, and one a busy machine blurs less
        figures.append(_handoff_figure(ctx, count, ctx.reps(3, 1), base_s))
    figures.append(_io_figure(ctx.reps(1000, 300)))
    spy_count = ctx.count_for(3.0 if ctx.quick else 6.0)
    figures += _pyspy_figures(spy_count, ctx.step_iterations, ctx.step_s)
    return figures
