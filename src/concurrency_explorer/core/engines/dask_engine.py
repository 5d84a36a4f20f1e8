"""``--mode dask``: every worker a task on a Dask distributed cluster.

By default the run starts a ``LocalCluster`` (processes, one single-threaded worker
per countdown worker, on 127.0.0.1) and closes it at the end; with
``--scheduler tcp://HOST:PORT`` it uses an existing cluster and leaves it running.
Progress comes back while tasks run as Dask events (see ``core/dask_worker.py``).
The lesson: a cluster pays per task for scheduling and messaging what a local
process pays once; ``start_latency_s`` shows the per-task part.

Dask is an optional extra: ``pip install 'concurrency-explorer[dask]'``.
Timestamps assume the workers share this machine's clock (``perf_counter`` is
system-wide on one machine, not across machines).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import os
import queue
import sys
import threading
import time
import uuid
from typing import Any

from .. import launcher
from ..child import protocol
from ..child.workers import WorkerSpec
from ..config import RunConfig
from .base import Engine, UnitStatus

INSTALL_HINT = "needs Dask: pip install 'concurrency-explorer[dask]'"
IMPORT_HINT = (
    "the Dask scheduler and workers cannot import concurrency_explorer: install it where "
    "they run, or start them with PYTHONPATH set to this app's src folder"
)
CONNECT_TIMEOUT_S = 15
EXIT_WAIT_S = 30.0  # at interpreter exit, how long a closing cluster may still take
_MESSAGE_TYPES = {cls.__name__: cls for cls in protocol.MESSAGE_TYPES}
_teardowns: list[threading.Thread] = []
_exit_hook_registered = False


def wait_for_teardowns(timeout: float = 30.0) -> bool:
    """Wait until every closing cluster is gone. True when none is left."""
    deadline = time.monotonic() + timeout
    for thread in list(_teardowns):
        thread.join(max(0.0, deadline - time.monotonic()))
        if not thread.is_alive():
            _teardowns.remove(thread)
    return not _teardowns


def _wait_at_exit() -> None:
    """A script that ran a dask run and returns at once must not die mid-teardown: the
    interpreter would kill the daemon thread inside Dask's close and print tracebacks."""
    if not wait_for_teardowns(EXIT_WAIT_S):
        print(
            f"concurrency-explorer: a Dask cluster was still closing after {EXIT_WAIT_S:.0f} s",
            file=sys.stderr,
        )


def _register_exit_wait() -> None:
    # Registered on first teardown, after ``distributed`` was imported: atexit runs
    # handlers last-in first-out, so this wait comes before Dask's own exit handlers.
    global _exit_hook_registered
    if not _exit_hook_registered:
        _exit_hook_registered = True
        atexit.register(_wait_at_exit)


