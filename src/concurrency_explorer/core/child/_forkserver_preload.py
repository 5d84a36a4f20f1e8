"""Imported only inside the forkserver process (``set_forkserver_preload``).

Two jobs: import once what every worker needs, so forked workers start warm; and tie
the forkserver's life to the app's. What a worker needs is the worker module and the
``multiprocessing`` modules that unpickling its ``Process`` (a queue, semaphores, fds
passed by the forkserver) imports: left to each child, they took about 3 of the
7-8 ms of CPU a child spent between its fork and its first message (measured in the
child, on a busy 2-core machine).
A forkserver worker's parent is the forkserver, which lives on while anything holds
its pipe; with this, killing the app kills the forkserver, and ``PR_SET_PDEATHSIG``
in each worker then kills the workers.
Never import this module from the app itself.
"""

from __future__ import annotations

import os

# the warm-up is the point: a worker's unpickling would import each of these (its
# queue; semaphores; the DupFd of the fds the forkserver passes)
from multiprocessing import popen_forkserver, queues, synchronize  # noqa: F401

from . import workers as _workers  # noqa: F401
from .lifecycle import set_parent_death_signal, start_parent_watch

_app_pid = os.environ.get("CONCURRENCY_EXPLORER_APP_PID", "")
set_parent_death_signal()
if _app_pid.isdigit() and os.getppid() != int(_app_pid):
    os._exit(70)  # the app died before the guard was armed
start_parent_watch()
