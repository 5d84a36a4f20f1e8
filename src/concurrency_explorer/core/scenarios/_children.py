"""Start, watch and always reap the scenario's own child processes.

Hazard scenarios make a child hang on purpose; this module is what guarantees
that none outlives the scenario: every child is started from the launcher thread
(so ``PR_SET_PDEATHSIG`` holds), watched for progress, ended when it stalls
(SIGTERM, then SIGKILL) and joined in a ``finally``.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import launcher
from ..engines.mp import get_context
from .base import Context

# Python 3.12+ warns when a process with threads forks. The hazard scenarios fork
# a threaded process on purpose (that IS the lesson), so exactly this warning is
# silenced while they start a child; everything else still raises under pytest.
FORK_WARNING = r"This process \(pid=\d+\) is multi-threaded, use of fork\(\)"


@contextlib.contextmanager
def fork_warning_silenced() -> Iterator[None]:
    """Ignore only the fork-with-threads DeprecationWarning, only meanwhile.

    Called on the launcher thread around ``Process.start``; with context-aware
    warnings (3.14 free-threaded) this touches only that thread's filters.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=FORK_WARNING, category=DeprecationWarning)
        yield


def start_child(method: str, target: Any, args: tuple[Any, ...], name: str) -> Any:
    """Start ``target(*args)`` in a new process made with ``method``, from the launcher."""
    ctx = get_context(method)
    process = ctx.Process(target=target, args=args, name=name, daemon=True)

    def start() -> None:
        with fork_warning_silenced():
            process.start()

    launcher.call(start, timeout=30)
    return process


def reap(process: Any, timeout: float = 2.0) -> int | None:
    """Join; if still alive, SIGTERM then SIGKILL. Returns the exit code."""
    if process.pid is None:
        return None
    process.join(timeout)
    if process.exitcode is None:
        process.terminate()
        process.join(0.5)
    if process.exitcode is None:
        process.kill()
        process.join(2.0)
    return process.exitcode


@dataclass
class Watched:
    """One child under the watchdog: its events and how it ended."""

    name: str
    process: Any
    conn: Any
    t_start: float = field(default_factory=time.perf_counter)
    events: list[tuple[str, float]] = field(default_factory=list)
    last_event_t: float | None = None
    stalled_after_s: float | None = None  # silence when the watchdog gave up on it
    ended_by: str | None = None  # None: ended by itself; "SIGTERM" / "SIGKILL"
    exit_code: int | None = None
    eof: bool = False

    def event_names(self) -> list[str]:
        return [name for name, _ in self.events]

    def summary(self) -> dict[str, Any]:
        return {
            "events": [
                {"event": name, "at_s": round(t - self.t_start, 4)} for name, t in self.events
            ],
            "stalled_after_s": None
            if self.stalled_after_s is None
            else round(self.stalled_after_s, 3),
            "ended_by": self.ended_by or "itself",
            "exit_code": self.exit_code,
            "alive_after": self.process.is_alive() if self.process.pid else False,
        }


def watch(
    children: list[Watched], context: Context, stall_after_s: float, deadline_s: float = 20.0
) -> None:
    """Read every child's events until each has ended; end the ones that stall.

    A child that, once started (its first event), sent nothing for ``stall_after_s``
    while alive is ended: SIGTERM, then SIGKILL half a second later. Every child is
    reaped before returning.
    """
    t0 = time.perf_counter()
    try:
        while True:
            now = time.perf_counter()
            pending = False
            for child in children:
                _read(child)
                if child.process.exitcode is not None and child.eof:
                    continue
                pending = True
                # silence counts from the child's first event: starting (a spawn child
                # boots a whole interpreter, seconds on a busy machine) is not stalling;
                # a child that never starts is ended at ``deadline_s``
                since = child.last_event_t
                silence = 0.0 if since is None else now - since
                if child.process.exitcode is None and silence >= stall_after_s:
                    if child.ended_by is None:
                        child.stalled_after_s = silence
                        child.ended_by = "SIGTERM"
                        child.process.terminate()
                    elif child.ended_by == "SIGTERM" and silence >= stall_after_s + 0.5:
                        child.ended_by = "SIGKILL"
                        child.process.kill()
                if child.process.exitcode is not None and not child.eof:
                    child.eof = not child.conn.poll(0)
            if not pending:
                break
            if context.cancel.is_set() or now - t0 > deadline_s:
                for child in children:
                    if child.process.exitcode is None:
                        child.ended_by = child.ended_by or "SIGKILL"
                        child.process.kill()
                break
            time.sleep(0.02)
    finally:
        for child in children:
            child.exit_code = reap(child.process)
            with contextlib.suppress(Exception):
                child.conn.close()
    context.check()


def _read(child: Watched) -> None:
    try:
        while child.conn.poll(0):
            name, t = child.conn.recv()
            child.events.append((name, t))
            child.last_event_t = t
    except (EOFError, OSError):
        child.eof = True
