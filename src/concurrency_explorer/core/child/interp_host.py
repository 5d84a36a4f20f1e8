"""Workers in subinterpreters (Python 3.14+, ``concurrent.interpreters``), one GIL each.

A host process (like the thread host) creates one interpreter per worker and runs
the worker in it on a thread of its own (``Interpreter.exec`` on that thread). Since
3.14 each such interpreter has its own GIL, so CPU-bound workers run in parallel
inside one process: threads' sharing with processes' parallelism.

A ``multiprocessing.Queue`` cannot cross into an interpreter, so the workers report
through a cross-interpreter queue (bounded like the run's queue; its ``QueueFull``
is a ``queue.Full``, so the if-then-try put drops and counts progress as usual).
The host's main thread pumps that queue into the run's queue and forwards Stop
as a token on a second cross-interpreter queue (``QueueFlag``).

Standard library only; ``concurrent.interpreters`` is imported when a host runs.
"""

from __future__ import annotations

import sys
import time

from .iftry import queue_iftry_get
from .workers import run_worker

TYPE_CHECKING = False  # the constant, without importing typing (children stay lean)
if TYPE_CHECKING:
    from typing import Any

    from .workers import WorkerSpec

PUMP_IDLE_S = 0.001
_NOTHING = object()


def interpreters_module() -> Any:
    """``concurrent.interpreters`` (3.14+); else the PEP 734 backport on PyPI
    (``interpreters-pep-734``, 3.12/3.13), which the test script uses where no 3.14 is
    at hand. Only the API both share is used: create, create_queue, prepare_main,
    exec, close, and the queues' empty/full/put/put_nowait/get_nowait."""
    if sys.version_info >= (3, 14):
        from concurrent import interpreters
    else:
        from interpreters_backport import interpreters
    return interpreters


class QueueFlag:
    """An Event look-alike over a queue: set once anything was put in it."""

    def __init__(self, q: Any) -> None:
        self.q = q

    def is_set(self) -> bool:
        return not self.q.empty()

    def set(self) -> None:
        if self.q.empty():
            self.q.put(True)


class PlainTupleQueue:
    """The worker's side of the cross-interpreter queue: messages travel as plain
    tuples ``(type name, *fields)``, which every interpreter can share without pickle."""

    def __init__(self, q: Any) -> None:
        self.q = q

    def full(self) -> bool:
        return self.q.full()

    def put(self, message: Any) -> None:
        self.q.put((type(message).__name__, *message))

    def put_nowait(self, message: Any) -> None:
        self.q.put_nowait((type(message).__name__, *message))


def to_message(item: tuple) -> Any:
    """A plain tuple from ``PlainTupleQueue`` back to its protocol message."""
    from . import protocol

    kind = {cls.__name__: cls for cls in protocol.MESSAGE_TYPES}[item[0]]
    return kind(*item[1:])


def interp_worker(spec: tuple, q: Any, stop_q: Any, t_request: float) -> None:
    """Runs inside a subinterpreter: one worker, reporting through ``q``."""
    from .workers import WorkerSpec

    run_worker(WorkerSpec(*spec), PlainTupleQueue(q), QueueFlag(stop_q), t_request)


#: What each interpreter runs; its names are bound by ``prepare_main``.
WORKER_CODE = """\
from concurrency_explorer.core.child.interp_host import interp_worker
interp_worker(spec, q, stop_q, t_request)
"""

#: Run first in each interpreter: our sys.path, and the queue class's module, which
#: must be imported in an interpreter before a queue can be bound into it.
SETUP_CODE = """\
import importlib, sys
sys.path[:0] = list(path)
importlib.import_module(queue_module)
"""


def pump(source: Any, target: Any, stop: Any, stop_flag: QueueFlag, threads: list[Any]) -> int:
    """Move every message from ``source`` to ``target`` until all ``threads`` ended.

    Blocking puts into ``target``: when the run's queue is full, ``source`` fills up
    and the workers' own if-then-try puts drop (and count) progress, as elsewhere.
    Returns the number of messages moved.
    """
    moved = 0
    while True:
        if stop.is_set() and not stop_flag.is_set():
            stop_flag.set()
        item = queue_iftry_get(source, default=_NOTHING, use_default=True)
        if item is not _NOTHING:
            target.put(to_message(item))
            moved += 1
            continue
        if not any(t.is_alive() for t in threads):
            item = queue_iftry_get(source, default=_NOTHING, use_default=True)
            if item is _NOTHING:
                return moved  # all ended and nothing left: their messages are all moved
            target.put(to_message(item))
            moved += 1
            continue
        time.sleep(PUMP_IDLE_S)


def host_interpreters(specs: list[WorkerSpec], q: Any, stop: Any, options: dict) -> None:
    """``interpreter``'s host function (``Engine.host_entry``); Python 3.14+ only."""
    run_interpreters(specs, q, stop, options.get("queue_size", 0))


def run_interpreters(specs: list[WorkerSpec], q: Any, stop: Any, queue_size: int = 0) -> None:
    """Run each worker in a subinterpreter of this process, then close them all."""
    import threading

    interpreters = interpreters_module()
    source = interpreters.create_queue(maxsize=queue_size)
    stop_q = interpreters.create_queue()
    # a new interpreter starts from the default sys.path: give it ours, so it
    # imports this package from where the host did
    path = tuple(p for p in sys.path if isinstance(p, str))
    interps = []
    threads = []
    errors: list[BaseException] = []

    def run_in(interp: Any) -> None:
        try:
            interp.exec(WORKER_CODE)
        except BaseException as exc:  # surfaces below, after every thread ended
            errors.append(exc)

    try:
        for spec in specs:
            interp = interpreters.create()
            interps.append(interp)
            interp.prepare_main(path=path, queue_module=type(source).__module__)
            interp.exec(SETUP_CODE)
            interp.prepare_main(
                spec=tuple(spec), q=source, stop_q=stop_q, t_request=time.perf_counter()
            )
            thread = threading.Thread(target=run_in, args=(interp,), name=f"interp-{spec[0]}")
            thread.start()
            threads.append(thread)
        pump(source, q, stop, QueueFlag(stop_q), threads)
    finally:
        for thread in threads:
            thread.join()
        for interp in interps:
            interp.close()
    if errors:
        raise errors[0]
