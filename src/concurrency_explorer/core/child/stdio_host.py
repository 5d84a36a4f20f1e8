"""A host process under *another* Python (``--python PATH``), speaking JSON lines.

The app starts ``PATH -c <boot> SRC`` with pipes. It writes one JSON line with the
mode, the worker specs and the host options; later a ``stop`` line asks the
workers to stop. The host answers on stdout with JSON lines: first
``["environment", {...}]`` (the interpreter that runs the workers: version, GIL on
or off), then every protocol message as ``[type name, *fields]``.

Why not ``multiprocessing`` with ``set_executable``: a spawn child unpickles its
parent's ``sys.path`` and objects, which ties both sides to one Python version;
plain JSON over pipes works with any CPython >= 3.8, including free-threaded
builds. End of stdin means the app is gone: the host exits at once.

Standard library only, and syntax that Python 3.8 reads.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import sysconfig
import threading

#: The command line the app runs: ``[python, "-c", BOOT, <dir holding the package>]``.
BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from concurrency_explorer.core.child.stdio_host import main; main()"
)
STOP_LINE = "stop"


def describe() -> dict:
    """The interpreter running this host: the record's ``worker_environment``."""
    check = getattr(sys, "_is_gil_enabled", None)
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "gil_enabled": bool(check()) if check is not None else True,
        "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED") or 0),
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count() or 1,
    }


class LineQueue:
    """The workers' queue: each message becomes one JSON line on the protocol pipe.

    Never "full": a slow reader blocks the writer in the pipe instead, and the app
    reads the pipe all the time on a thread of its own.
    """

    def __init__(self, stream) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def full(self) -> bool:
        return False

    def put(self, message) -> None:
        line = json.dumps([type(message).__name__, *message])
        with self.lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    put_nowait = put


def _watch_stdin(stop: threading.Event) -> None:
    for line in sys.stdin:
        if line.strip() == STOP_LINE:
            stop.set()
    os._exit(70)  # stdin closed: the app is gone, or gave up on us


def main() -> None:
    """Entry point of the host (see ``BOOT``)."""
    from .lifecycle import die_with_parent
    from .workers import WorkerSpec, run_host

    die_with_parent()
    protocol_out = os.fdopen(os.dup(1), "w")
    sys.stdout = sys.stderr  # a stray print must never corrupt the protocol
    request = json.loads(sys.stdin.readline())
    q = LineQueue(protocol_out)
    with q.lock:
        protocol_out.write(json.dumps(["environment", describe()]) + "\n")
        protocol_out.flush()
    stop = threading.Event()
    threading.Thread(target=_watch_stdin, args=(stop,), daemon=True).start()
    specs = [WorkerSpec(*fields) for fields in request["specs"]]
    run_host(request["entry"], specs, q, stop, request.get("options") or {})
    protocol_out.flush()
    os._exit(0)  # not sys.exit: the stdin watcher thread must not keep us alive
