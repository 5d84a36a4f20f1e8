"""The page's two examples: threads counting 10 and 20, then the same as processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from .. import launcher
from ..config import RunConfig
from ._runs import all_reached_zero, overlap_s, run_config
from .base import Bar, Context, Measured, Scenario, Verdict, fmt_s

#: The page's threading example, verbatim (its bug included).
PAGE_THREADING_CODE = """\
from __future__ import print_function
import threading
def counter(count):
    while count > 0:
        print("Count value", count)
        count -= 1
    return

t1 = threading.Thread(target=countdown,args=(10,))
t1.start()
t2 = threading.Thread(target=countdown,args=(20,))
t2.start()
"""

PAGE_COUNTS = (10, 20)
STEP_SLEEP_S = 0.02  # the page's loop only prints; a short sleep makes it watchable

THREADS_CONFIG = RunConfig(
    mode="thread",
    workers=2,
    counts=PAGE_COUNTS,
    kind="io",
    step_sleep_s=STEP_SLEEP_S,
    echo=True,
)
PROCESSES_CONFIG = THREADS_CONFIG.replace(mode="process", start_method=None)


def run_page_code(timeout_s: float = 15.0) -> dict[str, Any]:
    """Run the page's threading code as printed, in a fresh interpreter, and report."""
    if getattr(sys, "frozen", False):
        return {"ran": False, "reason": "a frozen app has no plain Python to run it with"}
    t0 = time.perf_counter()
    process = launcher.call(_popen, PAGE_THREADING_CODE, timeout=30)
    try:
        out, err = process.communicate(timeout=timeout_s)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    last = err.strip().splitlines()[-1] if err.strip() else ""
    return {
        "ran": True,
        "exit_code": process.returncode,
        "stdout_lines": len(out.splitlines()),
        "error": last,
        "seconds": round(time.perf_counter() - t0, 3),
    }


def _popen(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-I", "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def _workers_summary(run: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": w.worker_id,
            "count": w.count,
            "final_remaining": w.remaining,
            "pid": w.pid,
            "thread_id": w.thread_id,
            "lines": len(w.output),
            "first_line": w.output[0] if w.output else None,
            "last_line": w.output[-1] if w.output else None,
            "lines_in_order": w.output == [f"Count value {n}" for n in range(w.count, 0, -1)],
            "start_latency_s": None if w.start_latency_s is None else round(w.start_latency_s, 4),
        }
        for w in run.workers
    ]


# -- page-threads ------------------------------------------------------------------


def measure_threads(context: Context) -> Measured:
    console: list[str] = []
    run = run_config(THREADS_CONFIG, context, "the fixed threading example", console=console)
    record = run.record()
    context.say("running the page's code as printed…")
    page = run_page_code()
    pids = {w.pid for w in run.workers}
    return Measured(
        [record],
        {
            "workers": _workers_summary(run),
            "all_reached_zero": all_reached_zero(record),
            "one_process": len(pids) == 1,
            "overlap_s": overlap_s(record),
            "wall_s": record["wall_s"],
            "page_code": page,
            "console": console,
        },
    )


def judge_threads(m: dict[str, Any]) -> Verdict:
    workers = m["workers"]
    printed_right = all(w["lines"] == w["count"] and w["lines_in_order"] for w in workers)
    lines = ", ".join(
        f"thread {w['id']} printed {w['lines']} lines ({w['first_line']!r} … {w['last_line']!r})"
        for w in workers
    )
    ok_run = m["all_reached_zero"] and printed_right
    if ok_run:
        text = f"Fixed (target=counter): {lines}."
    else:
        text = f"The fixed example did NOT count down cleanly: {lines}."
    if m["overlap_s"] > 0:
        text += (
            f" Both threads ran at the same time for {fmt_s(m['overlap_s'])} "
            f"(whole run {fmt_s(m['wall_s'])}): between prints each step sleeps, which "
            "releases the GIL, so the other thread gets its turn."
        )
    else:
        text += " The two threads never ran at the same time here."
    if m["one_process"]:
        text += " Both ran inside one process."
    page = m["page_code"]
    bug_shown = bool(page.get("ran")) and "NameError" in page.get("error", "")
    if bug_shown:
        text += (
            f" The page's code as printed fails: {page['error']} (exit code "
            f"{page['exit_code']}, {page['stdout_lines']} lines printed): it defines "
            "counter() but starts the threads with target=countdown."
        )
    elif page.get("ran"):
        text += (
            f" Unexpected: the page's code exited with {page['exit_code']} "
            f"({page.get('error') or 'no error'})."
        )
    else:
        text += f" The page's code was not run: {page.get('reason')}."
    return Verdict(ok_run and (bug_shown or not page.get("ran")), text)


