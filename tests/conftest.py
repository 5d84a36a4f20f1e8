"""Shared fixtures. Every test fails if it leaves a child process or a stray thread.

The app's long-lived helpers are allowed to outlive a test: the multiprocessing
forkserver and resource tracker (one each per app, by design) and the launcher
thread that starts every child (see core/launcher.py).
"""

from __future__ import annotations

import os
import sys
import threading
import time

import psutil
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# "Dask-Offload": distributed's process-wide offload executor thread, started on its
# first use and kept for the life of the process by design (not per cluster or run).
ALLOWED_THREAD_PREFIXES = (
    "Dask-Offload",
    "concurrency-explorer-launcher",
    "QueueFeederThread",
    "pydevd",
)


QT_THREAD_REPORTS: dict[str, int] = {}  # "message + stack" -> how many times


def _report_qt_messages_off_the_gui_thread() -> None:
    """A Qt warning about threads (a Qt object touched from a worker, loop or GC
    thread) also prints the emitting thread's Python stack to stderr, which pytest
    shows under a failing test, and is listed at the end of the session even when a
    test ignores it (``qt_log_ignore``): the warning alone says nothing of where.
    """
    try:
        from pytestqt import logging as qt_logging

        capture = qt_logging._QtMessageCapture
        original = capture._handle_with_context
    except (ImportError, AttributeError):  # another pytest-qt: no report, tests still fail
        return

    def handle(self, msg_type, context, message):
        text = str(message)
        thread = threading.current_thread()
        if thread is not threading.main_thread() or "thread" in text:
            import traceback

            report = f"Qt message on thread {thread.name!r}: {text}\n" + "".join(
                traceback.format_stack()[:-1]
            )
            sys.stderr.write(report)
            QT_THREAD_REPORTS[report] = QT_THREAD_REPORTS.get(report, 0) + 1
        return original(self, msg_type, context, message)

    capture._handle_with_context = handle


_report_qt_messages_off_the_gui_thread()


def pytest_terminal_summary(terminalreporter) -> None:
    if QT_THREAD_REPORTS:
        terminalreporter.section("Qt warnings about threads (with the Python stack)")
        for report, times in list(QT_THREAD_REPORTS.items())[:3]:
            terminalreporter.write_line(f"{times} x {report}")


def is_app_helper(proc: psutil.Process) -> bool:
    """The forkserver and the resource tracker: one per app, meant to live on.

    Only our direct children count: a forkserver's children (workers, hosts) share
    its command line but are not helpers, and must be gone after a test.
    """
    try:
        cmdline = " ".join(proc.cmdline())
        ppid = proc.ppid()
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return False
    if ppid != os.getpid():
        return False
    return "multiprocessing.forkserver" in cmdline or "resource_tracker" in cmdline


def leftover_children(timeout: float = 3.0) -> list[psutil.Process]:
    """Children of this process other than app helpers, waiting up to ``timeout``."""
    me = psutil.Process()
    deadline = time.monotonic() + timeout
    while True:
        left = []
        for child in me.children(recursive=True):
            try:
                if child.status() == psutil.STATUS_ZOMBIE:
                    left.append(child)
                    continue
            except psutil.NoSuchProcess:
                continue
            if not is_app_helper(child):
                left.append(child)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def stray_threads(baseline: set[int], timeout: float = 3.0) -> list[threading.Thread]:
    deadline = time.monotonic() + timeout
    while True:
        stray = [
            t
            for t in threading.enumerate()
            if t.ident not in baseline and not t.name.startswith(ALLOWED_THREAD_PREFIXES)
        ]
        if not stray or time.monotonic() > deadline:
            return stray
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch):
    """The window remembers geometry, theme and configuration (gui/settings.py):
    every test gets fresh settings, and a developer's own are never read or written."""
    folder = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("CONCURRENCY_EXPLORER_SETTINGS_DIR", str(folder))


@pytest.fixture(autouse=True)
def no_leaks():
    """Fail a test that leaves a child process, a zombie or a stray thread behind."""
    baseline = {t.ident for t in threading.enumerate()}
    yield
    # warm process pools outlive a run on purpose (a second run starts at once), a
    # LocalCluster closes on a thread of its own: the CLI ends them on exit, the suite
    # after every test (then checks as usual)
    from concurrency_explorer.core.engines import shutdown_all

    closing = shutdown_all(timeout=60)
    assert not closing, f"engines still closing after 60 s: {closing}"
    left = leftover_children()
    assert not left, f"child processes left behind: {[(p.pid, p.name()) for p in left]}"
    stray = stray_threads(baseline)
    assert not stray, f"threads left behind: {[t.name for t in stray]}"
