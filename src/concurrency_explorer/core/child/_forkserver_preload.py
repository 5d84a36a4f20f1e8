"""Imported only inside the forkserver process (``set_forkserver_preload``).

Two jobs: import the worker module once, so forked workers start warm; and tie the
forkserver's life to the app's. A forkserver worker's parent is the forkserver,
which lives on while anything holds its pipe; with this, killing the app kills
the forkserver, and ``PR_SET_PDEATHSIG`` in each worker then kills the workers.
Never import this module from the app itself.
"""

from __future__ import annotations

import os

from . import workers as _workers  # noqa: F401  (the warm-up is the point)
from .lifecycle import set_parent_death_signal, start_parent_watch

_app_pid = os.environ.get("CONCURRENCY_EXPLORER_APP_PID", "")
set_parent_death_signal()
if _app_pid.isdigit() and os.getppid() != int(_app_pid):
    os._exit(70)  # the app died before the guard was armed
start_parent_watch()
