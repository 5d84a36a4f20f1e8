"""The runner: one run of N workers, driven by polls from the GUI timer or the CLI loop.

A ``Run`` never blocks its caller for long: ``poll()`` drains the queue with the
if-then-try helpers (at most ``max_items`` messages), looks at the units, runs the
watchdog and the Stop escalation, and returns the messages it applied. The caller
decides the rhythm (a 30 ms QTimer, or a sleep in the CLI).

Order matters at the end: unit exits are read *before* the drain, and a worker
without a final message is only judged once the queue was found empty after its
unit exited. A child flushes its queue before it exits, so by then everything it
sent has arrived. Processes are joined only after that (no join-before-drain).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .child.iftry import drain
from .child.protocol import Done, Error, Held, Output, Progress, Started
from .config import RunConfig
from .engines import Engine, get_engine_class, is_baseline_mode
from .environment import environment
from .gil import GilLog
from .load import LoadMeter, reported_cpu_by_pid
from .metrics import (
    DONE,
    FAILED,
    PENDING,
    RUNNING,
    STALLED,
    STARTING,
    STOPPED,
    WorkerState,
    cores_used,
    speedup,
)
from .reliability import mark_speedup

SCHEMA = "concurrency-explorer/run/1"
DRAIN_MAX = 2000  # messages per poll: a flood waits for the next tick, the GUI does not
TERMINATE_AFTER_S = 0.6  # Stop: Event first; SIGTERM after this
KILL_AFTER_S = 1.2  # then SIGKILL; everything is gone well within 2 s
END_KILL_AFTER_S = KILL_AFTER_S - TERMINATE_AFTER_S  # one-click end: SIGTERM, then SIGKILL
EXIT_GRACE_S = 3.0  # a unit that sent its finals but does not exit is ended after this
LAG_GRACE_S = 1.0  # a unit whose messages may lag its end: wait this long for its finals
OUTPUT_LIMIT = 2000  # lines of printed output kept per worker
#: A worker is stalled when silent for ``stall_after_s``, or for this many times the
#: longest gap between two messages of any worker of the run so far, whichever is
#: longer. On a busy machine 64 threads under the GIL can each wait seconds for a turn
#: (each needs the GIL, their process gets a sliver of a core): that is slowness the
#: run has already shown, not a hang, and the watchdog must not end healthy workers.
STALL_GAP_FACTOR = 3.0
BLIND_AFTER_S = 1.0  # a poll later than this after the last one: the watchdog was blind
#: run_to_completion's ticks: from the shortest, longer while each drain finds the
#: queue nearly empty (shorter again when it fills). Each wake-up of this process takes
#: a core from the workers it measures: on 2 cores beside 2 workers, polling every
#: 20 ms cost 28 ms of CPU a second, every 100 ms 12 ms (issue 15, item 6).
TICK_S = 0.02
TICK_MAX_S = 0.1


class Run:
    """One run: start it, poll it until ``finished``, read ``record()``."""

    def __init__(
        self,
        config: RunConfig,
        *,
        baseline_wall_s: float | None = None,
        stall_after_s: float | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.config = config
        self.baseline_wall_s = baseline_wall_s
        self.stall_after_s = stall_after_s
        engine_cls = get_engine_class(config.mode)
        self.engine = engine or engine_cls.from_config(config)
        self.workers = [
            WorkerState(spec.worker_id, spec.count, spec.count) for spec in config.worker_specs()
        ]
        self.t0: float | None = None
        self.epoch0: float | None = None
        self.t_end: float | None = None
        self.finished = False
        self.stop_requested_at: float | None = None
        self.escalation = "none"  # none / event / terminate / kill: what Stop had to do
        self.stop_reason: str | None = None  # "stop" (a person, a caller) or "timeout"
        self.ended_workers: dict[int, str] = {}  # one-click ends: what it took
        self.watchdog_ended: dict[int, str] = {}  # ends of stalled workers: what it took
        self._silence_at_end: dict[int, float] = {}
        self._limit_at_end: dict[int, float] = {}
        self._last_poll_at: float | None = None
        self._blind_until = 0.0  # silence before this was not seen (backlog, late poll)
        #: the longest silence between two messages of one worker so far (sender clocks)
        self.longest_gap_s = 0.0
        self._end_requested_at: dict[int, float] = {}
        self.polls = 0
        self.empty_polls = 0
        self.messages = 0
        self.last_drained = 0
        self._exited_at: dict[tuple[int, ...], float] = {}
        self._all_final_at: float | None = None
        #: the GIL intervals the workers logged, where they share one interpreter
        self.gil: GilLog | None = (
            GilLog(shared=self.engine.gil_shared) if self.engine.gil_stamps else None
        )
        self._gil_summary: dict[str, Any] | None = None
        self.load_meter = LoadMeter()  # what other programs used meanwhile (core/load.py)
        self._load_watched = False

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        if self.t0 is not None:
            raise RuntimeError("a Run starts once; make a new Run to run again")
        self.t0 = time.perf_counter()
        self.epoch0 = time.time()
        self.load_meter.start(watch=False)  # the costly part waits for the starts (poll)
        try:
            self.engine.open()
            for worker in self.workers:
                worker.state = STARTING
            specs = self.config.worker_specs()
            if self.gil is not None:
                specs = [spec._replace(gil=True) for spec in specs]
            self.engine.start(specs)
        except BaseException:
            self.load_meter.stop()
            raise

    def stop(self, reason: str = "stop") -> None:
        """Ask every worker to stop; ``poll`` escalates to SIGTERM, then SIGKILL.

        ``reason`` ("stop" or "timeout") goes into the record's ``stop.reason``."""
        if self.finished or self.stop_requested_at is not None:
            return
        self.stop_requested_at = time.perf_counter()
        self.stop_reason = reason
        self.escalation = "event"
        self.engine.request_stop()

    def end_worker(self, worker_id: int) -> list[int]:
        """End one (stalled) worker now: SIGTERM its unit, and SIGKILL it if it is still
        there ``END_KILL_AFTER_S`` later (``poll`` does that). Returns the pids signalled.

        A worker that shares its unit (threads in one host) takes the unit's other
        workers with it: a thread cannot be ended from outside.
        """
        if self.finished or worker_id in self.ended_workers or worker_id in self.watchdog_ended:
            return []
        self.ended_workers[worker_id] = "terminate"
        self._end_requested_at[worker_id] = time.perf_counter()
        return self.engine.terminate(worker_id)

    def _end_stalled(self, worker: WorkerState, silence: float) -> None:
        """The watchdog's end of a worker silent past its limit: like a one-click end,
        but the worker counts as failed (it hung), not as stopped."""
        wid = worker.worker_id
        if wid in self.ended_workers or wid in self.watchdog_ended or worker.final:
            return
        self.watchdog_ended[wid] = "terminate"
        self._silence_at_end[wid] = silence
        self._limit_at_end[wid] = self.stall_limit_s() or 0.0
        self._end_requested_at[wid] = time.perf_counter()
        self.engine.terminate(wid)

    @property
    def worker_by_id(self) -> dict[int, WorkerState]:
        return {w.worker_id: w for w in self.workers}

    # -- polling -----------------------------------------------------------------

    def poll(self, max_items: int = DRAIN_MAX, deadline: float | None = None) -> list[Any]:
        """Apply up to ``max_items`` queued messages (read before the ``perf_counter``
        ``deadline``, if given) and advance the run's state."""
        if self.finished or self.t0 is None:
            return []
        now = time.perf_counter()
        units = self.engine.units()  # read exits BEFORE draining (see module doc)
        for unit in units:
            if not unit.alive:
                self._exited_at.setdefault(unit.worker_ids, now)
        messages = drain(self.engine.queue, max_items, deadline)
        drained_at = time.perf_counter()
        self.polls += 1
        self.last_drained = len(messages)
        if not messages:
            self.empty_polls += 1
        for message in messages:
            self._apply(message)
        self._watch_load(now)
        # Empty only when a read found nothing: a drain cut short by the deadline proves
        # nothing (before the deadline, a short drain ended on an empty read)
        queue_empty = len(messages) < max_items and (
            deadline is None or not messages or drained_at < deadline
        )
        self._update_requests()
        if queue_empty:
            self._judge_exited_units(units, now)
        # The watchdog judges only what it could see: while messages wait unread (the
        # drain stopped before the queue was empty, or they were put and still sit in
        # a worker's feeder thread) or after a late poll (the caller was held up), a
        # worker's words may be on their way; its silence counts again from the next
        # poll that finds nothing waiting.
        late = self._last_poll_at is not None and now - self._last_poll_at > BLIND_AFTER_S
        self._last_poll_at = now
        if not queue_empty or late or messages_in_flight(self.engine.queue):
            self._blind_until = time.perf_counter()
        else:
            self._watchdog(now)
        self._escalate(now, units)
        self._escalate_ends(now, units)
        if all(w.final for w in self.workers):
            if self._all_final_at is None:
                self._all_final_at = now
            if all(not u.alive for u in units):
                self._finish()
            elif now - self._all_final_at > EXIT_GRACE_S:
                self.engine.kill()
        return messages

    def wait(self, timeout: float) -> None:
        """Sleep up to ``timeout``, waking early when one of the run's processes ends.

        A caller polling on a fixed tick (the CLI: 20 ms) noticed a run's end up to a
        tick late: on average half a tick added to every command, which a bare
        ``join()`` does not pay. Where the engine has nothing to wait on, a sleep."""
        if self.t0 is None or self.finished:
            time.sleep(timeout)
        else:
            self.engine.wait_for_end(timeout)

    def _watch_load(self, now: float) -> None:
        """Let the load meter list and sample the processes once every worker has
        started (or a sampling interval has passed): its listing costs 3-15 ms of CPU,
        which during the starts went to the measured start latency (core/load.py)."""
        if self._load_watched or self.t0 is None:
            return
        started = all(w.t_started is not None or w.final for w in self.workers)
        if started or now - self.t0 >= self.load_meter.every_s:
            self._load_watched = True
            self.load_meter.watch()

    def _update_requests(self) -> None:
        requests = self.engine.start_requests()
        for wid, t in requests.items():
            worker = self.workers[wid]
            if worker.t_request is None:
                worker.t_request = t
        ends = self.engine.start_ends()
        if not ends or self.t0 is None:
            return
        for wid, t in requests.items():
            worker = self.workers[wid]
            if worker.t_turn is None and wid in ends:
                # its turn: the run's start, or the latest start that ended before it
                worker.t_turn = max([self.t0, *(end for end in ends.values() if end <= t)])

    def _apply(self, message: Any) -> None:
        self.messages += 1  # everything the queue carried, the GIL log's batches too
        if isinstance(message, Held):  # not a worker's progress: kept out of its count
            if self.gil is not None:
                self.gil.add(message)
            return
        worker = self.workers[message.worker_id]
        worker.messages += 1
        if worker.last_message_t is not None and not worker.final:
            self.longest_gap_s = max(self.longest_gap_s, message.t - worker.last_message_t)
        worker.last_message_t = message.t
        if isinstance(message, Progress):
            if not worker.final:
                worker.remaining = message.remaining
                worker.state = RUNNING
            worker.samples.append((message.t, message.remaining))
        elif isinstance(message, Started):
            worker.pid = message.pid
            worker.thread_id = message.thread_id
            worker.t_started = message.t
            worker.epoch_started = message.epoch
            if message.t_request is not None:
                worker.t_request = message.t_request
            if not worker.final:
                worker.state = RUNNING
            worker.samples.append((message.t, worker.count))
        elif isinstance(message, Done):
            worker.remaining = message.remaining
            worker.wall_s = message.wall_s
            worker.cpu_s = message.cpu_s
            worker.t_end = message.t
            worker.progress_sent = message.progress_sent
            worker.dropped = message.dropped
            worker.state = STOPPED if message.stopped else DONE
            worker.samples.append((message.t, message.remaining))
        elif isinstance(message, Error):
            worker.remaining = message.remaining
            worker.t_end = message.t
            if worker.t_started is not None:
                worker.wall_s = message.t - worker.t_started
            worker.progress_sent = message.progress_sent
            worker.dropped = message.dropped
            worker.error = {
                "type": message.type,
                "message": message.message,
                "traceback": message.traceback,
            }
            worker.state = FAILED
        elif isinstance(message, Output) and len(worker.output) < OUTPUT_LIMIT:
            worker.output.append(message.text)

    def _judge_exited_units(self, units: list[Any], now: float) -> None:
        """Workers whose unit exited (and whose messages are all in) but sent no final."""
        for unit in units:
            if unit.alive:
                continue
            lagging = unit.messages_may_lag and now - self._exited_at[unit.worker_ids] < LAG_GRACE_S
            for wid in unit.worker_ids:
                worker = self.workers[wid]
                if worker.final:
                    if worker.pid == unit.pid and unit.exitcode is not None:
                        worker.exit_code = unit.exitcode
                    continue
                if lagging:
                    continue  # its final message may still be on its way
                worker.exit_code = unit.exitcode
                worker.t_end = worker.t_end or self._exited_at.get(unit.worker_ids)
                if worker.t_started is not None and worker.t_end is not None:
                    worker.wall_s = worker.t_end - worker.t_started
                if unit.start_error:
                    worker.state = FAILED
                    worker.error = {
                        "type": "StartError",
                        "message": unit.start_error,
                        "traceback": "",
                    }
                elif wid in self.watchdog_ended:
                    worker.state = FAILED
                    worker.error = {
                        "type": "Stalled",
                        "message": self._stall_text(wid),
                        "traceback": "",
                    }
                elif self.stop_requested_at is not None or wid in self.ended_workers:
                    worker.state = STOPPED
                else:
                    worker.state = FAILED
                    worker.error = {
                        "type": "WorkerExited",
                        "message": unit.failure or _exit_text(unit.exitcode),
                        "traceback": "",
                    }

    def stall_limit_s(self) -> float | None:
        """The silence after which the watchdog ends a worker, on this run so far."""
        if self.stall_after_s is None:
            return None
        return max(self.stall_after_s, STALL_GAP_FACTOR * self.longest_gap_s)

    def _watchdog(self, now: float) -> None:
        limit = self.stall_limit_s()
        if limit is None:
            return
        for worker in self.workers:
            if worker.state not in (RUNNING, STALLED) or worker.last_message_t is None:
                continue
            silence = now - max(worker.last_message_t, self._blind_until)
            worker.stalled_s = max(worker.stalled_s, silence)
            if silence >= limit:
                worker.state = STALLED
                worker.stalled = True
                self._end_stalled(worker, silence)
            elif worker.state == STALLED:
                worker.state = RUNNING

    def _escalate(self, now: float, units: list[Any]) -> None:
        if self.stop_requested_at is None or not any(u.alive for u in units):
            return
        waited = now - self.stop_requested_at
        if waited >= KILL_AFTER_S and self.escalation != "kill":
            if self.engine.kill():
                self.escalation = "kill"
        elif waited >= TERMINATE_AFTER_S and self.escalation == "event" and self.engine.terminate():
            self.escalation = "terminate"

    def _escalate_ends(self, now: float, units: list[Any]) -> None:
        """A worker ended with one click that ignored SIGTERM gets SIGKILL."""
        for wid, asked in list(self._end_requested_at.items()):
            alive = any(u.alive and wid in u.worker_ids for u in units)
            if not alive:
                del self._end_requested_at[wid]
            elif now - asked >= END_KILL_AFTER_S and self.engine.kill(wid):
                ends = self.watchdog_ended if wid in self.watchdog_ended else self.ended_workers
                ends[wid] = "kill"
                del self._end_requested_at[wid]

    def _stall_text(self, wid: int) -> str:
        how = "SIGKILL" if self.watchdog_ended.get(wid) == "kill" else "SIGTERM"
        silence = self._silence_at_end.get(wid, self.stall_after_s or 0.0)
        limit = self._limit_at_end.get(wid, self.stall_after_s or 0.0)
        allows = f"the watchdog allows {self.stall_after_s:g} s"
        if self.stall_after_s is not None and limit > self.stall_after_s:
            allows += (
                f", {limit:.1f} s on this run: {STALL_GAP_FACTOR:g}x its workers' longest "
                "gap between two messages"
            )
        return f"no message for {silence:.1f} s ({allows}); ended with {how}"

    def _finish(self) -> None:
        ends = [w.t_end for w in self.workers if w.t_end is not None]
        self.t_end = max(ends) if ends else time.perf_counter()
        for worker in self.workers:
            if worker.state == PENDING or worker.state == STARTING:
                worker.state = STOPPED
        self.load_meter.stop()
        self.engine.close()
        self.finished = True

    def close(self, timeout: float = 3.0) -> None:
        """Stop (if needed) and wait until everything is reaped. Safe to call twice."""
        if self.t0 is None or self.finished:
            return
        self.stop()
        deadline = time.perf_counter() + timeout
        while not self.finished and time.perf_counter() < deadline:
            self.poll()
            time.sleep(0.01)
        if not self.finished:
            self.load_meter.stop()
            self.engine.kill()
            self.engine.close()
            self.t_end = time.perf_counter()
            self.finished = True

    # -- results -----------------------------------------------------------------

    @property
    def wall_s(self) -> float | None:
        if self.t0 is None:
            return None
        end = self.t_end if self.t_end is not None else time.perf_counter()
        return end - self.t0

    @property
    def ok(self) -> bool:
        return self.finished and all(w.state == DONE for w in self.workers)

    @property
    def failed(self) -> bool:
        return any(w.state == FAILED for w in self.workers)

    def speedup(self) -> tuple[float | None, str]:
        if is_baseline_mode(self.config.mode):  # the mode's engine, not this run's host
            return None, "none"  # the baseline itself claims no speedup
        return speedup(
            self.wall_s,
            self.workers,
            self.config.kind,
            self.config.step_sleep_s,
            self.baseline_wall_s,
        )

    def record(self) -> dict[str, Any]:
        """The run/1 record: a public contract, extended but never renamed."""
        t0 = self.t0 or 0.0
        value, basis = self.speedup()
        wall = self.wall_s
        workers = self._worker_records(t0)
        record = {
            "schema": SCHEMA,
            "config": self.config.to_dict(),
            "environment": environment(),
            "wall_s": None if wall is None else round(wall, 6),
            "speedup": value,
            "speedup_basis": basis,
            "ok": self.ok,
            "started_at": self.epoch0,
            "stop": {
                "requested": self.stop_requested_at is not None,
                "reason": self.stop_reason,
                "escalation": self.escalation,
                "ended_workers": {str(k): v for k, v in self.ended_workers.items()},
            },
            "watchdog": {
                "stall_after_s": self.stall_after_s,
                "stalled_workers": [w.worker_id for w in self.workers if w.stalled],
                "ended_workers": {str(k): v for k, v in self.watchdog_ended.items()},
            },
            "queue": {
                "messages": self.messages,
                "polls": self.polls,
                "empty_polls": self.empty_polls,
                "dropped": sum(w.dropped for w in self.workers),
            },
            "workers": workers,
            "worker_environment": self.engine.worker_environment(),
            **self.engine.record_extras(),
            "cores_used": cores_used(workers),
            "load": self.load_meter.result(reported_cpu_by_pid(workers)),
            **self._gil_record(t0),
        }
        return mark_speedup(record)

    def _gil_record(self, t0: float) -> dict[str, Any]:
        if self.gil is None:
            return {}
        if self._gil_summary is not None:
            return {"gil": self._gil_summary}
        summary = self.gil.summary(t0, [w.worker_id for w in self.workers])
        if self.finished:  # every batch is in: sum the intervals up once
            self._gil_summary = summary
        return {"gil": summary}

    def _worker_records(self, t0: float) -> list[dict[str, Any]]:
        """Each worker's entry, with ``task_reused`` and the engine's own keys added.

        ``task_reused``: the thread that ran this worker had already run another
        worker of this run (a pool, or one after another). Engines that know more
        (a warm process pool reused across runs) say so in their extras.
        """
        records = []
        seen: set[tuple[int | None, int | None]] = set()
        by_start = sorted(self.workers, key=lambda w: (w.t_started is None, w.t_started or 0.0))
        reused = {}
        for worker in by_start:
            key = (worker.pid, worker.thread_id)
            reused[worker.worker_id] = worker.pid is not None and key in seen
            seen.add(key)
        extras = self.engine.worker_extras()
        for worker in self.workers:
            entry = worker.to_record(t0)
            entry["task_reused"] = reused[worker.worker_id]
            entry.update(extras.get(worker.worker_id, {}))
            records.append(entry)
        return records


