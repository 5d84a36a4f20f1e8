"""Helpers for tests that start the real app and watch its process tree with psutil."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

SRC = Path(__file__).resolve().parents[1] / "src"


def app_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env.update(extra)
    return env


TOKEN_VAR = "CONCURRENCY_EXPLORER_TEST_TOKEN"


def start_cli(*args: str, token: str = "", **popen: object) -> subprocess.Popen[str]:
    """``python -m concurrency_explorer ARGS`` as a user starts it.

    ``token`` goes into the environment, which every descendant inherits (the
    forkserver and its children too), so ``tagged`` finds them even after they
    were re-parented.
    """
    return subprocess.Popen(
        [sys.executable, "-m", "concurrency_explorer", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=app_env(**({TOKEN_VAR: token} if token else {})),
        **popen,  # type: ignore[arg-type]
    )


def start_gui(token: str, autorun: str, config_home: str) -> subprocess.Popen[str]:
    """The window (``concurrency-explorer-gui``) offscreen, starting ``autorun`` at once."""
    env = app_env(
        QT_QPA_PLATFORM="offscreen",
        CONCURRENCY_EXPLORER_AUTORUN=autorun,
        XDG_CONFIG_HOME=config_home,  # the window's QSettings stay out of the real home
        **{TOKEN_VAR: token},
    )
    code = "import sys; from concurrency_explorer.app import gui_main; sys.exit(gui_main([]))"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def tagged(token: str) -> list[psutil.Process]:
    """Every live process on the machine whose environment carries ``token``."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get(TOKEN_VAR) == token and alive(proc):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            continue
    return found


def cmdline(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return ""


def is_forkserver(proc: psutil.Process, app_pid: int) -> bool:
    """The forkserver itself; its children (forked workers) share its command line."""
    try:
        return proc.ppid() == app_pid and "multiprocessing.forkserver" in cmdline(proc)
    except psutil.NoSuchProcess:
        return False


def is_start_helper(proc: psutil.Process) -> bool:
    """The start helper (core/child/starter.py) that starts the workers of a run with more
    worker processes than cores: the parent of those workers. A worker or a host has
    no children of its own."""
    try:
        return any(alive(child) for child in proc.children())
    except psutil.NoSuchProcess:
        return False


def is_resource_tracker(proc: psutil.Process) -> bool:
    return "resource_tracker" in cmdline(proc)


def alive(proc: psutil.Process) -> bool:
    """Running and not a zombie (a zombie is dead; only its parent's wait is missing)."""
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if alive(p)]
    except psutil.NoSuchProcess:
        return []


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def guarded(proc: psutil.Process) -> bool:
    """True once a worker or host has armed its parent-death guards.

    ``die_with_parent`` starts a ``parent-watch`` thread, so an armed child has at
    least two threads; a child still importing has one.
    """
    try:
        return proc.num_threads() >= 2
    except psutil.NoSuchProcess:
        return False


def survivors_after_kill(
    victim: subprocess.Popen[str], watched: list[psutil.Process], token: str, within_s: float = 2.0
) -> list[str]:
    """SIGKILL ``victim``; describe what is still alive after ``within_s``: processes of
    ``watched`` and any process carrying ``token`` (also ones started after the kill)."""
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(5)
    deadline = time.monotonic() + within_s
    while True:
        left = {p.pid: p for p in watched if alive(p)}
        left.update((p.pid, p) for p in tagged(token))
        if not left or time.monotonic() > deadline:
            return [f"{p.pid} {cmdline(p)[:120]}" for p in left.values()]
        time.sleep(0.05)


def kill_tree(processes: list[psutil.Process]) -> None:
    """Clean up after a failed assertion so one failure does not poison the machine."""
    for proc in processes:
        with contextlib.suppress(psutil.Error):
            proc.kill()
