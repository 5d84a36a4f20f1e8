"""Python's cycle collector runs on the GUI thread only, while the window lives.

CPython runs a collection on whichever thread happens to allocate when a threshold
is crossed. This process has other threads that allocate a lot (the launcher
importing Dask, Dask's event loop, pipe readers), and a collection there that
frees Qt objects caught in a reference cycle (a QMenu, a dialog, a widget tree)
runs their C++ destructors on the wrong thread: Qt warns ("Timers cannot be
started from another thread") or the two threads deadlock (seen in the test
suite: the launcher thread's GC waiting for the GIL inside ``QObject::~QObject``
while the GUI thread waited for Qt's mutex held by that destructor).

So automatic collection is switched off and a timer on the GUI thread collects
the generations whose thresholds were crossed, the way calibre and pyqtgraph do.

While a run runs (``during_run``), what lived before it is frozen (``gc.freeze``):
collections then scan only what the run made. A collection that walked the whole
window (widgets, pyqtgraph, numpy: 17-22 ms of the GUI thread at once) beside 64
busy workers kept the window's thread from its 30 ms ticks 3-7 times as long
(issue 21). At the run's end everything is handed back to the collector.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500
_guard: GcGuard | None = None


class GcGuard(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("gcGuard")
        self.threshold = gc.get_threshold()
        self.collections = 0
        self.runs: set[int] = set()  # id() of each owner whose run is going (during_run)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        """Collect, on this (the GUI) thread, what automatic collection would have."""
        counts = gc.get_count()
        generation = -1
        for level, (count, limit) in enumerate(zip(counts, self.threshold, strict=True)):
            if limit and count > limit:
                generation = level
        if generation >= 0:
            gc.collect(generation)
            self.collections += 1


def during_run(owner: object, running: bool) -> None:
    """``owner``'s run started (``running``) or ended. While any run is going, the
    objects alive when the first started are left out of collections; the young ones
    (what the runs make and drop) are still collected on time."""
    guard = _guard
    if guard is None:
        return
    was = bool(guard.runs)
    if running:
        guard.runs.add(id(owner))
    else:
        guard.runs.discard(id(owner))
    if guard.runs and not was:
        gc.freeze()
    elif was and not guard.runs:
        gc.unfreeze()  # into the oldest generation: collected when its turn comes


def install() -> GcGuard:
    """Start guarding (once per application); the guard ends with the application."""
    global _guard
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("the GC guard needs a running QApplication")
    if _guard is None:
        _guard = GcGuard(app)
        _guard.destroyed.connect(_on_app_gone)
    return _guard


def uninstall() -> None:
    """Collect everything now, on this thread, and give collection back to CPython."""
    global _guard
    guard, _guard = _guard, None
    if guard is not None:
        guard.destroyed.disconnect(_on_app_gone)
        guard.timer.stop()
        guard.deleteLater()
    gc.unfreeze()  # a run's frozen objects too: everything is collectable again
    gc.collect()
    gc.enable()


def _on_app_gone() -> None:
    global _guard
    _guard = None
    gc.unfreeze()
    gc.enable()
