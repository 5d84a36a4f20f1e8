"""The app's side of the start helper (``core/child/starter.py``): one helper process per run.

A run with more worker processes than cores has its workers started by a helper
process, not by the app's own process (why: ``core/child/starter.py``). This class keeps
what the helper reported (start requests, pids, start errors, exit codes) and
answers the engine's questions from it, without ever blocking: the pipe is read
with ``poll(0)``.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from .. import launcher
from ..child.starter import starter_main
from ..child.workers import WorkerSpec
from .base import UnitStatus

HELPER_NAME = "start-helper"
JOIN_S = 2.0  # the helper exits right after its last worker; more than this: it is stuck
LOST = "the start helper process ended before it reported this worker's end"


class StartHelper:
    """Starts ``specs`` with ``method`` from a helper made with ``helper_ctx``."""

    def __init__(
        self,
        helper_ctx: Any,
        method: str,
        specs: list[WorkerSpec],
        q: Any,
        stop: Any,
        niceness: int = 0,
    ) -> None:
        self.worker_ids = [spec.worker_id for spec in specs]
        self.conn, child = helper_ctx.Pipe()
        self.process = helper_ctx.Process(
            target=starter_main,
            args=(method, specs, q, stop, child, niceness),
            name=HELPER_NAME,
            daemon=True,
        )
        self.requests: dict[int, float] = {}
        self.pids: dict[int, int] = {}
        self.exits: dict[int, int | None] = {}
        self.errors: dict[int, str] = {}
        self.skipped: set[int] = set()
        self._eof = False

        def start() -> int:
            try:
                self.process.start()  # from the launcher thread: PDEATHSIG stays armed
            finally:
                child.close()  # the helper holds its end; ours closing lets EOF mean "gone"
            return self.process.pid

        self.future: launcher.Job = launcher.submit(start)

    # -- what the helper said ------------------------------------------------------

    def _read(self) -> None:
        if self._eof or not self.future.done() or self.future.exception() is not None:
            return
        try:
            while self.conn.poll(0):
                self._apply(self.conn.recv())
        except (EOFError, OSError):
            self._eof = True

    def _apply(self, message: tuple[Any, ...]) -> None:
        kind, wid = message[0], message[1]
        if kind == "started":
            self.requests[wid] = message[2]
            self.pids[wid] = message[3]
        elif kind == "error":
            self.requests[wid] = message[2]
            self.errors[wid] = message[3]
        elif kind == "exited":
            self.exits[wid] = message[2]
        elif kind == "skipped":
            self.skipped.add(wid)

    def _helper_gone(self) -> bool:
        return self.future.done() and (
            self.future.exception() is not None or self.process.exitcode is not None
        )

    def units(self) -> list[UnitStatus]:
        gone = self._helper_gone()  # looked at BEFORE reading: its last words are read next
        self._read()
        start_error = self.future.exception() if self.future.done() else None
        statuses = []
        for wid in self.worker_ids:
            pid = self.pids.get(wid)
            if start_error is not None:
                reason = f"{type(start_error).__name__}: {start_error}"
                statuses.append(UnitStatus((wid,), None, False, None, reason))
            elif wid in self.errors:
                statuses.append(UnitStatus((wid,), None, False, None, self.errors[wid]))
            elif wid in self.exits:
                statuses.append(UnitStatus((wid,), pid, False, self.exits[wid]))
            elif wid in self.skipped:
                statuses.append(UnitStatus((wid,), pid, False, None))
            elif gone:
                code = self.process.exitcode
                statuses.append(UnitStatus((wid,), pid, False, code, failure=LOST))
            else:
                statuses.append(UnitStatus((wid,), pid, True, None))
        return statuses

    def start_requests(self) -> dict[int, float]:
        self._read()
        return dict(self.requests)

    # -- Stop and end ------------------------------------------------------------------

    def signal(self, worker_id: int | None, kill: bool) -> list[int]:
        """SIGTERM (or SIGKILL) started workers that have not exited, from here: Stop
        must not wait for the helper to get a core. All workers: no more starts either."""
        self._read()
        if worker_id is None:
            self._send_halt()
        sig = getattr(signal, "SIGKILL", signal.SIGTERM) if kill else signal.SIGTERM
        pids = []
        for wid, pid in self.pids.items():
            if (worker_id is not None and wid != worker_id) or wid in self.exits:
                continue
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                continue  # exited a moment ago; its "exited" is on its way
            pids.append(pid)
        return pids

    def _send_halt(self) -> None:
        if self._eof or not self.future.done() or self.future.exception() is not None:
            return
        try:
            self.conn.send(("halt",))
        except OSError:
            self._eof = True

    def close(self) -> None:
        """Wait for the helper (it exits after its last worker), then release the pipe."""
        try:
            self.future.result(timeout=10)
        except Exception:
            self.conn.close()
            return  # never started
        self.process.join(JOIN_S)
        if self.process.exitcode is None:
            self.process.kill()  # its workers die with it (PDEATHSIG)
            self.process.join(JOIN_S)
        self._read()
        self.conn.close()
        if self.process.exitcode is not None:
            self.process.close()
