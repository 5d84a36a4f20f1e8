"""The GIL lessons: CPU-bound threads take turns, sleeping and GIL-releasing C work overlap.

Each scenario runs the same workload one after another (the baseline), then as
threads (and, for CPU work, as processes), and reads the speedup off the records.
"""

from __future__ import annotations

import os
from typing import Any

from ..config import RunConfig
from ..environment import gil_enabled
from ..load import combine
from ..reliability import STARVED_CORES
from ._runs import cpu_parallelism, run_config
from .base import Bar, Context, Measured, Scenario, Verdict, fmt_s, load_average

PLURALS = {"thread": "threads", "process": "processes"}
# about 0.8 s of work per worker: 0.3 s flipped the verdict under a little load (QA)
CPU_CONFIG = RunConfig(mode="thread", workers=2, counts=(1000, 1000), kind="cpu")
IO_CONFIG = RunConfig(mode="thread", workers=4, counts=(40,) * 4, kind="io", step_sleep_s=0.01)
NOGIL_CONFIG = RunConfig(mode="thread", workers=2, counts=(250, 250), kind="nogil")


def _compare(
    config: RunConfig, modes: tuple[str, ...], context: Context, baselines: int = 1
) -> Measured:
    """Run ``config`` one after another, then in each of ``modes``; measure speedups.

    With ``baselines=2`` the one-after-another run is repeated at the end and the
    faster of the two is the baseline: on a shared machine a single starved
    baseline would make threads look faster than they are.
    """
    sequential = config.replace(mode="sequential", start_method=None)
    base = run_config(sequential, context, "baseline")
    base_record = base.record()
    records = [base_record]
    m: dict[str, Any] = {
        "workers": config.workers,
        "kind": config.kind,
        "counts": list(config.counts),
        "sequential_wall_s": base_record["wall_s"],
        "cpu_count": os.cpu_count() or 1,
        "gil_enabled": gil_enabled(),
    }
    for mode in modes:
        run = run_config(
            config.replace(mode=mode, start_method=None),
            context,
            f"{config.workers} workers as {PLURALS.get(mode, mode)}",
            baseline_wall_s=base.wall_s,
        )
        record = run.record()
        records.append(record)
        m[f"{mode}_wall_s"] = record["wall_s"]
        m[f"{mode}_speedup"] = record["speedup"]
        m[f"{mode}_cores_busy"] = cpu_parallelism(record)
        m[f"{mode}_ok"] = record["ok"]
        if mode == "process":
            m["start_method"] = record["config"]["start_method"]
    walls = [base_record["wall_s"]]
    if baselines > 1:
        again = run_config(sequential, context, "baseline again").record()
        records.append(again)
        walls.append(again["wall_s"])
        best = min(walls)
        for mode in modes:
            m[f"{mode}_speedup"] = round(best / m[f"{mode}_wall_s"], 3)
        m["sequential_wall_s"] = best
    m["sequential_walls_s"] = walls
    m["sequential_cores_busy"] = cpu_parallelism(base_record)
    m["load_average"] = load_average()
    load = combine([r["load"] for r in records if r.get("load")])
    m["others_cores"], m["busy"] = load["others_cores"], load["busy"]
    return Measured(records, m)


def bars(m: dict[str, Any]) -> list[Bar]:
    """Wall time of each way: shorter is faster."""
    out = [Bar("one after another", m["sequential_wall_s"], fmt_s(m["sequential_wall_s"]))]
    for mode, label in (("thread", "threads"), ("process", "processes")):
        if f"{mode}_wall_s" in m:
            wall, speedup = m[f"{mode}_wall_s"], m[f"{mode}_speedup"] or 0.0
            out.append(Bar(label, wall, f"{fmt_s(wall)}  ({speedup:.2f}x)", speedup >= 1.3))
    return out