def bars_threads(m: dict[str, Any]) -> list[Bar]:
    return [
        Bar(f"thread {w['id']}: lines printed", w["lines"], f"{w['lines']} of {w['count']}")
        for w in m["workers"]
    ]


PAGE_THREADS = Scenario(
    id="page-threads",
    title="The page's threads: counting 10 and 20",
    explanation=(
        'These lessons follow "the page": the "Python concurrency" page of a '
        "community-written Python reference, short examples contributed by its readers "
        "(reference material with some bugs, shown here; Help > What am I seeing? says "
        "more). "
        'The page starts two threads that print "Count value N" while counting down '
        "from 10 and from 20. Threads share one process and, in CPython, one GIL; "
        "printing (like any I/O or sleep) releases it, so their lines interleave. "
        "The page's code has a bug: it defines counter() but passes target=countdown, "
        "so it stops with NameError before a thread starts. This scenario runs the "
        "fixed code (console output below), then the page's code as printed."
    ),
    script_name="page_threads.py",
    measure=measure_threads,
    judge=judge_threads,
    config=THREADS_CONFIG,
    bars=bars_threads,
)


# -- page-processes ----------------------------------------------------------------


def measure_processes(context: Context) -> Measured:
    console: list[str] = []
    run = run_config(PROCESSES_CONFIG, context, "the multiprocessing example", console=console)
    record = run.record()
    workers = _workers_summary(run)
    return Measured(
        [record],
        {
            "start_method": record["config"]["start_method"],
            "app_pid": os.getpid(),
            "workers": workers,
            "exit_codes": [w["exit_code"] for w in record["workers"]],
            "all_reached_zero": all_reached_zero(record),
            "overlap_s": overlap_s(record),
            "wall_s": record["wall_s"],
            "console": console,
        },
    )


def judge_processes(m: dict[str, Any]) -> Verdict:
    workers = m["workers"]
    pids = [w["pid"] for w in workers]
    own = all(p is not None and p != m["app_pid"] for p in pids) and len(set(pids)) == len(pids)
    printed = all(w["lines"] == w["count"] and w["lines_in_order"] for w in workers)
    joined = all(code == 0 for code in m["exit_codes"])
    latencies = ", ".join(fmt_s(w["start_latency_s"]) for w in workers)
    parts = [
        f"{len(workers)} processes started with {m['start_method']} "
        f"(pids {', '.join(map(str, pids))}; this app is {m['app_pid']}), "
        f"start() took {latencies} until each ran."
    ]
    parts.append(
        "Each counted down and printed "
        + " and ".join(f"{w['lines']} lines" for w in workers)
        + ("." if printed else ", but not every line arrived in order.")
    )
    if m["overlap_s"] > 0:
        parts.append(f"They ran side by side for {fmt_s(m['overlap_s'])}.")
    parts.append(
        f"join() collected exit codes {', '.join(map(str, m['exit_codes']))}"
        + (" : both finished cleanly." if joined else ": not a clean finish.")
    )
    ok = own and printed and joined and m["all_reached_zero"]
    if not own:
        parts.append("The workers did not run in processes of their own.")
    return Verdict(ok, " ".join(parts).replace(" :", ":"))


def bars_processes(m: dict[str, Any]) -> list[Bar]:
    return [
        Bar(f"pid {w['pid']}: start-up", w["start_latency_s"] or 0.0, fmt_s(w["start_latency_s"]))
        for w in m["workers"]
    ]


PAGE_PROCESSES = Scenario(
    id="page-processes",
    title="The page's processes: start() and join()",
    explanation=(
        "The same countdowns, each in a process of its own: start() creates the process, "
        "join() waits for it to end and collects its exit code. Each process has its own "
        'interpreter and its own GIL (the page says "no GIL"; that is not so, there is '
        "one per process), so CPU work can use several cores. The page's code is right, "
        'but needs the if __name__ == "__main__" guard it has: spawn and forkserver '
        "children import the main module."
    ),
    script_name="page_processes.py",
    measure=measure_processes,
    judge=judge_processes,
    config=PROCESSES_CONFIG,
    bars=bars_processes,
)
