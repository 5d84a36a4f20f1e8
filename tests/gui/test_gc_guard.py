"""Cycles holding Qt objects are collected on the GUI thread, never on another."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QMenu, QWidget

from concurrency_explorer.gui import gc_guard


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
