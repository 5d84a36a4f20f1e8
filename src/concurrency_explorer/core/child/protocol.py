"""The message protocol between workers and the runner: plain, picklable tuples.

Every engine speaks it, so the GUI, the CLI and the run record never care how a
worker was run. Timestamps are ``time.perf_counter()`` values: on Linux, macOS and
Windows that clock is system-wide, so a child's stamp compares with the parent's.

Delivery rules: ``Progress`` is best effort and "latest value wins" (if-then-try put;
dropped and counted once the queue is half full, and sent less often while the reader is
behind: ``workers.progress_limit``, ``workers.progress_gap``); ``Started``, ``Done`` and
``Error`` use a blocking put into the half kept for them, so a run's final messages are
never lost and never wait behind a queue full of progress.
"""

from collections import namedtuple  # not typing.NamedTuple: children skip importing typing

#: A worker began. ``t``: perf_counter then; ``epoch``: time.time() then (for exports);
#: ``t_request``: perf_counter of the start request when the child knows it (threads).
Started = namedtuple("Started", "worker_id pid thread_id t epoch t_request", defaults=(None,))

#: ``remaining`` steps left at perf_counter ``t``.
Progress = namedtuple("Progress", "worker_id remaining t")

#: The worker ended normally, or early on Stop (``stopped``; ``remaining`` > 0).
Done = namedtuple("Done", "worker_id remaining stopped wall_s cpu_s t progress_sent dropped")

#: The worker raised: exception type name, message and formatted traceback.
Error = namedtuple(
    "Error",
    "worker_id type message traceback remaining t progress_sent dropped",
    defaults=(0, 0),
)

#: A line a worker printed (the page's examples print "Count value N").
Output = namedtuple("Output", "worker_id text t")

#: A batch of GIL holding intervals the worker read off its own clock (``gil_stamps``):
#: ``flat`` is t0, t1, t0, t1, ... in perf_counter seconds; ``unsure``: gaps between
#: its clock readings too long to claim (it waited, or the OS descheduled it), same
#: layout; ``switch_interval_s`` is ``sys.getswitchinterval()`` in the worker's
#: interpreter; ``final``: the last batch.
Held = namedtuple("Held", "worker_id t flat unsure switch_interval_s final")

MESSAGE_TYPES = (Started, Progress, Done, Error, Output, Held)
FINAL_TYPES = (Done, Error)
