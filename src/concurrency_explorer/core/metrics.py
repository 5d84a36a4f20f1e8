"""Per-worker state and the numbers a run is judged by.

Everything here is computed from protocol messages, so it is the same whatever
engine produced them.
"""

from __future__ import annotations

from collections import deque
from typing import Any

# States a worker moves through; "stalled" is temporary (set by the watchdog).
PENDING, STARTING, RUNNING, STALLED = "pending", "starting", "running", "stalled"
DONE, STOPPED, FAILED = "done", "stopped", "failed"
FINAL_STATES = (DONE, STOPPED, FAILED)
SAMPLE_LIMIT = 4096  # bounded buffer of (t, remaining) per worker for timelines


class WorkerState:
    """What the parent knows about one worker, updated message by message.

    A plain class, not a dataclass: ``dataclasses`` imports ``inspect``, 14 ms of
    -X importtime in every command-line run.
    """

    def __init__(
        self,
        worker_id: int,
        count: int,
        remaining: int,
        state: str = PENDING,
        *,
        pid: int | None = None,
        t_request: float | None = None,
        t_started: float | None = None,
        t_end: float | None = None,
    ) -> None:
        self.worker_id = worker_id
        self.count = count
        self.remaining = remaining
        self.state = state
        self.pid = pid
        self.thread_id: int | None = None
        self.t_request = t_request
        #: when this worker's start could begin (the run's start, or the end of the
        #: previous ``Process.start()``); known where this process made the starts
        self.t_turn: float | None = None
        self.t_started = t_started
        self.t_end = t_end
        self.epoch_started: float | None = None
        self.wall_s: float | None = None
        self.cpu_s: float | None = None
        self.messages = 0
        self.progress_sent = 0
        self.dropped = 0
        self.exit_code: int | None = None
        self.error: dict[str, str] | None = None
        self.last_message_t: float | None = None
        self.stalled_s = 0.0  # longest silence seen while running
        self.stalled = False  # the watchdog marked it stalled at least once
        self.output: list[str] = []
        self.samples: deque[tuple[float, int]] = deque(maxlen=SAMPLE_LIMIT)

    def __repr__(self) -> str:
        return (
            f"WorkerState(worker_id={self.worker_id}, count={self.count}, "
            f"remaining={self.remaining}, state={self.state!r}, pid={self.pid})"
        )

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def start_latency_s(self) -> float | None:
        if self.t_request is None or self.t_started is None:
            return None
        return max(0.0, self.t_started - self.t_request)

    @property
    def app_start_s(self) -> float | None:
        """The app's own part of this worker's start, before its ``Process.start()``:
        from its turn (``t_turn``) to its start request. Not in ``start_latency_s``,
        which runs from that request to the first message; shown, not subtracted."""
        if self.t_turn is None or self.t_request is None:
            return None
        return max(0.0, self.t_request - self.t_turn)

    @property
    def done_steps(self) -> int:
        return self.count - self.remaining

    def to_record(self, t0: float) -> dict[str, Any]:
        """One entry of the run/1 record's ``workers`` list."""

        def rel(t: float | None) -> float | None:
            return None if t is None else round(t - t0, 6)

        return {
            "id": self.worker_id,
            "count": self.count,
            "final_remaining": self.remaining,
            "pid": self.pid,
            "thread_id": self.thread_id,
            "start_latency_s": _round(self.start_latency_s),
            "app_start_s": _round(self.app_start_s),
            "wall_s": _round(self.wall_s),
            "cpu_s": _round(self.cpu_s),
            "messages": self.messages,
            "dropped": self.dropped,
            "exit_code": self.exit_code,
            "error": self.error,
            "state": self.state,
            "progress_sent": self.progress_sent,
            "requested_at_s": rel(self.t_request),
            "started_at_s": rel(self.t_started),
            "ended_at_s": rel(self.t_end),
            "longest_silence_s": _round(self.stalled_s),
            "stalled": self.stalled,
        }


def _round(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def work_seconds(worker: WorkerState, kind: str, step_sleep_s: float) -> float:
    """Time this worker would need alone: its CPU time, plus its sleeps for ``io``."""
    work = worker.cpu_s or 0.0
    if kind == "io":
        work += worker.done_steps * step_sleep_s
    return work


def speedup(
    wall_s: float | None,
    workers: list[WorkerState],
    kind: str,
    step_sleep_s: float,
    baseline_wall_s: float | None = None,
) -> tuple[float | None, str]:
    """Speedup against running the same counts one after another, and its basis.

    ``measured``: a sequential run of the same workload was timed (the honest
    figure). ``estimated``: without one, the sum of each worker's own work time
    (CPU time, plus sleeps for io) over the run's wall time, i.e. how many workers'
    worth of work happened at once.
    """
    if not wall_s or wall_s <= 0:
        return None, "none"
    if baseline_wall_s:
        return round(baseline_wall_s / wall_s, 3), "measured"
    total = sum(work_seconds(w, kind, step_sleep_s) for w in workers)
    return round(total / wall_s, 3), "estimated"


def work_span_s(workers: list[dict[str, Any]]) -> float | None:
    """First start request (or start) to last end, in seconds, from record entries;
    None if unknown. A process's start-up counts; the boot of a host process does not."""
    starts: list[float] = []
    ends: list[float] = []
    for w in workers:
        start = w.get("requested_at_s")
        if start is None:
            start = w.get("started_at_s")
        end = w.get("ended_at_s")
        if start is None or end is None:
            return None
        starts.append(start)
        ends.append(end)
    if not starts:
        return None
    return max(ends) - min(starts)


def cores_used(workers: list[dict[str, Any]]) -> float | None:
    """The workers' CPU seconds over the working wall time: how many cores they kept busy.

    Load-invariant evidence: CPU-bound threads under the GIL stay near 1 whatever
    else runs; N processes reach up to N on an idle machine. None when unknown.
    """
    span = work_span_s(workers)
    cpu = [w.get("cpu_s") for w in workers]
    known = [c for c in cpu if c is not None]
    if not span or span <= 0 or not cpu or len(known) < len(cpu):
        return None
    return round(sum(known) / span, 3)
