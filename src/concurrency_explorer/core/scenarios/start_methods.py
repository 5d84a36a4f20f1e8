"""One workload under every start method: what it costs to start and what is copied."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from typing import Any

from ..child import scenario_probes
from ..config import RunConfig
from ..environment import start_methods
from ._children import reap, start_child
from ._runs import all_reached_zero, run_config
from .base import Bar, Context, Measured, Scenario, Verdict, fmt_s

CONFIG = RunConfig(mode="process", workers=2, counts=(20, 20), kind="cpu")
PARENT_MARKER = "changed by the parent at run time"


def probe_copy(method: str) -> dict[str, Any]:
    """Start one child with ``method`` and ask what it inherited from the app."""
    reader, writer = multiprocessing.Pipe(duplex=False)
    process = start_child(
        method, scenario_probes.copy_probe, (writer, os.getpid()), f"copy-probe-{method}"
    )
    writer.close()
    report: dict[str, Any] = {}
    try:
        if reader.poll(20):
            report = reader.recv()
    except EOFError:
        report = {}
    finally:
        reader.close()
        reap(process)
    return report


def measure(context: Context) -> Measured:
    records = []
    methods: dict[str, Any] = {}
    old_marker = scenario_probes.MARKER
    scenario_probes.MARKER = PARENT_MARKER
    try:
        for method in start_methods():
            run = run_config(CONFIG.replace(start_method=method), context, f"start method {method}")
            record = run.record()
            records.append(record)
            latencies = [w["start_latency_s"] for w in record["workers"]]
            known = [x for x in latencies if x is not None]
            context.say(f"asking a {method} child what it inherited…")
            probe = probe_copy(method)
            methods[method] = {
                "start_latency_s": latencies,
                "mean_start_latency_s": round(sum(known) / len(known), 4) if known else None,
                "wall_s": record["wall_s"],
                "ok": all_reached_zero(record),
                "saw_parent_change": probe.get("marker") == PARENT_MARKER,
                "child_modules": probe.get("modules"),
                "child_threads": probe.get("threads"),
                "probe_ok": bool(probe),
            }
    finally:
        scenario_probes.MARKER = old_marker
    return Measured(
        records,
        {
            "methods": methods,
            "parent_modules": len(sys.modules),
            "parent_threads": threading.active_count(),
        },
    )


def judge(m: dict[str, Any]) -> Verdict:
    methods = m["methods"]
    if not methods:
        return Verdict(False, "No start method could be measured.")
    parts = []
    ranked = sorted(
        (v["mean_start_latency_s"], k) for k, v in methods.items() if v["mean_start_latency_s"]
    )
    if ranked:
        parts.append(
            "Start-up (start() until the worker ran), mean of 2: "
            + ", ".join(f"{k} {fmt_s(v)}" for v, k in ranked)
            + f"; {ranked[0][1]} was fastest."
        )
    for name, v in methods.items():
        if not v["probe_ok"]:
            parts.append(f"{name}: the probe child did not answer.")
            continue
        if v["saw_parent_change"]:
            what = (
                f"{name} copied the app's memory: the child saw a variable the app changed "
                f"at run time, and {v['child_modules']} modules already loaded (the app has "
                f"{m['parent_modules']}), but only {v['child_threads']} of the app's "
                f"{m['parent_threads']} threads"
            )
        else:
            what = (
                f"{name} copied nothing of the app's state: the child saw the variable as "
                f"imported and had {v['child_modules']} modules loaded"
            )
        parts.append(what + ".")
    ok = all(v["ok"] and v["probe_ok"] for v in methods.values())
    fork = methods.get("fork")
    if fork is not None and fork["probe_ok"] and not fork["saw_parent_change"]:
        ok = False
    for name in ("spawn", "forkserver"):
        v = methods.get(name)
        if v is not None and v["probe_ok"] and v["saw_parent_change"]:
            ok = False
    if not all(v["ok"] for v in methods.values()):
        parts.append("Not every run counted down to zero.")
    return Verdict(ok, " ".join(parts))


def bars(m: dict[str, Any]) -> list[Bar]:
    return [
        Bar(f"{name}: start-up", v["mean_start_latency_s"], fmt_s(v["mean_start_latency_s"]))
        for name, v in m["methods"].items()
        if v["mean_start_latency_s"] is not None
    ]


START_METHODS = Scenario(
    id="start-methods",
    title="Start methods: fork, forkserver, spawn",
    explanation=(
        "How multiprocessing makes a child, chosen per run with get_context(method). "
        "fork: the child is a copy of the parent (memory, loaded modules, lock states; "
        "only the forking thread): fastest, unsafe with threads. forkserver: a clean "
        "server process, started once, forks each child: safe, fast once warm. spawn: "
        "a fresh interpreter that imports your main module: slowest, safest, the only "
        "one on Windows (and macOS's default). The app changes a variable at run time "
        "and asks each child what it sees."
    ),
    script_name="start_methods.py",
    measure=measure,
    judge=judge,
    bars=bars,
    config=CONFIG,
)
