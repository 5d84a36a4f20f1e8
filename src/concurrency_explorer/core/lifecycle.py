"""Children die with their parent: the app must leave no orphan behind.

Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``. It fires when the parent *thread* that
created the child exits, so the runner starts processes from one long-lived thread
(see ``launcher``). Everywhere: a watch thread that exits when the parent pid changes
(re-parenting to init or a subreaper), which also closes the race where the parent
died before ``prctl`` ran. Standard library only: workers import this.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
_WATCH_INTERVAL_S = 0.25


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send ``sig`` when our parent thread exits. Linux only."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except Exception:  # pragma: no cover - exotic libc
        return False


def _watch(expected_ppid: int) -> None:
    while True:
        if os.getppid() != expected_ppid:
            os._exit(70)  # parent gone: nobody is listening any more
        time.sleep(_WATCH_INTERVAL_S)


def start_parent_watch(expected_ppid: int | None = None) -> threading.Thread:
    """Start a daemon thread that ends this process when its parent goes away."""
    ppid = os.getppid() if expected_ppid is None else expected_ppid
    thread = threading.Thread(target=_watch, args=(ppid,), name="parent-watch", daemon=True)
    thread.start()
    return thread


def die_with_parent(expected_ppid: int | None = None) -> None:
    """Both guards at once; call first thing in a child process."""
    ppid = os.getppid() if expected_ppid is None else expected_ppid
    set_parent_death_signal()
    if os.getppid() != ppid:
        os._exit(70)
    start_parent_watch(ppid)