def _load_note(m: dict[str, Any]) -> str:
    """Why a lesson may not have shown: the cores other programs used (core/load.py)
    while the runs ran, and the load average; a quiet machine is said to be quiet."""
    load = m.get("load_average")
    others = m.get("others_cores")
    average = "" if load is None else f"load average {load:.1f} on {m['cpu_count']} cores"
    if others is None:
        return f" ({average}: other programs used the CPU)" if average else ""
    average = f"; {average}" if average else ""
    if m.get("busy"):
        return (
            f" (the machine was busy: other programs used {others:.1f} of {m['cpu_count']} "
            f"cores during these runs{average})"
        )
    return f" (the machine was quiet: other programs used {others:.1f} cores{average})"


# -- gil-cpu -----------------------------------------------------------------------


def measure_cpu(context: Context) -> Measured:
    return _compare(CPU_CONFIG, ("thread", "process"), context, baselines=2)


def judge_cpu(m: dict[str, Any]) -> Verdict:
    t, p = m["thread_speedup"] or 0.0, m["process_speedup"] or 0.0
    ran = m["thread_ok"] and m["process_ok"]
    text = (
        f"{m['workers']} CPU-bound workers one after another: {fmt_s(m['sequential_wall_s'])}. "
        f"As threads: {fmt_s(m['thread_wall_s'])}, {t:.2f}x"
    )
    busy = m.get("thread_cores_busy")
    # With a GIL, threads' CPU seconds per wall second stay at or below 1 whatever the
    # baseline did: the steadier sign on a busy machine.
    one_at_a_time = busy is not None and busy <= 1.15
    # When other programs left the threads well under one core between them, their CPU
    # use cannot tell taking turns (the GIL) from being starved (the machine).
    starved = bool(m.get("busy")) and busy is not None and busy < STARVED_CORES
    gil_shown = t < 1.3 or (one_at_a_time and not starved)
    if t < 1.3:
        text += ", no real speedup: the threads took turns holding the GIL."
    elif starved:
        text += (
            f", but between them they got only {busy:.2f} CPU-seconds per second: too "
            f"little to tell whether they took turns{_load_note(m)}."
        )
    elif one_at_a_time:
        text += (
            f", yet between them they used only {busy:.2f} CPU-seconds per second: one "
            "thread at a time held the GIL; other programs slowed the one-after-another "
            f"run{_load_note(m)}."
        )
    else:
        text += ", faster than one after another" + (
            ": this Python runs without a GIL."
            if not m["gil_enabled"]
            else ", which a GIL should not allow: measure again."
        )
    text += f" As processes ({m.get('start_method')}): {fmt_s(m['process_wall_s'])}, {p:.2f}x"
    if m["cpu_count"] < 2:
        text += ": this machine has one core, so processes cannot run in parallel here."
        return Verdict(ran and gil_shown, text)
    p_busy = m.get("process_cores_busy")
    parallel = (p >= 1.3 and p >= t * 1.2) or (
        p_busy is not None and busy is not None and p_busy >= 1.3 and p_busy >= busy * 1.2
    )
    if parallel:
        text += ": each process has its own interpreter and GIL, so they ran on separate cores."
    else:
        text += f", not clearly faster than threads here{_load_note(m)}."
    return Verdict(ran and gil_shown and parallel, text + _drift_note(m))


#: Two one-after-another runs of the same work further apart than this: the machine's
#: speed changed while the scenario ran (a laptop's clock, a virtual machine's host).
BASELINE_DRIFT = 1.15


def _drift_note(m: dict[str, Any]) -> str:
    """Said when the scenario's two baselines disagree: then each run's own record
    (Results, History) and the verdict, which takes the faster baseline, differ."""
    walls = [w for w in m.get("sequential_walls_s") or () if w]
    if len(walls) < 2 or max(walls) <= BASELINE_DRIFT * min(walls):
        return ""
    why = (
        "other programs slowed them unevenly"
        if m.get("busy")
        else "this machine's speed changed while the scenario ran"
    )
    return (
        f" The two one-after-another runs took {fmt_s(walls[0])} and {fmt_s(walls[1])}: "
        f"{why}; the faster one is the baseline here."
    )


