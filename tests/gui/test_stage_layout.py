"""The stage (presentation mode) at projector sizes: the bars own the screen, readably,
and the settings and the lesson come back exactly as they were when leaving."""

from __future__ import annotations

import contextlib
import html

import pytest
from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QAction, QFontMetrics
from PySide6.QtWidgets import QApplication, QSplitter, QWidget

from concurrency_explorer.core.compare import Comparison
from concurrency_explorer.core.sweep import Sweep
from concurrency_explorer.core.verdict import Verdict, run_verdict
from concurrency_explorer.gui.compare_view import COLUMNS, TABLE_ROW_PADDING, CompareView
from concurrency_explorer.gui.cpu_view import CpuView
from concurrency_explorer.gui.main_window import VERDICT_LINES, verdict_text
from concurrency_explorer.gui.presentation import Presentation
from concurrency_explorer.gui.scenario_browser import ScenarioBrowser
from concurrency_explorer.gui.scenario_stage import shorter_verdicts
from concurrency_explorer.gui.sweep_view import STAGE_CHART_LINES, SweepView

from .helpers import run_and_wait, shown_window

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen
PROJECTORS = [(1280, 720), (1920, 1080)]
ENGINE_ROOM = 1.2  # an engine's row in the chart: at least this many lines of its name
STAGE_ROWS_BESIDE_COMPARE = 4  # of 4 worker rows, above 8 engines on stage


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


LONG_STATUS = (
    "Comparison done: fastest pool-process (warm) at 3.74x (ideal 2x with 2 workers on 2 "
    "cores). Grey: the baseline; dashed: the ideal. Process pool start: 72.7 ms cold, 2.6 ms "
    "warm (its processes were already running). Faster than the ideal: the baseline paid "
    "start-up the others did not, so this workload is too short to measure parallelism."
)
BUSY = {"busy": True, "others_cores": 1.7, "cores": 2, "busy_threshold_cores": 0.5}


def _a_long_verdict(window):
    """The worst verdict above the bars: a two-line sentence and reasons it is not reliable."""
    window.show_verdict(
        Verdict(
            "2 Dask tasks finished 8.5x slower than one after another (measured; 0.71 cores "
            "used, 1.2 CPU-seconds per second of the window's own work).",
            False,
            "the machine was busy: other programs used 1.7 of 2 cores during this run; "
            "repeats disagree by 40 %; beyond the ideal",
        )
    )


def _lines_tall(label):
    """How many lines of its font a label takes (a shown line: at least 3/4 of one)."""
    return int(label.contentsRect().height() / label.fontMetrics().lineSpacing() + 0.25)


def _tick_font(axis):
    return axis.style.get("tickFont") or QApplication.font()


