"""The start helper: a small process that starts a run's worker processes for the app.

Why: with more worker processes than cores, the workers started first take every
core while the rest are still being started. Started from the app's own process
(the launcher thread), each ``fork`` copies the window's large process while holding
its GIL and glibc's malloc locks, and each ``spawn`` holds the GIL across
``vfork``/``exec`` (CPython 3.11); the starting thread is then preempted by the
busy workers *while holding them*, and the window's thread waits: 64 processes
froze the window for 6-9 s (py-spy: window thread in ``malloc``/GIL waits, the
launcher thread in ``_Fork``). The helper does that work in a process of its own,
so the window only reads what it reports. The helper itself is a forkserver (or
spawn) child, never a fork of the window: for ``fork`` its workers are forks of
the small helper. With many workers per core it also makes each worker nicer than
the window (``niceness``): beside 64 busy workers at its own priority, the window
got a 30th of a core, too little to repaint at 30 ms.

Protocol on one duplex pipe (the helper is the parent of the workers, so only it
can reap them and read their exit codes):

- helper -> app: ``("started", wid, t_request, pid)``, ``("error", wid, t_request,
  text)``, ``("skipped", wid)`` (not started: the app halted the starts),
  ``("exited", wid, exitcode)``; ``t_request`` is the ``perf_counter`` just before
  ``Process.start()`` (a system-wide clock), so ``start_latency_s`` keeps meaning
  "start request to first message".
- app -> helper: ``("halt",)``: start no more workers (Stop, a kill of every worker).

The app signals started workers itself (it knows their pids): Stop must not wait
for the helper to be scheduled on a saturated machine. The helper ends when its
last worker has exited, and dies with the app (``die_with_parent``); the workers
die with the helper. Standard library only: it runs in a lean child process.
"""

from __future__ import annotations

import multiprocessing
import time
from multiprocessing.connection import wait

from .lifecycle import renice
from .workers import WorkerSpec, process_main

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def starter_main(
    method: str, specs: list[WorkerSpec], q: Any, stop: Any, conn: Any, niceness: int = 0
) -> None:
    """Start ``specs`` with ``method``, report each start and exit through ``conn``.

    ``niceness``: how much nicer than this helper each worker runs, set right after
    its start (``ProcessEngine.worker_niceness`` says when and why). The helper itself
    keeps the app's priority: a nicer helper started its workers late, seconds late
    beside other programs' busy loops."""
    from .lifecycle import die_with_parent

    die_with_parent()
    # The app made this helper daemonic (ended with the app, never joined at its exit),
    # and multiprocessing refuses children to daemonic processes: its workers end with
    # it through PDEATHSIG instead, so the flag is lifted here. (The public setter: in
    # the child its own Process object was never started, so it allows the change.)
    multiprocessing.current_process().daemon = False
    _Starter(multiprocessing.get_context(method), q, stop, conn, niceness).run(specs)


class _Starter:
    def __init__(self, ctx: Any, q: Any, stop: Any, conn: Any, niceness: int = 0) -> None:
        self.ctx = ctx
        self.niceness = niceness
        self.q = q
        self.stop = stop
        self.conn: Any = conn  # None once the app's end is closed
        self.halted = False
        self.running: dict[Any, tuple[int, Any]] = {}  # sentinel -> (worker id, Process)

    def run(self, specs: list[WorkerSpec]) -> None:
        for index, spec in enumerate(specs):
            self._read_commands()
            if self.halted:
                for rest in specs[index:]:
                    self._send("skipped", rest.worker_id)
                break
            self._start(spec)
            self._reap(timeout=0)
        while self.running:
            self._reap(timeout=None)

    def _start(self, spec: WorkerSpec) -> None:
        process = self.ctx.Process(
            target=process_main,
            args=(spec, self.q, self.stop),
            name=f"worker-{spec.worker_id}",
            daemon=True,
        )
        t_request = time.perf_counter()
        try:
            process.start()
        except Exception as exc:
            self._send("error", spec.worker_id, t_request, f"{type(exc).__name__}: {exc}")
            return
        renice(process.pid, self.niceness)
        self.running[process.sentinel] = (spec.worker_id, process)
        self._send("started", spec.worker_id, t_request, process.pid)

    def _reap(self, timeout: float | None) -> None:
        """Report the workers that have exited; wait up to ``timeout`` for one (or a command)."""
        watched = [*self.running, *([self.conn] if self.conn is not None else [])]
        for ready in wait(watched, timeout):
            if ready is self.conn:
                self._read_commands()
                continue
            wid, process = self.running.pop(ready)
            process.join()
            self._send("exited", wid, process.exitcode)
            process.close()

    def _read_commands(self) -> None:
        try:
            while self.conn is not None and self.conn.poll(0):
                if self.conn.recv()[0] == "halt":
                    self.halted = True
        except (EOFError, OSError):
            self._lost_app()

    def _send(self, *message: Any) -> None:
        if self.conn is None:
            return
        try:
            self.conn.send(message)
        except OSError:
            self._lost_app()

    def _lost_app(self) -> None:
        """The app's end closed: start nothing more; the workers still get reaped."""
        self.conn = None
        self.halted = True
