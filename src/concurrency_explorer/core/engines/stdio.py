"""Host engines under another interpreter (``--python PATH``): a plain subprocess
speaking JSON lines (``core/child/stdio_host.py``), read by a thread into a local queue.

The window stays on the app's Python (PySide6 has no free-threaded build); only the
workers move. With a free-threaded build (3.13t/3.14t) CPU-bound threads then run
in parallel, and the record's ``worker_environment`` says GIL off.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from ... import __file__ as _package_init
from .. import launcher
from ..child import protocol
from ..child.stdio_host import BOOT, STOP_LINE
from ..child.workers import WorkerSpec
from .base import Engine, UnitStatus

PACKAGE_PARENT = str(Path(_package_init).resolve().parents[1])
STDERR_LINES = 20  # the host's last lines of stderr, kept for a failure message
# a host says which Python it is before anything else; silence this long means the
# path is not a Python that runs our host (a wrapper script stuck in a child, say)
ANSWER_TIMEOUT_S = 20.0
_MESSAGE_TYPES = {cls.__name__: cls for cls in protocol.MESSAGE_TYPES}


class StdioHostEngine(Engine):
    """One host process under ``python``, running ``mode`` (thread, sequential, ...)."""

    label = "host under another Python"
    gil_stamps = True  # it hosts threads, a pool of them or coroutines

    def __init__(
        self,
        host_mode: str,
        host_entry: str,
        python: str,
        queue_size: int,
        host_options: dict[str, Any],
        hosted: Engine | None = None,
    ) -> None:
        super().__init__(None, queue_size)
        self.mode = host_mode  # type: ignore[misc]  # the mode it hosts, for messages
        self.host_entry = host_entry  # the host function it runs (``HostEngine.host_entry``)
        self.python = python
        self.host_options = host_options  # not ``options``: that names the engine's flags
        #: the engine this host stands in for: its record keys (a thread pool's ``pool``)
        #: come from the options alone, so they hold under another Python too
        self.hosted = hosted
        self._proc: subprocess.Popen[str] | None = None
        self._launch: launcher.Job | None = None
        self._readers: list[threading.Thread] = []
        self._stderr: deque[str] = deque(maxlen=STDERR_LINES)
        self._environment: dict[str, Any] | None = None
        self._spawned_at = 0.0
        self._no_answer = False
        self._worker_ids: tuple[int, ...] = ()

    def open(self) -> None:
        self.queue = queue.Queue()  # the pipe is the bound: a slow reader blocks the host
        self.stop_event = threading.Event()

    def start(self, specs: list[WorkerSpec]) -> None:
        self._worker_ids = tuple(spec.worker_id for spec in specs)
        request = {
            "mode": self.mode,
            "entry": self.host_entry,
            "specs": [list(spec) for spec in specs],
            "options": self.host_options,
        }
        # from the launcher thread: PR_SET_PDEATHSIG follows the creating thread
        self._launch = launcher.submit(self._spawn, json.dumps(request))

    def _spawn(self, request_line: str) -> subprocess.Popen[str]:
        env = dict(os.environ)
        env.pop("PYTHONHOME", None)
        env.pop("PYTHONPATH", None)  # the app's paths are for the app's Python
        self._spawned_at = time.monotonic()
        proc = subprocess.Popen(
            [self.python, "-c", BOOT, PACKAGE_PARENT],
            # a group of its own: Stop and close reach whatever the interpreter starts
            # (a wrapper script's child keeps the pipes open after the wrapper is gone)
            start_new_session=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            env=env,
        )
        for target, name in ((self._read_stdout, "stdout"), (self._read_stderr, "stderr")):
            thread = threading.Thread(
                target=target, args=(proc,), name=f"stdio-host-{name}", daemon=True
            )
            thread.start()
            self._readers.append(thread)
        assert proc.stdin is not None
        try:
            proc.stdin.write(request_line + "\n")
            proc.stdin.flush()
        except OSError:
            pass  # the host died at once; its exit code and stderr tell why
        self._proc = proc
        return proc

    def _read_stdout(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                name, *fields = json.loads(line)
            except (ValueError, TypeError):
                self._stderr.append(f"unreadable line from the host: {line[:120]!r}")
                continue
            if name == "environment":
                self._environment = fields[0]
            elif name in _MESSAGE_TYPES:
                self.queue.put(_MESSAGE_TYPES[name](*fields))

    def _read_stderr(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            self._stderr.append(line.rstrip())

    def units(self) -> list[UnitStatus]:
        ids = self._worker_ids
        if self._launch is None or not self._launch.done():
            return [UnitStatus(ids, None, True, None)]
        error = self._launch.exception()
        if error is not None:
            reason = f"cannot start {self.python}: {type(error).__name__}: {error}"
            return [UnitStatus(ids, None, False, None, reason)]
        proc = self._launch.result()
        if (
            self._environment is None
            and not self._no_answer
            and time.monotonic() - self._spawned_at > ANSWER_TIMEOUT_S
        ):
            self._no_answer = True
            self._signal_group(signal.SIGKILL)
        # alive until the process ended AND its stdout was read to the end
        alive = proc.poll() is None or self._readers[0].is_alive()
        code = None if alive else proc.returncode
        failure = None
        if self._no_answer:
            failure = (
                f"{self.python} did not answer within {ANSWER_TIMEOUT_S:.0f} s "
                "(is it a Python interpreter?); it was killed"
            )
        elif code:
            last = next((line for line in reversed(self._stderr) if line.strip()), "")
            failure = (
                f"the host under {self.python} exited with code {code} "
                f"(it needs CPython 3.8 or newer): {last}"
            )
        return [UnitStatus(ids, proc.pid, alive, code, failure=failure)]

    def request_stop(self) -> None:
        self.stop_event.set()
        proc = self._proc
        if proc is not None and proc.stdin is not None and proc.poll() is None:
            try:
                proc.stdin.write(STOP_LINE + "\n")
                proc.stdin.flush()
            except (OSError, ValueError):
                pass

    def _signal_group(self, number: int) -> list[int]:
        """Signal the host's whole process group (the host may be gone, its children not)."""
        proc = self._proc
        if proc is None:
            return []
        try:
            os.killpg(proc.pid, number)
        except (ProcessLookupError, PermissionError):
            return []
        return [proc.pid]

    def terminate(self, worker_id: int | None = None) -> list[int]:
        return self._signal_group(signal.SIGTERM)

    def kill(self, worker_id: int | None = None) -> list[int]:
        return self._signal_group(signal.SIGKILL)

    def close(self) -> None:
        if self._launch is not None and launcher.launch_failed(self._launch, timeout=30):
            return  # never started: nothing to reap
        proc = self._proc
        if proc is None:
            return
        try:
            proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=2.0)
        self._signal_group(signal.SIGKILL)  # what the host left behind in its group
        for reader in self._readers:
            reader.join(timeout=2.0)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def worker_environment(self) -> dict[str, Any] | None:
        return self._environment

    def record_extras(self) -> dict[str, Any]:
        return self.hosted.record_extras() if self.hosted is not None else {}