class DaskEngine(Engine):
    mode = "dask"
    label = "Dask cluster"
    options = frozenset({"scheduler"})
    description = (
        "Each worker a task on a Dask cluster (a local one by default): processes that "
        "could be other machines. Every task pays for scheduling and messages."
    )
    unit = "Dask task"
    has_dashboard = True
    where = "on a Dask cluster"
    ran_as = "on a Dask cluster"

    @classmethod
    def shutdown(cls, timeout: float = 30.0) -> bool:
        # a LocalCluster closes on a thread of its own (seconds; not on a GUI thread)
        return wait_for_teardowns(timeout)

    def __init__(self, start_method: str | None, queue_size: int) -> None:
        super().__init__(start_method, queue_size)
        self.scheduler: str | None = None
        self.n_workers = 1
        self._boot: launcher.Job | None = None
        self._closing = False
        self._client: Any = None
        self._cluster: Any = None
        self._topic = ""
        self._stop: Any = None
        self._requests: dict[int, float] = {}
        self._addresses: dict[int, str] = {}
        self._pids: dict[int, int] = {}
        self._results: dict[int, dict[str, Any]] = {}
        self._cluster_start_s: float | None = None
        self._worker_ids: tuple[int, ...] = ()
        self._info: dict[str, Any] = {}

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        for name in ("dask", "distributed"):
            if importlib.util.find_spec(name) is None:
                return False, INSTALL_HINT
        return True, ""

    @classmethod
    def from_config(cls, config: RunConfig) -> DaskEngine:
        engine = cls(None, config.queue_size)
        engine.scheduler = config.scheduler
        engine.n_workers = config.workers
        return engine

    def open(self) -> None:
        self.queue = queue.Queue()
        self.stop_event = threading.Event()
        run_id = uuid.uuid4().hex[:12]
        self._topic = f"concurrency-explorer-{run_id}"
        self._stop_name = f"concurrency-explorer-stop-{run_id}"

    def start(self, specs: list[WorkerSpec]) -> None:
        self._worker_ids = tuple(spec.worker_id for spec in specs)
        # cluster start takes seconds: never on the caller's (GUI) thread; the
        # launcher thread lives as long as the app (the cluster's processes are
        # started from the Client's own loop thread, which lives as long as it)
        self._boot = launcher.submit(self._start_tasks, specs)

    def _start_tasks(self, specs: list[WorkerSpec]) -> dict[int, Any]:
        from distributed import Client, Event, LocalCluster

        from ..dask_worker import dask_task

        t0 = time.perf_counter()
        if self.scheduler is None:
            self._cluster = LocalCluster(
                n_workers=self.n_workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                # the scheduler's HTTP server (dashboard with bokeh, /health and /metrics
                # without) on a free loopback port: None would mean 8787, taken by any
                # other Dask cluster on this machine (a warning, then another port)
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster, timeout=CONNECT_TIMEOUT_S)
        else:
            self._client = Client(self.scheduler, timeout=CONNECT_TIMEOUT_S)
        self._cluster_start_s = time.perf_counter() - t0
        client = self._client
        self._info = {
            "cluster": "local" if self._cluster is not None else "external",
            "scheduler": client.scheduler.address,
            "dashboard": client.dashboard_link if importlib.util.find_spec("bokeh") else None,
            "cluster_start_s": round(self._cluster_start_s, 6),
            "workers": client.run(os.getpid),  # {worker address: pid}
        }
        self._stop = Event(self._stop_name, client=client)
        if self.stop_event.is_set():
            self._stop.set()
        client.subscribe_topic(self._topic, self._on_event)
        futures = {}
        for spec in specs:
            t_request = time.perf_counter()
            self._requests[spec.worker_id] = t_request
            futures[spec.worker_id] = client.submit(
                dask_task,
                tuple(spec),
                self._topic,
                self._stop_name,
                t_request,
                key=f"countdown-{self._topic[-12:]}-{spec.worker_id}",
                pure=False,
            )
        return futures

    def _on_event(self, event: Any) -> None:
        # on the Client's loop thread: (timestamp, [type name, *fields, worker address])
        _when, msg = event
        name, *fields = msg
        address = fields.pop()
        kind = _MESSAGE_TYPES.get(name)
        if kind is None:
            return
        message = kind(*fields)
        if isinstance(message, protocol.Started):
            self._addresses[message.worker_id] = address
            self._pids[message.worker_id] = message.pid
        self.queue.put(message)

    def start_requests(self) -> dict[int, float]:
        return dict(self._requests)

    def _futures(self) -> dict[int, Any] | None:
        if self._boot is None or not self._boot.done() or self._boot.exception():
            return None
        return self._boot.result()

    def units(self) -> list[UnitStatus]:
        if self._boot is not None and self._boot.done() and self._boot.exception():
            error = self._boot.exception()
            where = self.scheduler or "a local cluster"
            reason = f"cannot use {where}: {type(error).__name__}: {error}"
            return [UnitStatus(self._worker_ids, None, False, None, reason)]
        futures = self._futures()
        if futures is None:
            return [UnitStatus(self._worker_ids, None, True, None)]
        return [self._status(wid, future) for wid, future in futures.items()]

    def _status(self, wid: int, future: Any) -> UnitStatus:
        if not future.done():
            return UnitStatus((wid,), None, True, None)
        if future.cancelled():
            reason = "cancelled: Dask cannot interrupt a running task (its thread may run on)"
            return UnitStatus((wid,), None, False, None, failure=reason, messages_may_lag=True)
        if future.status == "error":
            error = future.exception()
            reason = f"the Dask task failed: {type(error).__name__}: {error}"
            if "deserializ" in str(error):
                reason = f"{IMPORT_HINT} ({reason})"
            return UnitStatus((wid,), None, False, None, failure=reason, messages_may_lag=True)
        result = self._results.get(wid)
        if result is None:
            result = self._results[wid] = future.result()
        # events and results travel separately: the Done event may still be on its way
        return UnitStatus((wid,), result["pid"], False, 0, messages_may_lag=True)

    def request_stop(self) -> None:
        super().request_stop()
        if self._stop is not None:
            self._stop.set()

    def _cancel(self, worker_id: int | None) -> list[int]:
        futures = self._futures() or {}
        chosen = {wid: f for wid, f in futures.items() if worker_id in (None, wid) and not f.done()}
        if not chosen or self._client is None:
            return []
        self._client.cancel(list(chosen.values()), force=True)
        # no signal is sent: these are the pids of the Dask workers whose tasks were cancelled
        return [self._pids.get(wid, 0) for wid in chosen]

    def terminate(self, worker_id: int | None = None) -> list[int]:
        return self._cancel(worker_id)

    def kill(self, worker_id: int | None = None) -> list[int]:
        return self._cancel(worker_id)

    def close(self) -> None:
        boot = self._boot
        if boot is None or self._closing:
            return
        self._closing = True

        def teardown() -> None:
            # a cluster still starting (Stop or closing the window at once) is waited
            # for here, on this thread: never on the caller's (GUI) thread
            with contextlib.suppress(Exception):
                boot.result(timeout=120)
            client, cluster = self._client, self._cluster
            self._client = self._cluster = None
            try:
                if client is not None:
                    if self._topic:
                        client.unsubscribe_topic(self._topic)
                    client.close()
            finally:
                if cluster is not None:
                    cluster.close()

        # closing a cluster takes seconds: not on the caller's (GUI) thread;
        # wait_for_teardowns() is how the CLI and the tests wait for it
        thread = threading.Thread(target=teardown, name="dask-teardown", daemon=True)
        _register_exit_wait()
        thread.start()
        _teardowns.append(thread)

    def record_extras(self) -> dict[str, Any]:
        return {"dask": dict(self._info)} if self._info else {}

    def worker_extras(self) -> dict[int, dict[str, Any]]:
        extras = {}
        for wid in self._worker_ids:
            address = self._addresses.get(wid) or self._results.get(wid, {}).get("address")
            extras[wid] = {"dask_worker": address}
        return extras

    def worker_places(self) -> dict[int, str]:
        extras = self.worker_extras()
        return {wid: str(e["dask_worker"]) for wid, e in extras.items() if e.get("dask_worker")}

    def worker_environment(self) -> dict[str, Any] | None:
        for result in self._results.values():
            keys = ("python", "implementation", "gil_enabled", "executable")
            return {key: result.get(key) for key in keys}
        return None
