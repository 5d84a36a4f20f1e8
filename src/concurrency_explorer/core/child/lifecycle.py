"""Children die with their parent: the app must leave no orphan behind.

Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``. It fires when the parent *thread* that
created the child exits, so the runner starts processes from one long-lived thread
(see ``launcher``). Everywhere: a watch thread that exits when the parent pid changes
(re-parenting to init or a subreaper). The race where the app died before
``prctl`` ran is closed by checking, once armed, that the parent is still the app
(or the app's forkserver). Standard library only: workers import this.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
_WATCH_INTERVAL_S = 0.25
_prctl = None  # libc's prctl, loaded once; forked children inherit it ready to call


def _load_prctl():
    global _prctl
    if _prctl is None:
        import ctypes  # 3-8 ms to import: paid once per process, or never after fork

        _prctl = ctypes.CDLL(None, use_errno=True).prctl
    return _prctl


def warm() -> None:
    """Load ``ctypes`` and ``prctl`` now, in the parent, so ``fork`` children inherit them.

    Without this every forked worker imported ``ctypes`` (and this module) itself:
    about 10 ms on top of a 4 ms bare fork start. ``forkserver`` gets the same from
    its preload; a ``spawn`` child has to pay (see ``workers.process_main``).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        _load_prctl()
    except Exception:  # pragma: no cover - exotic libc
        return  # set_parent_death_signal reports the failure when it matters


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send ``sig`` when our parent thread exits. Linux only."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return _load_prctl()(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
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


#: The unit of /proc's CPU times and start times (``USER_HZ``, nearly always 100).
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def proc_stat_field(path: str, index: int) -> int | None:
    """Field ``index`` of a ``/proc/.../stat`` file (Linux), counted after "pid (comm)"
    (0 is the state); None where unreadable. The one parser of that format: children
    use it (stdlib only), and so does the parent's CPU sampler."""
    fields = proc_stat_fields(path, index)
    return None if fields is None else fields[0]


def proc_stat_fields(path: str, *indexes: int) -> tuple[int, ...] | None:
    """Several fields of one ``/proc/.../stat`` file, from one read (``proc_stat_field``)."""
    try:
        with open(path, "rb") as stat:
            data = stat.read()
    except OSError:
        return None
    # "pid (command) state ppid ...": the command may hold spaces and parentheses
    fields = data[data.rfind(b")") + 2 :].split()
    try:
        return tuple(int(fields[index]) for index in indexes)
    except (IndexError, ValueError):
        return None


def parent_of(pid: int) -> int | None:
    """The parent pid of ``pid`` read from ``/proc`` (Linux); None where unreadable."""
    return proc_stat_field(f"/proc/{pid}/stat", 1)


def creator_pid() -> int | None:
    """The pid of the process that created this one's ``multiprocessing.Process``.

    That is the app for every start method: the direct parent for fork and spawn,
    the forkserver's client for forkserver. None outside a multiprocessing child.
    """
    process = sys.modules.get("multiprocessing.process")  # loaded in every mp child
    parent = process.parent_process() if process is not None else None
    return None if parent is None else parent.pid


def descends_from(ppid: int, creator: int) -> bool:
    """Is a child whose parent is ``ppid`` still in ``creator``'s tree?

    Yes if ``ppid`` is the creator (fork, spawn) or the creator's child (the
    forkserver). A child re-parented to init or a subreaper is not.
    """
    if ppid == creator:
        return True
    if ppid == 1:
        return False
    grandparent = parent_of(ppid)
    return grandparent is None or grandparent == creator  # None: cannot tell here


def die_with_parent(expected_ppid: int | None = None) -> None:
    """Both guards at once; call first thing in a child process.

    The parent may already be gone when this runs (a spawn child spends 50+ ms
    importing before it gets here): then ``prctl`` never fires and the current
    parent pid is init's. So the check is against who *should* be the parent:
    ``expected_ppid`` when given, and the process that created us (see
    ``creator_pid``) for every multiprocessing child.
    """
    set_parent_death_signal()
    ppid = os.getppid()
    if expected_ppid is not None and ppid != expected_ppid:
        os._exit(70)
    creator = creator_pid()
    if creator is not None and not descends_from(ppid, creator):
        os._exit(70)  # the app died before the guard was armed
    start_parent_watch(ppid)


def renice(pid: int, niceness: int) -> None:
    """Make process ``pid`` ``niceness`` nicer than this one (a child just started: it
    must not wait for this before its first message). Quietly nothing where priorities
    cannot be set (Windows) or where it is refused."""
    if niceness and hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + niceness)
