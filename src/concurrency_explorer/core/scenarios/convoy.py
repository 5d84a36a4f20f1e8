"""The convoy effect: an I/O thread stuck behind a CPU-bound thread, waiting for the GIL.

An I/O-like worker sleeps 1 ms per step. Alone, a step takes about 1 ms. Beside a
CPU-bound thread in the same process, every wake-up needs the GIL back, and the
CPU-bound thread gives it up only when the switch interval (5 ms) runs out: each
step then takes about 1 + 5 ms. Measured four ways: alone, beside a CPU-bound
thread, beside a CPU-bound *process* (its own GIL), and beside a thread whose work
is C code that releases the GIL (hashlib). The I/O worker's per-step latency is its
wall time over the steps it made; the CPU-bound partner runs for as long as it
does (the run is stopped when the I/O worker is done).
"""

from __future__ import annotations

import itertools
import statistics
import time
from typing import Any

from ..config import RunConfig
from ..runner import Run
from .base import TIME_BUDGET_S, Bar, Context, Measured, Scenario, Verdict, load_average

STEPS = 150  # I/O steps per phase: about 0.2 s alone, about 1 s beside a CPU-bound thread
SLEEP_S = 0.001
PARTNER_COUNT = 1_000_000  # the partner outlives the I/O worker; the run is then stopped
CONFIG = RunConfig(
    mode="thread",
    workers=2,
    counts=(STEPS * 2, 1500),
    kind="io",
    worker_kinds={1: "cpu"},
    step_sleep_s=SLEEP_S,
)
PHASES = (  # name, mode, the partner's kind (None: alone)
    ("alone", "thread", None),
    ("cpu_thread", "thread", "cpu"),
    ("cpu_process", "process", "cpu"),
    ("nogil_thread", "thread", "nogil"),
)
LABELS = {
    "alone": "alone",
    "cpu_thread": "beside a CPU-bound thread",
    "cpu_process": "beside a CPU-bound process",
    "nogil_thread": "beside a GIL-releasing thread",
}


def _phase_config(mode: str, partner: str | None) -> RunConfig:
    if partner is None:
        return RunConfig(mode=mode, workers=1, counts=(STEPS,), kind="io", step_sleep_s=SLEEP_S)
    return RunConfig(
        mode=mode,
        workers=2,
        counts=(STEPS, PARTNER_COUNT),
        kind="io",
        worker_kinds={1: partner},
        step_sleep_s=SLEEP_S,
        step_bytes=1 << 18,  # the hashing partner: 256 KiB per step, the GIL released
    )


def _run_until_io_done(config: RunConfig, context: Context) -> dict[str, Any]:
    """Run ``config``; once the I/O worker (0) is done, stop its partner."""
    run = Run(config)
    run.start()
    deadline = time.perf_counter() + TIME_BUDGET_S
    try:
        while not run.finished:
            run.poll()
            io_done = run.workers[0].final
            if (io_done or context.cancel.is_set() or time.perf_counter() > deadline) and (
                run.stop_requested_at is None
            ):
                run.stop()
            if not run.finished:
                time.sleep(0.02)
    finally:
        run.close()
    context.check()
    return run.record()


def _step_ms(record: dict[str, Any]) -> float | None:
    """The I/O worker's mean time per step, in milliseconds."""
    io = record["workers"][0]
    steps = io["count"] - io["final_remaining"]
    if not steps or not io.get("wall_s") or io.get("state") != "done":
        return None
    return io["wall_s"] / steps * 1000


def _median_step_ms(record: dict[str, Any]) -> float | None:
    """The median time between the I/O worker's turns with the GIL (thread modes)."""
    spans = ((record.get("gil") or {}).get("intervals") or {}).get("0") or []
    starts = [a for a, _b in spans]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    return statistics.median(gaps) * 1000 if len(gaps) >= 10 else None


