"""``--self-test``: does this installation run workers correctly, and clean up after itself?

Meant for the frozen app above all (CI runs it on the built binary): a spawn or
forkserver child of a frozen app is the app binary started again, and only works
when ``freeze_support`` and the bundle are right. Headless and Qt-free.

What it checks, each as one line of the report:

- 2 workers (counts 10 and 20) reach 0 one after another, as threads, and as
  processes under every start method this platform offers; process workers have
  pids of their own; no child process remains after each run;
- the forkserver really preloaded the worker module (a missing hidden import is
  otherwise silently ignored by ``multiprocessing.forkserver``);
- at the end the app's long-lived helpers (the forkserver and the resource
  tracker) are stopped too, and no child process of any kind is left.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "concurrency-explorer/self-test/1"
COUNTS = (10, 20)  # the page's example
STEP_ITERATIONS = 2000  # a step is tiny: the test is about plumbing, not speed
RUN_TIMEOUT_S = 60.0  # generous: spawn in a frozen app on a loaded 2-core machine
LEFTOVER_WAIT_S = 3.0
PRELOAD_MODULE = "concurrency_explorer.core.child._forkserver_preload"


@dataclass
class Check:
    """One line of the report."""

    name: str
    ok: bool
    detail: str
    seconds: float = 0.0
    pids: list[int] = field(default_factory=list)


@dataclass
class SelfTestReport:
    checks: list[Check]
    environment: dict[str, Any]
    seconds: float
    helpers: dict[str, int]  # the helpers' pids, all stopped by the end when ok

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "environment": self.environment,
            "helpers": self.helpers,
            "checks": [asdict(c) for c in self.checks],
        }


def format_check(check: Check) -> str:
    status = "ok  " if check.ok else "FAIL"
    return f"  {status}  {check.name:<20} {check.detail}"


def format_header(environment: dict[str, Any]) -> str:
    from .. import __version__

    how = "frozen app" if environment.get("frozen") else "not frozen"
    return (
        f"Concurrency Explorer {__version__} self-test ({how}, Python "
        f"{environment['python']}, {sys.platform}, {environment['cpu_count']} cores, "
        f"start methods: {', '.join(environment['start_methods'])})"
    )


def format_footer(report: SelfTestReport) -> str:
    passed = sum(c.ok for c in report.checks)
    word = "PASS" if report.ok else "FAIL"
    return f"{word}: {passed} of {len(report.checks)} checks passed in {report.seconds:.1f} s"


# -- the app's helper processes --------------------------------------------------


def helper_pids() -> dict[str, int]:
    """The forkserver and resource tracker this process started (by pid, not by name)."""
    from multiprocessing import forkserver, resource_tracker

    pids = {}
    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid:
        pids["forkserver"] = pid
    pid = getattr(resource_tracker._resource_tracker, "_pid", None)
    if pid:
        pids["resource_tracker"] = pid
    return pids


def leftover_children(allowed: set[int], wait_s: float = LEFTOVER_WAIT_S) -> list[str]:
    """Descendants of this process other than ``allowed`` pids, after up to ``wait_s``."""
    import psutil

    me = psutil.Process()
    deadline = time.monotonic() + wait_s
    while True:
        left = []
        for child in me.children(recursive=True):
            if child.pid in allowed:
                continue
            try:
                left.append(f"{child.pid} ({child.name()}, {child.status()})")
            except psutil.NoSuchProcess:
                continue
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def stop_helpers() -> dict[str, int]:
    """Stop the forkserver and the resource tracker; returns the pids stopped.

    Both would also exit on their own when the app exits (each waits for EOF on a
    pipe only the app holds); stopping them here lets the test *see* that.
    """
    from multiprocessing import forkserver, resource_tracker

    from . import spare

    spare.close()  # the pairs made ahead: their semaphores are the tracker's too
    gc.collect()  # queues' semaphores unregister from the tracker when collected
    stopped = helper_pids()
    if "forkserver" in stopped:
        forkserver._forkserver._stop()  # type: ignore[attr-defined]  # CPython-private, untyped
    if "resource_tracker" in stopped:
        resource_tracker._resource_tracker._stop()  # type: ignore[attr-defined]  # as above
    return stopped


# -- the checks -------------------------------------------------------------------


def cases() -> list[tuple[str, Any]]:
    """(name, RunConfig) for every way of running workers this platform offers."""
    from .config import RunConfig
    from .environment import start_methods

    def config(mode: str, start_method: str | None = None) -> RunConfig:
        return RunConfig.build(
            mode=mode,
            start_method=start_method,
            counts=COUNTS,
            workers=len(COUNTS),
            step_iterations=STEP_ITERATIONS,
        )

    result = [("sequential", config("sequential")), ("threads", config("thread"))]
    for method in start_methods():
        result.append((f"process/{method}", config("process", method)))
    return result


def _run_record(config: Any, timeout_s: float) -> dict[str, Any]:
    """One run's record; the run (and its queue) is dropped on return, so its
    semaphores are released now."""
    from .runner import run_to_completion

    return run_to_completion(config, timeout_s=timeout_s).record()


def check_run(name: str, config: Any, timeout_s: float = RUN_TIMEOUT_S) -> Check:
    t0 = time.perf_counter()
    try:
        record = _run_record(config, timeout_s)
    except Exception as exc:
        return Check(name, False, f"could not run: {type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - t0
    from .engines import get_engine_class  # here: --self-test imports only what it runs

    engine = get_engine_class(config.mode)
    workers = record["workers"]
    pids = [w["pid"] for w in workers if w["pid"] is not None]
    problems = []
    for w in workers:
        if w["error"]:
            problems.append(f"worker {w['id']}: {w['error']['type']}: {w['error']['message']}")
        elif w["final_remaining"] != 0:
            problems.append(f"worker {w['id']} stopped at {w['final_remaining']}, not 0")
    if len(pids) != len(workers):
        problems.append("a worker never reported its pid")
    elif os.getpid() in pids:
        problems.append("a worker ran inside this process")
    elif engine.process_per_worker and len(set(pids)) != len(pids):
        problems.append(f"process workers share a pid: {pids}")
    elif engine.thread_per_worker and len({w["thread_id"] for w in workers}) != len(workers):
        problems.append("thread workers share a thread id")
    if record["stop"]["requested"]:
        problems.append(f"did not finish within {timeout_s:.0f} s")
    left = leftover_children(set(helper_pids().values()))
    if left:
        problems.append(f"processes left behind: {', '.join(left)}")
    if problems:
        return Check(name, False, "; ".join(problems), seconds, pids)
    reached = ", ".join(str(c) for c in config.counts)
    where = "pids" if engine.process_per_worker else "host pid"
    shown = ", ".join(str(p) for p in sorted(set(pids)))
    return Check(
        name,
        True,
        f"{len(workers)} workers counted {reached} down to 0 in {seconds:.2f} s ({where} {shown})",
        seconds,
        pids,
    )


def _preload_probe(conn: Any) -> None:
    """Runs in a forkserver child: was the worker module preloaded in the server?"""
    conn.send(PRELOAD_MODULE in sys.modules)
    conn.close()


def check_forkserver_preload() -> Check:
    from . import launcher
    from .engines.mp import get_context

    name = "forkserver preload"
    t0 = time.perf_counter()
    try:
        ctx = get_context("forkserver")
        reader, writer = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_preload_probe, args=(writer,), daemon=True)
        launcher.call(process.start, timeout=RUN_TIMEOUT_S)
        writer.close()
        preloaded = reader.recv() if reader.poll(RUN_TIMEOUT_S) else None
        reader.close()
        process.join(5.0)
        if process.exitcode is None:
            process.kill()
            process.join(2.0)
        pid = process.pid
        process.close()
    except Exception as exc:
        return Check(name, False, f"could not probe: {type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - t0
    if preloaded is None:
        return Check(name, False, "the probe sent no answer", seconds)
    if not preloaded:
        return Check(name, False, f"{PRELOAD_MODULE} was not loaded in the forkserver", seconds)
    return Check(name, True, "worker module preloaded in the forkserver", seconds, [pid])


def check_nothing_left(stopped: dict[str, int]) -> Check:
    left = leftover_children(set())
    if left:
        return Check("no process left", False, f"still running: {', '.join(left)}")
    if stopped:
        helpers = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in stopped.items())
        detail = f"no child process remains ({helpers} stopped)"
    else:
        detail = "no child process remains"
    return Check("no process left", True, detail, 0.0, sorted(stopped.values()))


def run_self_test(
    on_check: Callable[[Check], None] | None = None,
    *,
    timeout_s: float = RUN_TIMEOUT_S,
    stop_app_helpers: bool = True,
) -> SelfTestReport:
    """Run every check; ``on_check`` sees each result as soon as it is known."""
    from .environment import environment, start_methods

    t0 = time.perf_counter()
    checks: list[Check] = []

    def add(check: Check) -> None:
        checks.append(check)
        if on_check is not None:
            on_check(check)

    for name, config in cases():
        add(check_run(name, config, timeout_s))
    if "forkserver" in start_methods():
        add(check_forkserver_preload())
    helpers = helper_pids()
    if stop_app_helpers:
        add(check_nothing_left(stop_helpers()))
    return SelfTestReport(checks, dict(environment()), time.perf_counter() - t0, helpers)