def messages_in_flight(q: Any) -> bool:
    """Messages were put that cannot be read yet: ``qsize()`` (what was put and not yet
    got) says some, though a read just found the queue empty.

    They sit in the workers' feeder threads, waiting for the queue's shared write
    lock. With 64 worker processes on 2 cores each handover of that lock waits for
    its next holder's own GIL and a turn on a core: deliveries fell to ~40 a second,
    and a silence then says nothing about a worker (the watchdog ended healthy
    workers, and a SIGTERM mid-write takes the lock with it, silencing all the rest).
    A ``DirectQueue`` (process engines) has no feeder: there such messages are being
    written right now, or wait for the lock a moment. False where ``qsize()`` is
    missing (macOS).
    """
    try:
        return q.qsize() > 0
    except (NotImplementedError, AttributeError):
        return False


def _exit_text(exitcode: int | None) -> str:
    if exitcode is None:
        return "the worker's process ended without a final message"
    if exitcode < 0:
        import signal

        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by {name} (exit code {exitcode})"
    return f"exited with code {exitcode} before reporting"


def next_tick(tick: float, drained: int, capacity: int, sees_ends: bool) -> float:
    """The next poll's interval: half as long once a drain found the queue an eighth
    full (its writers must not block, or drop progress, for want of a read), half
    again as long while it stays emptier, at most ``TICK_MAX_S``. Only where the
    engine wakes the wait at a unit's end: elsewhere a long tick would notice the
    run's end late, so it stays ``TICK_S``."""
    if not sees_ends:
        return TICK_S
    if drained * 8 > capacity:
        return max(TICK_S, tick / 2)
    return min(TICK_MAX_S, tick * 1.5)