@pytest.mark.parametrize("size", PROJECTORS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_compare_on_stage_gives_every_engine_a_readable_row(qtbot, size):
    window = shown_window(qtbot, mode="thread", workers=4, count=40, tab="Compare engines")
    run_and_wait(qtbot, window)  # four rows on the bars
    view = window.extensions.get(CompareView)
    comparison = Comparison(window.configPanel.config(), None)  # every engine here
    view.comparison = comparison
    view.show_comparison(comparison)
    view.statusLabel.setText(LONG_STATUS)
    view.loadFlag.show_loads([{"load": BUSY}] * len(comparison.labels))
    assert view.loadFlag.isVisible() and view.loadFlag.busy
    _a_long_verdict(window)
    _on_stage(qtbot, window, size)
    assert window.minimumSizeHint().height() <= size[1]
    assert window.minimumSizeHint().width() <= size[0]
    n = len(comparison.labels)
    assert n >= 7

    def legible():
        window.extensions.get(Presentation).stage.fit()
        box = view.wallPlot.getViewBox()
        metrics = QFontMetrics(_tick_font(view.wallPlot.getAxis("left")))
        low, high = box.viewRange()[1]
        per_engine = box.height() / (high - low)  # px between two engines' names
        return per_engine >= ENGINE_ROOM * metrics.height()

    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(legible, timeout=3000)
    box = view.wallPlot.getViewBox()
    axis = view.wallPlot.getAxis("left")
    metrics = QFontMetrics(_tick_font(axis))
    low, high = box.viewRange()[1]
    per_engine = box.height() / (high - low)
    # each name's rect (a line of text centred on its engine) stays clear of the next one
    tops = [box.mapViewToScene(QPointF(0, i)).y() - metrics.height() / 2 for i in range(n)]
    for name, top, below in zip(comparison.labels, tops, tops[1:], strict=False):
        assert top + metrics.height() <= below, f"{name!r} overlaps the next engine's name"
    assert per_engine >= ENGINE_ROOM * metrics.height(), (
        f"{per_engine:.0f} px per engine for {metrics.height()} px text"
    )
    widest = max(metrics.horizontalAdvance(label) for label in comparison.labels)
    assert axis.width() >= widest, "engine names cut at the left"
    # the table beside: every row and every column it shows, without scrolling
    table = view.table
    last = table.rowViewportPosition(n - 1) + table.rowHeight(n - 1)
    assert 0 <= last <= table.viewport().height(), "the table hides engines"
    assert table.horizontalHeader().length() <= table.viewport().width(), "columns cut"
    # the notes above take a line or two; their whole text stays in the tooltip
    line = window.verdictLabel.fontMetrics().lineSpacing()
    assert _lines_tall(window.verdictLabel) <= 2, "the verdict took the chart's room"
    assert "Not a reliable figure" in window.verdictLabel.accessibleDescription()
    for label in (view.statusLabel, view.loadFlag):
        assert _lines_tall(label) <= 2
    assert view.loadFlag.is_cut() and view.loadFlag.cut_lines()[-1].endswith("…")
    shown = _rows_shown(window)
    # session 4 left one of the four rows above eight engines at 1280x720, session 5
    # three: the engines' names get smaller (down to a floor) and the rows take a line
    # each beside a chart page, until the bars keep all four
    assert sum(shown) >= STAGE_ROWS_BESIDE_COMPARE, f"{sum(shown)} of 4 worker rows shown"
    for row in window.workersView.rows:  # one line each, nothing of it cut
        assert "\n" not in row.label.text() and " · pid " in row.label.text(), row.label.text()
        assert row.label.sizeHint().height() <= row.label.height(), "the label is cut"
        assert row.label.sizeHint().width() <= row.label.width(), "the label is cut"
        assert row.bar.height() >= 1.4 * row.label.fontMetrics().height(), "a thin bar"
    names = _tick_font(axis).pointSizeF()
    assert names >= 0.6 * QApplication.font().pointSizeF() - 0.05, "engine names too small"

    window.extensions.get(Presentation).toggle(False)
    qtbot.waitUntil(lambda: not table.isColumnHidden(COLUMNS.index("start ms")))
    labels = [row.label.text() for row in window.workersView.rows]
    assert all("\n" in label for label in labels), f"two lines off stage again: {labels}"
    assert view.table.font().pointSizeF() == QApplication.font().pointSizeF(), "own font again"
    # measured in the window's text size, not the stage's it had a moment before
    assert table.rowHeight(0) == table.fontMetrics().height() + TABLE_ROW_PADDING, "tall rows"
    bar = window.viewTabs.tabBar()
    assert bar.font().pointSizeF() == QApplication.font().pointSizeF(), "stage-sized tab titles"
    assert view.wallPlot.getAxis("left").style["tickFont"] is None
    assert not view.loadFlag.is_cut() or view.loadFlag.height() > line


def test_compare_in_normal_mode_at_1280x720_shows_every_engine_in_the_table(qtbot):
    """Rows a line of text tall: the style's half-again-taller rows hid two of eight."""
    window = shown_window(qtbot, mode="thread", workers=4, count=40, tab="Compare engines")
    window.setGeometry(0, 0, 1280, 720)
    qtbot.waitUntil(lambda: window.size() == QSize(1280, 720), timeout=5000)
    run_and_wait(qtbot, window)
    view = window.extensions.get(CompareView)
    comparison = Comparison(window.configPanel.config(), None)
    view.comparison = comparison
    view.show_comparison(comparison)
    view.statusLabel.setText(LONG_STATUS)
    view.loadFlag.show_loads([{"load": BUSY}] * len(comparison.labels))
    _a_long_verdict(window)
    qtbot.wait(100)
    table, n = view.table, len(comparison.labels)
    assert n >= 7
    last = table.rowViewportPosition(n - 1) + table.rowHeight(n - 1)
    assert 0 <= last <= table.viewport().height(), (
        f"{last} px of rows in {table.viewport().height()}"
    )
    line = table.fontMetrics().height()
    # a line of text and a little (the style's rows, half as tall again, hid two
    # engines at 1280x720 beside the lesson dock, seen under Xvfb)
    assert line <= table.rowHeight(0) <= line + TABLE_ROW_PADDING, table.rowHeight(0)


def test_compare_rows_follow_the_text_size_in_normal_mode(qtbot):
    """Ctrl+plus: the table's rows stayed 20 px tall under 24 px engine names."""
    window = shown_window(qtbot, mode="thread", workers=2, count=10, tab="Compare engines")
    view = window.extensions.get(CompareView)
    comparison = Comparison(window.configPanel.config(), None)
    view.comparison = comparison
    view.show_comparison(comparison)
    table = view.table

    def rows_fit_text():
        return table.rowHeight(0) == table.fontMetrics().height() + TABLE_ROW_PADDING

    assert rows_fit_text()
    small = table.fontMetrics().height()
    for _ in range(4):
        window.findChild(QAction, "fontBiggerAction").trigger()
    qtbot.waitUntil(lambda: table.fontMetrics().height() >= small * 1.5, timeout=3000)
    qtbot.waitUntil(rows_fit_text, timeout=3000)
    for _ in range(4):
        window.findChild(QAction, "fontSmallerAction").trigger()
    qtbot.waitUntil(lambda: table.fontMetrics().height() == small, timeout=3000)
    qtbot.waitUntil(rows_fit_text, timeout=3000)


def _rows_shown(window) -> list[bool]:
    """Which worker rows the bars show whole; none may be cut in half, the first must show."""
    viewport = window.workersView.viewport().rect()
    shown = []
    for row in window.workersView.rows:
        rect = row.label.geometry().united(row.bar.geometry()).united(row.state.geometry())
        rect = rect.translated(row.bar.parentWidget().pos())
        assert viewport.contains(rect) or not viewport.intersects(rect), "a row cut in half"
        shown.append(viewport.contains(rect))
    assert shown[0], "not even one worker row on the bars"
    return shown


@pytest.mark.parametrize("size", PROJECTORS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_sweep_on_stage_keeps_a_legible_plot_and_the_bars(qtbot, size):
    window = shown_window(qtbot, mode="thread", workers=4, count=40, tab="Sweep")
    run_and_wait(qtbot, window)
    view = window.extensions.get(SweepView)
    view.sweep = Sweep(window.configPanel.config(), 8, 300)
    view.draw()
    view.statusLabel.setText(LONG_STATUS)
    _a_long_verdict(window)
    _on_stage(qtbot, window, size)
    text = QFontMetrics(QApplication.font()).height()
    plot = view.plot.getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: view.chart.height() >= STAGE_CHART_LINES * text * 0.95, timeout=3000)
    assert plot.height() >= 5 * text, "too little plot under the legend"
    legend = view.plot.getPlotItem().legend
    sizes = [float(label.opts["size"].removesuffix("pt")) for _, label in legend.items]
    assert sizes and min(sizes) >= 0.75 * QApplication.font().pointSizeF(), "a tiny legend"
    assert legend.columnCount == len(legend.items), "the legend in one row on stage"
    assert legend.boundingRect().width() <= plot.width(), "the legend wider than the plot"
    assert legend.boundingRect().height() <= 2 * text, "the legend takes the plot's room"
    assert _lines_tall(view.statusLabel) <= 2
    tabs = window.viewTabs
    assert tabs.tabBar().sizeHint().width() <= tabs.width(), "the tab bar is clipped"
    # the sweep's plot used to leave the bars 1 of 4 rows at 1280x720, then 2
    assert sum(_rows_shown(window)) == 4, f"{sum(_rows_shown(window))} of 4 worker rows shown"
    window.extensions.get(Presentation).toggle(False)
    assert legend.columnCount == 1, "the legend's entries one under another off stage"


@pytest.mark.parametrize("size", PROJECTORS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_cpu_legend_on_stage_stays_off_the_data(qtbot, size):
    """Every core of a busy machine runs along the 100 % line, where the legend sat."""
    import pyqtgraph as pg

    window = shown_window(qtbot, mode="thread", workers=2, count=40, tab="CPU cores")
    run_and_wait(qtbot, window)
    view = window.extensions.get(CpuView)
    _on_stage(qtbot, window, size)
    qtbot.waitUntil(lambda: view.workersCurve is not None, timeout=5000)
    qtbot.wait(100)
    plot = view.plot
    data = plot.getPlotItem().getViewBox().sceneBoundingRect()
    legends = [item for item in plot.scene().items() if isinstance(item, pg.LegendItem)]
    assert len(legends) == 1
    legend = legends[0].sceneBoundingRect()
    assert not legend.intersects(data), f"the legend {legend} lies over the data {data}"
    shown = plot.mapToScene(plot.viewport().rect()).boundingRect()
    assert shown.contains(legend), f"the legend {legend} is cut off ({shown})"
    names = [label.text for _, label in legends[0].items]
    assert names == [f"core {i}" for i in range(view.monitor.cores)]
    sizes = [float(label.opts["size"].removesuffix("pt")) for _, label in legends[0].items]
    assert min(sizes) >= 0.75 * QApplication.font().pointSizeF(), "a tiny legend"
    window.extensions.get(Presentation).toggle(False)


def test_a_long_verdict_leaves_the_bars_their_room_in_normal_mode(qtbot):
    window = shown_window(qtbot, mode="thread", workers=4, count=40)
    lesson = window.extensions.get(ScenarioBrowser).dock
    assert lesson is not None and lesson.isVisible(), "settings, bars and lesson side by side"
    # (the lesson's dock kept the minimum of its long combo: 1361 px, cut by the screen)
    assert window.minimumSizeHint().width() <= 1280, "normal mode is wider than 1280 px"
    window.setGeometry(0, 0, 1280, 720)
    qtbot.waitUntil(lambda: window.size() == QSize(1280, 720), timeout=5000)
    run_and_wait(qtbot, window)
    verdict = "A scenario's verdict quotes what it measured, sentence after sentence. " * 9
    window.show_verdict_text(f"<b>✔ Shown</b> — {html.escape(verdict)}", f"✔ Shown — {verdict}")
    window.verdictLabel.set_shorter(shorter_verdicts("<b>✔ Shown</b> — ", verdict))
    window.extensions.get(Presentation).stage.fit()
    label = window.verdictLabel

    def settled():
        rows = window.workersView.rows
        viewport = window.workersView.viewport()
        return all(
            viewport.rect().contains(r.bar.geometry().translated(r.bar.parentWidget().pos()))
            for r in rows
        )

    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(settled, timeout=3000)
    assert settled(), "a bar is scrolled out of sight: the verdict squeezed the rows"
    assert _lines_tall(label) <= VERDICT_LINES
    assert label.is_cut(), "this verdict is longer than four lines at 1280 px"
    shown = label.shorter_shown()
    assert shown is not None and shown.endswith("…"), "whole sentences, then …"
    assert verdict.strip() in label.accessibleDescription(), "the whole verdict is kept"
    for row in window.workersView.rows:
        assert row.state.heightForWidth(row.state.width()) <= row.state.height(), "count cut"
        words = row.state.fontMetrics().horizontalAdvance(row.state.text())
        assert words <= row.state.contentsRect().width(), f"{row.state.text()!r} cut"
        state = row.state.geometry().translated(row.state.parentWidget().pos())
        assert window.workersView.viewport().rect().contains(state), "the count is off the pane"
