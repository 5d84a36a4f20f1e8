"""Presentation mode (F11) fits the screen, leaves the bars room and undoes itself."""

from __future__ import annotations

import pytest

from concurrency_explorer.gui.experiments import KEY_GEOMETRY, KEY_STATE, Experiments
from concurrency_explorer.gui.presentation import Presentation
from concurrency_explorer.gui.scenario_browser import ScenarioBrowser
from concurrency_explorer.gui.settings import app_settings

from .helpers import run_and_wait, shown_window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen
QA_SCREEN_WIDTH = 1600  # the projector-sized screen the defect was found on


def test_presentation_fits_the_screen_and_leaving_restores_the_layout(qtbot):
    window = shown_window(qtbot, mode="process", workers=4, count=3000)
    window.resize(1500, 950)
    qtbot.wait(50)
    dock = window.extensions.get(ScenarioBrowser).dock
    size, dock_width, state = window.size(), dock.width(), window.saveState()
    window.extensions.get(Presentation).toggle(True)
    qtbot.wait(100)
    window.statusLabel.setText("Presentation mode: a long status line " * 8)
    window.tickLatenessLabel.setText("Window tick (30 ms): 6 ms late, p99 112 ms over 61 ticks")
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= QA_SCREEN_WIDTH, "wider than the screen"
    screen = window.screen().availableGeometry().width()
    assert not dock.isVisible(), "the lesson stays on stage (F12 brings it back)"
    window.extensions.get(Presentation).toggle_sides()
    qtbot.waitUntil(dock.isVisible)
    qtbot.wait(50)
    assert dock.width() <= max(0.3 * screen, window.width() * 0.32), "the dock took the bars' room"
    window.extensions.get(Experiments).save_window()  # as on quit while presenting
    settings = app_settings()
    assert settings.value(KEY_STATE) == state, "the presentation layout was saved as normal"
    window.extensions.get(Presentation).toggle(False)
    qtbot.wait(100)
    assert window.size() == size
    assert dock.width() == dock_width
    assert settings.value(KEY_GEOMETRY) is not None


def test_tabs_shown_while_presenting_do_not_widen_the_window_after(qtbot):
    window = shown_window(qtbot, mode="thread", workers=2, count=10)
    window.resize(1500, 950)
    run_and_wait(qtbot, window)  # History lists a run: its long title is in two combos
    size = window.size()
    window.extensions.get(Presentation).toggle(True)
    tabs = window.viewTabs
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        qtbot.wait(20)
    window.extensions.get(Presentation).toggle(False)
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= size.width()
    assert window.size() == size
