"""A failed GUI test must not leave its workers running into the next test."""

from __future__ import annotations

import pytest

from . import helpers


@pytest.fixture(autouse=True)
def _shut_down_windows():
    """After each test, stop (blocking) any run a window made by ``make_window`` left."""
    yield
    while helpers.OPENED:
        helpers.OPENED.pop().controller.shutdown()
