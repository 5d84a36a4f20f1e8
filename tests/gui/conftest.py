"""GUI tests: collection on the GUI thread only, and no run left into the next test."""

from __future__ import annotations

import pytest

from concurrency_explorer.gui import gc_guard

from . import helpers


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp):
    """As in the app (gui/gc_guard.py): no cycle collection on a launcher, Dask or
    reader thread while Qt objects exist; afterwards collect here and hand it back."""
    gc_guard.install()
    yield
    gc_guard.uninstall()


@pytest.fixture(autouse=True)
def _shut_down_windows(_collect_on_the_gui_thread):
    """After each test, stop (blocking) any run a window made by ``make_window`` left."""
    yield
    while helpers.OPENED:
        helpers.OPENED.pop().controller.shutdown()