def measure(context: Context) -> Measured:
    records = []
    m: dict[str, Any] = {"steps": STEPS, "sleep_ms": SLEEP_S * 1000}
    for name, mode, partner in PHASES:
        context.check()
        context.say(f"an I/O thread {LABELS[name]}…")
        record = _run_until_io_done(_phase_config(mode, partner), context)
        records.append(record)
        m[f"{name}_ms"] = _step_ms(record)
        m[f"{name}_median_ms"] = _median_step_ms(record)
        gil = record.get("gil")
        if gil and name == "cpu_thread":
            m["switch_interval_ms"] = (gil.get("switch_interval_s") or 0.005) * 1000
            wall = record["workers"][0].get("wall_s") or 0.0
            m["io_held_share"] = gil["held_s"][0] / wall if wall else None
            m["handoffs"] = gil["handoffs"]
    m["load_average"] = load_average()
    return Measured(records, m)


def _ms(value: float | None) -> str:
    return "?" if value is None else f"{value:.1f} ms"


def judge(m: dict[str, Any]) -> Verdict:
    alone, beside = m.get("alone_ms"), m.get("cpu_thread_ms")
    process, nogil = m.get("cpu_process_ms"), m.get("nogil_thread_ms")
    if alone is None or beside is None:
        return Verdict(False, "The I/O worker did not finish its steps: nothing to compare.")
    interval = m.get("switch_interval_ms") or 5.0
    text = (
        f"An I/O thread that sleeps {m['sleep_ms']:g} ms per step took {_ms(alone)} per step "
        f"alone and {_ms(beside)} beside a CPU-bound thread ({beside / alone:.1f}x)"
    )
    convoy = beside >= 2 * alone and beside - alone >= 1.0
    if convoy:
        text += (
            ": after every sleep it waits for the GIL, which the CPU-bound thread gives up "
            f"only when the {interval:g} ms switch interval runs out (the convoy effect)."
        )
        share = m.get("io_held_share")
        if share is not None:
            text += f" It held the GIL {share:.1%} of the time: it needs little, but often."
    else:
        text += f": not clearly slower than alone here{_busy(m)}."
    helps = []
    if process is not None:
        helps.append(f"the CPU work in a process (its own GIL): {_ms(process)} per step")
    if nogil is not None:
        helps.append(f"CPU work in C code that releases the GIL (hashlib): {_ms(nogil)} per step")
    if helps:
        text += " What helps: " + "; ".join(helps) + "."
    process_helps = process is not None and process <= 0.6 * beside
    if convoy and not process_helps:
        text += f" The process did not clearly help here{_busy(m)}."
    if convoy:
        text += " A shorter switch interval shortens the wait too, at the cost of more handoffs."
    return Verdict(convoy and process_helps, text)


def _busy(m: dict[str, Any]) -> str:
    load = m.get("load_average")
    return f" (load average {load:.1f}: other programs delayed every wake-up)" if load else ""


def bars(m: dict[str, Any]) -> list[Bar]:
    """Per-step latency of the I/O thread each way: shorter is better."""
    out = []
    for name, good in (
        ("alone", None),
        ("cpu_thread", False),
        ("cpu_process", True),
        ("nogil_thread", True),
    ):
        value = m[f"{name}_ms"]
        if value is not None:
            out.append(Bar(LABELS[name], value, f"{_ms(value)} per step", good))
    return out


GIL_CONVOY = Scenario(
    id="gil-convoy",
    title="The convoy effect: an I/O thread stuck behind a CPU-bound one",
    explanation=(
        "An I/O-like thread sleeps 1 ms per step: alone, a step takes about 1 ms. Beside a "
        "CPU-bound thread it must win the GIL back after every sleep, and the CPU-bound "
        "thread hands it over only when the switch interval (5 ms by default) runs out: "
        "every step waits. This is the convoy effect from David Beazley's GIL talk. "
        "Measured: the I/O thread's time per step alone, beside a CPU-bound thread, beside "
        "a CPU-bound process, and beside a thread whose C code releases the GIL. The GIL "
        "tab shows the I/O thread's short turns between the long ones."
    ),
    script_name="gil_convoy.py",
    measure=measure,
    judge=judge,
    bars=bars,
    config=CONFIG,
)
