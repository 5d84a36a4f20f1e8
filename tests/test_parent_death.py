"""kill -9 of the app mid-run leaves nothing behind (issue 8, promise 1).

The real CLI is started as a user starts it, with long CPU-bound workers. The test
collects the CLI's whole process tree with psutil, SIGKILLs the CLI and demands that
every descendant (workers, the thread host, the forkserver, the resource tracker) is
gone within 2 s. Nobody reaps them for us: they are re-parented to init, so only
``PR_SET_PDEATHSIG``, the parent-pid watch and the pipes closing can end them.
Every process also carries a token in its environment, so a child that was being
started at the moment of the kill is found too.

Two moments: ``armed`` (every worker has its guards up: the ordinary mid-run case,
held to the issue's 2 s) and ``starting`` (the first child has just appeared: the
races where the app dies before a child armed its guard, or while the forkserver
is starting). A spawn child that is still importing cannot act until its
interpreter is up, which on a loaded machine takes seconds; it must then end at
once, so ``starting`` allows ``STARTING_BUDGET_S``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import psutil
import pytest

from concurrency_explorer.core.engines import get_engine_class, mode_names
from concurrency_explorer.core.environment import start_methods
from procutil import (
    alive,
    descendants,
    guarded,
    is_forkserver,
    is_resource_tracker,
    is_start_helper,
    kill_tree,
    start_cli,
    start_gui,
    survivors_after_kill,
    tagged,
    wait_for,
)

WORKERS = 3
ARMED_BUDGET_S = 2.0  # the promise
STARTING_BUDGET_S = 10.0  # a child mid-import must first finish importing


def starting_budget(mode: str) -> float:
    """How long children caught mid-start may take to end: ``STARTING_BUDGET_S``, plus,
    for Dask (whose spawned nannies and workers import ``distributed`` before they can
    notice anything), what that import takes on this machine right now, measured."""
    if mode != "dask":
        return STARTING_BUDGET_S
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import distributed"], check=True, timeout=300)
    return STARTING_BUDGET_S + (time.perf_counter() - t0)


def cases() -> list[tuple[str, str | None]]:
    """Every registered mode; modes with a start method once per method."""
    found: list[tuple[str, str | None]] = []
    for mode in mode_names():
        engine = get_engine_class(mode)
        if not engine.availability()[0]:
            continue
        methods = start_methods() if engine.uses_start_method else [None]
        found += [(mode, method) for method in methods]
    return found


CASES = cases()


def units_of(tree: list[psutil.Process], app_pid: int) -> list[psutil.Process]:
    """Workers (process mode) or the host (thread/sequential): not the helpers."""
    return [
        p
        for p in tree
        if not is_forkserver(p, app_pid) and not is_resource_tracker(p) and not is_start_helper(p)
    ]


@pytest.mark.parametrize("moment", ["armed", "starting"])
@pytest.mark.parametrize(("mode", "method"), CASES, ids=[f"{m}-{s}" for m, s in CASES])
def test_kill_9_of_the_cli_leaves_no_process(mode, method, moment):
    if mode == "dask" and moment == "armed":
        pytest.skip(
            "a Dask cluster's processes (scheduler, nannies, workers) are not one per "
            "worker, so the 'armed' count does not apply; the 'starting' case checks "
            "that every one of them ends with the CLI"
        )
    args = ["run", "--mode", mode, "--workers", str(WORKERS), "--count", "100000000"]
    if method:
        args += ["--start-method", method]
    token = uuid.uuid4().hex
    cli = start_cli(*args, "--json", token=token)
    # one process per worker, or one host process for threads, tasks and coroutines
    expected = WORKERS if get_engine_class(mode).uses_start_method else 1
    tree: list[psutil.Process] = []
    try:
        if moment == "armed":

            def running() -> bool:
                units = units_of(descendants(cli.pid), cli.pid)
                return len(units) == expected and all(guarded(p) for p in units)

            wait_for(running, 60, f"{expected} armed worker processes")
            tree = descendants(cli.pid)
            if method in ("forkserver", None):  # hosts run under the forkserver too
                assert any(is_forkserver(p, cli.pid) for p in tree), "forkserver expected"
        else:
            wait_for(lambda: bool(descendants(cli.pid)), 60, "the first child")
            tree = descendants(cli.pid)
        budget = ARMED_BUDGET_S if moment == "armed" else starting_budget(mode)
        left = survivors_after_kill(cli, tree, token, within_s=budget)
        assert not left, f"still alive {budget} s after kill -9 of the CLI: {left}"
    finally:
        kill_tree(tree + descendants(cli.pid) + tagged(token))
        cli.kill()
        cli.communicate(timeout=10)


HELPED = [m for m in ("fork", "spawn") if m in start_methods()]
MANY = (os.cpu_count() or 1) + 1  # more worker processes than cores: a start helper starts them


@pytest.mark.parametrize("method", HELPED)
def test_kill_9_of_the_cli_mid_helper_run_leaves_no_process(method):
    """The start helper (core/child/starter.py) and the workers it started all end with the
    app: the helper by its own guards, the workers with the helper (PDEATHSIG)."""
    token = uuid.uuid4().hex
    args = ["run", "--mode", "process", "--start-method", method, "--workers", str(MANY)]
    cli = start_cli(*args, "--count", "100000000", "--json", token=token)
    tree: list[psutil.Process] = []
    try:

        def running() -> bool:
            units = units_of(descendants(cli.pid), cli.pid)
            return len(units) == MANY and all(guarded(p) for p in units)

        wait_for(running, 90, f"{MANY} armed worker processes")
        tree = descendants(cli.pid)
        assert any(is_start_helper(p) for p in tree), "a start helper expected"
        assert all(p.ppid() != cli.pid for p in units_of(tree, cli.pid)), "workers of the app"
        left = survivors_after_kill(cli, tree, token, within_s=ARMED_BUDGET_S)
        assert not left, f"still alive {ARMED_BUDGET_S} s after kill -9 of the CLI: {left}"
    finally:
        kill_tree(tree + descendants(cli.pid) + tagged(token))
        cli.kill()
        cli.communicate(timeout=10)


GUI_CASES = [("process", m) for m in start_methods()] + [("thread", None)]


@contextlib.contextmanager
def window_mid_run(
    tmp_path, mode: str, method: str | None, workers: int
) -> Iterator[tuple[subprocess.Popen[str], list[psutil.Process], str]]:
    """The window, started on a long run, once its workers are armed: (window, its
    process tree, the token in the environment of all it starts). Whatever is left of
    them is killed afterwards."""
    from concurrency_explorer.core import RunConfig
    from concurrency_explorer.core.experiment import save_experiment

    config = RunConfig.build(mode=mode, start_method=method, workers=workers, count=100_000_000)
    experiment = save_experiment(tmp_path / "long.json", config)
    token = uuid.uuid4().hex
    gui = start_gui(token, str(experiment), str(tmp_path / "config"))
    expected = workers if mode == "process" else 1
    tree: list[psutil.Process] = []
    try:

        def running() -> bool:
            units = units_of(descendants(gui.pid), gui.pid)
            return len(units) == expected and all(guarded(p) for p in units)

        wait_for(running, 90, f"{expected} armed worker processes under the window")
        tree = descendants(gui.pid)
        yield gui, tree, token
    finally:
        kill_tree(tree + descendants(gui.pid) + tagged(token))
        if gui.poll() is None:
            gui.kill()
        gui.communicate(timeout=10)


@pytest.mark.gui
@pytest.mark.parametrize(("mode", "method"), GUI_CASES, ids=[f"{m}-{s}" for m, s in GUI_CASES])
def test_kill_9_of_the_window_leaves_no_process(tmp_path, mode, method):
    with window_mid_run(tmp_path, mode, method, WORKERS) as (gui, tree, token):
        left = survivors_after_kill(gui, tree, token, within_s=ARMED_BUDGET_S)
        assert not left, f"still alive {ARMED_BUDGET_S} s after kill -9 of the window: {left}"


@pytest.mark.gui
@pytest.mark.parametrize("method", HELPED)
def test_kill_9_of_the_window_mid_helper_run_leaves_no_process(tmp_path, method):
    with window_mid_run(tmp_path, "process", method, MANY) as (gui, tree, token):
        assert any(is_start_helper(p) for p in tree), "a start helper expected"
        left = survivors_after_kill(gui, tree, token, within_s=ARMED_BUDGET_S)
        assert not left, f"still alive {ARMED_BUDGET_S} s after kill -9 of the window: {left}"


@pytest.mark.gui
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_sigterm_or_sigint_closes_the_window_as_quit_does(tmp_path, signame):
    """A logout or ``kill PID`` mid-run: the run is stopped, every worker reaped,
    and the app exits 0, with no resource tracker complaint about leaked semaphores."""
    import signal

    with window_mid_run(tmp_path, "process", None, 2) as (gui, tree, _token):
        gui.send_signal(getattr(signal, signame))
        _out, err = gui.communicate(timeout=20)
        assert gui.returncode == 0, err[-2000:]
        assert "leaked" not in err, err[-2000:]
        wait_for(lambda: not [p for p in tree if alive(p)], 10, "every child to end")