GIL_CPU = Scenario(
    id="gil-cpu",
    title="CPU-bound work: threads against processes",
    explanation=(
        "Two workers run a pure-Python countdown loop. In CPython only the thread holding "
        "the GIL (Global Interpreter Lock) runs Python bytecode, so CPU-bound threads take "
        "turns: no faster than one after another. Processes each have their own "
        "interpreter and GIL, and run on separate cores. Measured: one after another, "
        "threads, processes; speedup = time one after another / time."
    ),
    script_name="gil_cpu.py",
    measure=measure_cpu,
    judge=judge_cpu,
    bars=bars,
    config=CPU_CONFIG,
)


# -- io-threads --------------------------------------------------------------------


def measure_io(context: Context) -> Measured:
    m = _compare(IO_CONFIG, ("thread",), context)
    m.measurements["step_sleep_s"] = IO_CONFIG.step_sleep_s
    return m


def judge_io(m: dict[str, Any]) -> Verdict:
    t = m["thread_speedup"] or 0.0
    n = m["workers"]
    text = (
        f"{n} workers that sleep {fmt_s(m['step_sleep_s'])} per step: one after another "
        f"{fmt_s(m['sequential_wall_s'])}, as threads {fmt_s(m['thread_wall_s'])}: {t:.1f}x faster"
    )
    overlapped = t >= max(1.5, 0.5 * n)
    if overlapped:
        text += (
            f" (ideal {n}x). A sleeping thread releases the GIL, so the others run "
            "meanwhile: threads are fine for waiting (I/O, network, sleeps)."
        )
    else:
        text += f": less than expected for {n} overlapping sleepers{_load_note(m)}."
    return Verdict(bool(m["thread_ok"]) and overlapped, text)


IO_THREADS = Scenario(
    id="io-threads",
    title="I/O-bound threads do overlap",
    explanation=(
        "Four workers whose steps sleep, like waiting for a disk or the network. A thread "
        "that sleeps or waits for I/O releases the GIL, so other threads run meanwhile: "
        "four waiting threads finish in about the time of one. This is where threads "
        "shine in CPython, GIL or not."
    ),
    script_name="io_threads.py",
    measure=measure_io,
    judge=judge_io,
    bars=bars,
    config=IO_CONFIG,
)


# -- gil-release -------------------------------------------------------------------


def measure_nogil(context: Context) -> Measured:
    m = _compare(NOGIL_CONFIG, ("thread",), context, baselines=2)
    m.measurements["step_bytes"] = NOGIL_CONFIG.step_bytes
    return m


def judge_nogil(m: dict[str, Any]) -> Verdict:
    t = m["thread_speedup"] or 0.0
    mib = m["step_bytes"] / (1 << 20)
    text = (
        f"{m['workers']} workers hashing {mib:g} MiB per step (SHA-256, C code that releases "
        f"the GIL): one after another {fmt_s(m['sequential_wall_s'])}, as threads "
        f"{fmt_s(m['thread_wall_s'])}: {t:.2f}x"
    )
    if m["cpu_count"] < 2:
        return Verdict(
            False, text + ": this machine has one core, so nothing can run in parallel here."
        )
    scaled = t >= 1.3
    if scaled:
        text += (
            " faster. While hashlib hashes, the GIL is free and the other thread runs: "
            "C extensions (hashlib, zlib, NumPy) scale with threads."
        )
    else:
        text += f": the threads did not scale here{_load_note(m)}."
    return Verdict(bool(m["thread_ok"]) and scaled, text)


GIL_RELEASE = Scenario(
    id="gil-release",
    title="C work that releases the GIL scales with threads",
    explanation=(
        "Two threads hash a 1 MiB buffer over and over. hashlib releases the GIL while "
        "it hashes large buffers, as do zlib, many NumPy operations and file or socket "
        "I/O. Then threads run on several cores at once, GIL or not: the GIL only "
        "serialises Python bytecode."
    ),
    script_name="gil_release.py",
    measure=measure_nogil,
    judge=judge_nogil,
    bars=bars,
    config=NOGIL_CONFIG,
)
