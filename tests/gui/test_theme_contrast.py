"""The high-contrast themes are high contrast: bar text, state text, charts, hints."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from concurrency_explorer.gui import presentation
from concurrency_explorer.gui.cpu_view import CpuView
from concurrency_explorer.gui.presentation import Presentation
from concurrency_explorer.gui.timeline_view import TimelineView
from concurrency_explorer.gui.worker_rows import STATE_TEXT_COLOURS, state_colour

from .helpers import run_and_wait, select_tab, shown_window, state

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        c = QColor(colour)
        channels = [c.redF(), c.greenF(), c.blueF()]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_bar_text_and_hints_read_well(theme):
    window, text, base, _hl, _ht, chunk, _button, placeholder = presentation.COLOURS[theme]
    assert contrast(text, chunk) >= 4.5, "bar text over the filled part"
    assert contrast(text, base) >= 4.5, "bar text over the empty part"
    assert contrast(placeholder, base) >= 4.5 and placeholder != text, "hints look typed"
    palette = presentation.palette_for(theme)
    assert palette.color(QPalette.ColorRole.PlaceholderText).name() == placeholder
    for light, dark in STATE_TEXT_COLOURS.values():
        assert contrast(dark if theme == "dark" else light, window) >= 4.5


def test_dark_theme_recolours_states_and_charts(qtbot):
    # an earlier test's window, deleted now, would put its own looks back mid-test:
    # delete it, then let it put them back (presentation.py does that once the
    # event loop is back, never inside the window's destructor)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    window = shown_window(qtbot, mode="thread", workers=2, count=10, tab="CPU cores")
    cpu_chart = window.extensions.get(CpuView).chart.widget
    assert cpu_chart is not None  # built light, before the theme changed
    window.extensions.get(Presentation).set_theme("dark")
    run_and_wait(qtbot, window)
    assert state(window, 0).startswith("done")
    label = window.workersView.rows[0].state
    assert state_colour("done") in label.styleSheet()
    background = QGuiApplication.palette().color(QPalette.ColorRole.Window).name()
    assert contrast(state_colour("done"), background) >= 4.5
    select_tab(window, "Timeline")  # built now, in the dark theme
    import pyqtgraph as pg

    def views(chart):
        return (
            [chart] if isinstance(chart, pg.GraphicsView) else chart.findChildren(pg.GraphicsView)
        )

    charts = views(cpu_chart) + views(window.extensions.get(TimelineView).chart.widget)
    assert len(charts) >= 2
    assert all(c.backgroundBrush().color().name() == "#000000" for c in charts)
    axis = next(i for i in charts[0].scene().items() if isinstance(i, pg.AxisItem))
    assert axis.textPen().color().name() == "#ffffff"
    window.extensions.get(Presentation).set_theme("system")
    assert charts[0].backgroundBrush().color().name() == "#ffffff"
