"""Panels that plug into the main window without editing it.

Each entry is a callable ``install(window: MainWindow) -> None``, run at the end of
``MainWindow.__init__``. A panel gets ``window.controller`` (signals ``started``,
``updated``, ``finished``), adds itself with ``window.add_view(widget, title)`` (a
tab in ``viewTabs``) or ``window.add_dock(...)``, its actions with
``window.add_action(...)`` (the one way to make one: shortcut, teaching tip, menu),
and registers what others may need with ``window.extensions.add(obj)``; another
panel, or a test, gets it typed with ``window.extensions.get(CompareView)`` (or
``find``, None when absent). Nothing is set on the window as an ad-hoc attribute.
Keep one line per feature here.
"""

from __future__ import annotations

from collections.abc import Callable

from .about_dialog import install as install_about_dialog

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow


def _module(name: str) -> Callable[[MainWindow], None]:
    """``install`` of gui/<name>.py, imported when the window is built."""

    def install(window: MainWindow) -> None:
        import importlib

        importlib.import_module(f".{name}", __package__).install(window)

    install.__name__ = f"install_{name}"
    return install


INSTALLERS: list[Callable[[MainWindow], None]] = [
    install_about_dialog,  # Help > About (version, Python, Qt, PySide6, license)
    _module("timeline_view"),  # lanes per worker: start-up, running, CPU share (issue 5)
    _module("cpu_view"),  # per-core CPU load at 10 Hz (issue 5)
    _module("gil_view"),  # who held the GIL, per thread, from the workers' stamps (issue 18)
    _module("scenario_browser"),  # the page's lessons as slides, measured verdicts (issue 6)
    _module("presentation"),  # F11, big fonts, high-contrast themes (issue 6)
    _module("worker_end"),  # End button and stalled marker per worker row (issue 8)
    _module("autorun"),  # CONCURRENCY_EXPLORER_AUTORUN=FILE: run an experiment at start (issue 8)
    _module("experiments"),  # save/open/drop configurations, recent files, QSettings (issue 6)
    _module("queue_view"),  # messages/s, depth, drained per tick, empty polls (issue 5)
    _module("sweep_view"),  # 1..N workers: speedup against the ideal (issue 5)
    _module("compare_view"),  # every engine on one workload: wall time, speedup (issue 10)
    _module("dask_link"),  # the Dask dashboard link above the bars in dask mode (issue 10)
    _module("startup_view"),  # fork / forkserver / spawn start latency bars (issue 5)
    _module("history_view"),  # the session's runs, two side by side (issue 5)
    _module("export_actions"),  # File: record JSON, CSV, Chrome trace, PNG (issue 5)
]
