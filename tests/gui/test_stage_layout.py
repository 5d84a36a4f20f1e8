"""The stage (presentation mode) at projector sizes: the bars own the screen, readably,
and the settings and the lesson come back exactly as they were when leaving."""

from __future__ import annotations

import contextlib
import html

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSplitter, QWidget

from concurrency_explorer.core.verdict import run_verdict
from concurrency_explorer.gui.main_window import verdict_text
from concurrency_explorer.gui.presentation import Presentation
from concurrency_explorer.gui.scenario_browser import ScenarioBrowser

from .helpers import run_and_wait, shown_window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen
PROJECTORS = [(1280, 720), (1920, 1080)]


def _on_stage(qtbot, window, size):
    """Presentation mode at a projector's size (offscreen has no such screen: resize)."""
    window.extensions.get(Presentation).toggle(True)
    qtbot.wait(50)
    window.showNormal()
    window.setGeometry(0, 0, *size)
    qtbot.waitUntil(lambda: window.size() == QSize(*size), timeout=5000)
    window.extensions.get(Presentation).stage.fit()
    qtbot.wait(100)


def _settled(qtbot, window):
    """The window's first layout is done: every splitter pane at least its minimum."""
    controls = window.findChild(QWidget, "controlsPane")
    qtbot.waitUntil(lambda: controls.width() >= controls.minimumSizeHint().width(), timeout=3000)


def _layout(window):
    controls = window.findChild(QWidget, "controlsPane")
    names = ("mainSplitter", "rightSplitter")
    splitters = {name: window.findChild(QSplitter, name).sizes() for name in names}
    return (
        window.size(),
        controls.isVisible(),
        controls.size(),
        window.extensions.get(ScenarioBrowser).dock.isVisible(),
        window.extensions.get(ScenarioBrowser).dock.width(),
        splitters,
    )


def _wait_for_layout(qtbot, window, before):
    """Leaving full screen settles over a few event-loop turns: wait, then compare."""
    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(lambda: _layout(window) == before, timeout=3000)
    assert _layout(window) == before, "leaving presentation mode did not restore the layout"


@pytest.mark.parametrize("size", PROJECTORS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_stage_gives_bars_the_screen_and_gives_everything_back(qtbot, size):
    window = shown_window(qtbot, mode="thread", workers=4, count=40)
    window.resize(1200, 800)
    qtbot.wait(50)
    record = run_and_wait(qtbot, window)  # four finished rows with pids and counts
    _settled(qtbot, window)
    verdict = window.verdictLabel
    assert verdict.isVisible()
    said = run_verdict(record)
    assert verdict.accessibleDescription() == verdict_text(said)
    assert html.escape(said.sentence) in verdict.text()
    assert "4 threads" in said.sentence and "one after another" in said.sentence
    before = _layout(window)
    assert before[1] and before[3], "controls and the lesson are shown in normal mode"

    _on_stage(qtbot, window, size)
    controls = window.findChild(QWidget, "controlsPane")
    assert not controls.isVisible(), "the configuration panel did not give way"
    assert not window.extensions.get(ScenarioBrowser).dock.isVisible(), (
        "the scenario text did not step aside"
    )
    assert window.minimumSizeHint().width() <= size[0]
    assert window.minimumSizeHint().height() <= size[1]
    rows = window.workersView.rows
    assert len(rows) == 4
    for row in rows:
        bar = row.bar
        assert bar.isVisible()
        assert bar.width() >= 0.5 * window.width(), f"bar {bar.width()} px of {window.width()}"
        assert bar.height() >= 0.04 * window.height(), f"bar {bar.height()} px high"
        assert not bar.isTextVisible(), "text on the bar straddles the fill"
        viewport = window.workersView.viewport()
        shown = viewport.rect().contains(bar.geometry().translated(bar.parentWidget().pos()))
        assert shown, "a bar is scrolled out of sight: the verdict squeezed the rows"
        counter = row.state  # the count, beside the bar, whole
        assert "left" in counter.text()
        assert counter.heightForWidth(counter.width()) <= counter.height(), "count cut off"
        line = counter.fontMetrics().height()
        assert counter.height() < 2 * line + 8 or row.label.height() >= counter.height(), (
            "the count wraps past its row"
        )
    assert verdict.isVisible() and verdict.width() >= 0.9 * window.width()
    big = verdict.fontInfo().pointSizeF()
    assert big >= 1.3 * rows[0].label.fontInfo().pointSizeF(), "the verdict is not large"
    assert verdict.heightForWidth(verdict.width()) <= verdict.height(), "verdict cut off"
    tabs = window.viewTabs
    assert tabs.tabBar().sizeHint().width() <= tabs.width(), "the tab bar is clipped"
    workers_bottom = window.workersView.mapTo(window, window.workersView.rect().bottomLeft()).y()
    assert workers_bottom < 0.75 * window.height(), "no room left for the chart"
    assert tabs.height() >= 0.25 * window.height()

    window.extensions.get(Presentation).toggle(False)
    _wait_for_layout(qtbot, window, before)


def test_f12_brings_settings_and_lesson_back_while_presenting(qtbot):
    window = shown_window(qtbot, mode="thread", workers=2, count=10)
    window.resize(1400, 850)
    _settled(qtbot, window)
    before = _layout(window)
    sides = window.findChild(QAction, "stageSidesAction")
    assert sides.shortcut().toString() == "F12"
    sides.trigger()  # not presenting: nothing moves
    assert _layout(window) == before
    _on_stage(qtbot, window, (1280, 720))
    controls = window.findChild(QWidget, "controlsPane")
    assert not controls.isVisible()
    sides.trigger()
    qtbot.waitUntil(
        lambda: controls.isVisible() and window.extensions.get(ScenarioBrowser).dock.isVisible()
    )
    sides.trigger()
    qtbot.waitUntil(
        lambda: (
            not controls.isVisible() and not window.extensions.get(ScenarioBrowser).dock.isVisible()
        )
    )
    sides.trigger()  # shown when leaving: still the layout from before
    window.extensions.get(Presentation).toggle(False)
    _wait_for_layout(qtbot, window, before)


def test_many_tabs_still_fit_the_tab_bar_on_a_small_projector(qtbot):
    window = shown_window(qtbot, mode="thread", workers=2, count=10)
    for title in ("GIL lane", "More charts", "Yet another"):  # tabs other features add
        window.add_view(QWidget(), title)
    _on_stage(qtbot, window, (1280, 720))
    tabs = window.viewTabs
    qtbot.waitUntil(lambda: tabs.tabBar().sizeHint().width() <= tabs.width(), timeout=5000)
    window.extensions.get(Presentation).toggle(False)
    qtbot.waitUntil(lambda: tabs.tabBar().styleSheet() == "")