def run_to_completion(
    config: RunConfig,
    *,
    on_poll: Callable[[Run], None] | None = None,
    tick_s: float | None = None,
    timeout_s: float | None = None,
    baseline_wall_s: float | None = None,
    stall_after_s: float | None = None,
) -> Run:
    """Start a run and poll it to the end on this thread (CLI, benchmarks, tests).

    With ``timeout_s`` the run is stopped (Event, SIGTERM, SIGKILL) when it is over:
    its unfinished workers end ``stopped``, so the record says ``ok: false`` and
    ``stop.reason == "timeout"``. ``tick_s``: poll at that fixed interval; None:
    between ``TICK_S`` and ``TICK_MAX_S`` (``next_tick``).
    """
    run = Run(config, baseline_wall_s=baseline_wall_s, stall_after_s=stall_after_s)
    run.start()
    tick = TICK_S if tick_s is None else tick_s
    capacity = config.queue_size or DRAIN_MAX
    try:
        while not run.finished:
            run.poll()
            if on_poll is not None:
                on_poll(run)
            if timeout_s is not None and run.wall_s and run.wall_s > timeout_s:
                run.stop("timeout")
            if not run.finished:
                if tick_s is None:
                    tick = next_tick(tick, run.last_drained, capacity, run.engine.sees_ends())
                run.wait(tick)
    except BaseException:
        run.close()
        raise
    return run
