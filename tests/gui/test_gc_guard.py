"""Cycles holding Qt objects are collected on the GUI thread, never on another."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QMenu, QWidget

from concurrency_explorer.gui import gc_guard

from .helpers import configure, make_window, run_and_wait


class _Cycle(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.menu = QMenu(self)
        self.me = self  # a reference cycle: only the cycle collector frees it


def test_a_thread_that_allocates_does_not_collect_qt_cycles(qtbot):
    assert not gc.isenabled(), "the GUI tests run with the guard installed"
    freed_on: list[str] = []
    widget = _Cycle()
    # runs in the thread that frees the cycle (a Qt signal would be queued, or lost)
    weakref.finalize(widget, lambda: freed_on.append(threading.current_thread().name))
    del widget

    def allocate() -> None:
        for _ in range(50_000):  # cyclic garbage, enough to cross every threshold
            cycle: list[object] = []
            cycle.append(cycle)

    thread = threading.Thread(target=allocate, name="allocator")
    thread.start()
    thread.join()
    assert freed_on == [], "nothing collected off the GUI thread"
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)  # the guard's timer collects
    assert freed_on == [threading.main_thread().name]


def test_uninstall_collects_now_and_gives_collection_back(qtbot):
    widget = _Cycle()
    freed: list[bool] = []
    widget.destroyed.connect(lambda: freed.append(True))
    del widget
    gc_guard.uninstall()
    try:
        assert freed == [True]
        assert gc.isenabled()
    finally:
        gc_guard.install()  # the fixture uninstalls at teardown


def test_during_a_run_only_young_objects_are_collected(qtbot):
    """What lived before a run is frozen while it runs (a full collection stalls the
    window beside busy workers); what the run makes is still collected; at its end
    everything is collectable again."""
    guard = gc_guard.install()  # the fixture's
    old = _Cycle()
    old_freed: list[bool] = []
    old.destroyed.connect(lambda: old_freed.append(True))
    del old
    owner = object()
    gc_guard.during_run(owner, True)
    try:
        assert gc.get_freeze_count() > 0
        young = _Cycle()
        young_freed: list[bool] = []
        young.destroyed.connect(lambda: young_freed.append(True))
        del young
        guard.check()
        gc.collect()  # even a full collection leaves the frozen ones alone
        assert young_freed == [True]
        assert old_freed == []
    finally:
        gc_guard.during_run(owner, False)
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert old_freed == [True]


def test_the_window_freezes_for_its_run_and_thaws_after(qtbot):
    window = make_window(qtbot)
    configure(window, mode="thread", workers=2, count=10)
    frozen: list[tuple[bool, int]] = []
    window.controller.runningChanged.connect(
        lambda running: frozen.append((running, gc.get_freeze_count()))
    )
    run_and_wait(qtbot, window)
    assert frozen[0][0] and frozen[0][1] > 0
    assert frozen[-1] == (False, 0)
    assert gc.get_freeze_count() == 0
