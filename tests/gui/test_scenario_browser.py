"""The scenario browser as a presenter uses it: slides, Run, verdict, code, close mid-run."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QProgressBar

from concurrency_explorer.core.scenarios import SCENARIOS, get_scenario
from concurrency_explorer.gui.presentation import Presentation
from concurrency_explorer.gui.scenario_browser import ScenarioBrowser

from .helpers import make_window

RUN_TIMEOUT_MS = 90_000
# Shown windows (needed for window shortcuts and full screen) make the offscreen
# platform plugin say it cannot propagate size hints: harmless, and only that is ignored.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def shown_window(qtbot):
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):  # window shortcuts (PageDown, F11) need it active
        window.activateWindow()
    return window


def run_scenario(qtbot, browser, scenario_id: str):
    browser.select(scenario_id)
    with qtbot.waitSignal(browser.runner.runningChanged, timeout=RUN_TIMEOUT_MS) as started:
        qtbot.mouseClick(browser.runButton, Qt.MouseButton.LeftButton)
    assert started.args == [True]
    with qtbot.waitSignal(
        browser.runner.runningChanged, timeout=RUN_TIMEOUT_MS, check_params_cb=lambda r: not r
    ):
        pass
    return browser.results.get(scenario_id)


def test_browser_loads_every_scenario_with_its_code(qtbot):
    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    assert browser.objectName() == "scenarioBrowser"
    assert browser.scenarioCombo.count() == len(SCENARIOS) == 11
    assert browser.titleLabel.text().startswith(f"1 / {len(SCENARIOS)}")
    assert browser.codeView.toPlainText() == SCENARIOS[0].code()
    assert "countdown" in browser.explanationLabel.text()
    assert window.configPanel.mode == "process"  # opening the window changes nothing


def test_page_down_and_up_move_like_slides_and_load_the_configuration(qtbot):
    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    qtbot.keyClick(window.configPanel, Qt.Key.Key_PageDown)
    assert browser.scenarioCombo.currentIndex() == 1
    assert browser.titleLabel.text().startswith(f"2 / {len(SCENARIOS)}")
    assert window.configPanel.config().counts == (10, 20)
    qtbot.keyClick(window.configPanel, Qt.Key.Key_PageDown)
    assert browser.current.id == "gil-cpu"
    assert window.configPanel.mode == "thread" and window.configPanel.config().kind == "cpu"
    qtbot.keyClick(window.configPanel, Qt.Key.Key_PageUp)
    qtbot.keyClick(window.configPanel, Qt.Key.Key_PageUp)
    qtbot.keyClick(window.configPanel, Qt.Key.Key_PageUp)  # stays on the first slide
    assert browser.scenarioCombo.currentIndex() == 0
    assert window.findChild(QAction, "nextScenarioAction").shortcut().toString() == "PgDown"


def test_page_down_in_a_spin_box_is_the_spin_box_s_own(qtbot):
    """QA: PageDown in the Count box turned the slide and replaced the whole setup."""
    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    spin = window.configPanel.countSpin
    spin.setValue(1234)
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    qtbot.keyClick(spin, Qt.Key.Key_PageDown)
    assert browser.scenarioCombo.currentIndex() == 0, "the slide did not turn"
    assert spin.value() == 1224  # a page of a spin box: ten steps down


def test_browsing_keeps_a_workers_panel_the_person_changed(qtbot):
    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    panel = window.configPanel
    browser.next()  # lesson 2 loads its workload: the talk flow
    assert panel.config().counts == (10, 20)
    panel.workersSpin.setValue(5)  # now the person prepares an experiment
    panel.countsEdit.setText("")
    panel.countSpin.setValue(777)
    browser.next()
    assert browser.current.id == "gil-cpu"
    assert panel.config().workers == 5 and panel.config().counts == (777,) * 5
    assert "kept" in window.statusBar().currentMessage()


def test_run_page_threads_shows_console_verdict_and_bars_without_freezing(qtbot):
    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(20)
    t0 = time.perf_counter()
    result = run_scenario(qtbot, browser, "page-threads")
    elapsed = time.perf_counter() - t0
    timer.stop()
    assert result is not None and result.ok, browser.statusLabel.text()
    # The GUI thread kept ticking while the scenario ran (it runs on its own thread).
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) >= elapsed / 0.2 and max(gaps) < 2.0
    verdict = browser.verdictLabel.text()
    assert "Shown" in verdict and "10 lines" in verdict and "20 lines" in verdict
    assert "NameError" in verdict
    console = browser.console.toPlainText()
    assert "Count value 10" in console and "Count value 20" in console
    assert len(console.splitlines()) == 30
    bars = browser.bars.findChildren(QProgressBar)
    assert bars == browser.bars.bars
    assert len(bars) == 2 and bars[1].format() == "20 of 20"
    assert window.runButton.isEnabled()  # the window's own Run is back


def test_hazard_from_the_window_is_rescued_and_leaves_nothing(qtbot):
    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    result = run_scenario(qtbot, browser, "join-before-drain")
    assert result is not None and result.ok
    text = browser.verdictLabel.text()
    # the watchdog's ladder: SIGTERM, and SIGKILL when a busy machine lets the child
    # outlive SIGTERM's half second; either way the verdict names what ended it
    ended_by = result.measurements["join_first"]["ended_by"]
    assert ended_by in ("SIGTERM", "SIGKILL"), ended_by
    assert ended_by in text and f"{result.measurements['bytes']:,}" in text
    # the autouse no_leaks fixture fails this test if a child process remains


def test_verdicts_stay_with_their_slide(qtbot):
    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    result = run_scenario(qtbot, browser, "page-processes")
    assert result is not None
    browser.next()
    assert browser.verdictLabel.text() == "" and browser.statusLabel.text() == "Not run yet."
    browser.previous()
    assert str(result.measurements["workers"][0]["pid"]) in browser.verdictLabel.text()


def test_code_view_copy_and_save_a_script_that_runs_standalone(qtbot, tmp_path):
    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    browser.select("io-threads")
    browser.copy_code()
    assert QGuiApplication.clipboard().text() == get_scenario("io-threads").code()
    browser.sourceCombo.setCurrentIndex(browser.sourceCombo.findData("config"))
    window.configPanel.countsEdit.setText("3,4,5,6")
    code = browser.codeView.toPlainText()
    assert "COUNTS = [3, 4, 5, 6]" in code
    saved = browser.save_code(tmp_path / "lab")
    assert saved == tmp_path / "lab.py" and saved.read_text() == code
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    proc = subprocess.run(
        [sys.executable, "-I", str(saved)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "4 io workers, mode thread" in proc.stdout


def test_a_configuration_without_a_script_cannot_be_saved_as_one(qtbot, tmp_path):
    """QA: 'Save code as .py' wrote a file holding only '# No script for ...'."""
    from .helpers import choose

    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    browser.sourceCombo.setCurrentIndex(browser.sourceCombo.findData("config"))
    choose(window.configPanel.modeCombo, "asyncio")
    assert browser.codeView.toPlainText().startswith("# No script for this configuration")
    assert not browser.saveButton.isEnabled() and not browser.copyButton.isEnabled()
    assert browser.save_code(tmp_path / "x.py") is None
    assert list(tmp_path.iterdir()) == []
    choose(window.configPanel.modeCombo, "thread")
    assert browser.saveButton.isEnabled()


def test_saving_to_a_missing_folder_says_so(qtbot, tmp_path):
    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    assert browser.save_code(tmp_path / "nope" / "x.py") is None
    assert "Could not save x.py" in browser.statusLabel.text()


def test_closing_mid_scenario_stops_it_then_closes(qtbot):
    window = shown_window(qtbot)
    browser = window.extensions.get(ScenarioBrowser)
    browser.select("unbounded-queue")
    assert browser.run_current()
    qtbot.wait(300)
    window.close()
    assert window.isVisible()  # waits for the scenario to stop first
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    assert not browser.runner.is_running


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_presentation_mode_fonts_and_themes(qtbot, theme):
    window = shown_window(qtbot)
    app = QGuiApplication.instance()
    base = app.font().pointSizeF()
    presentation = window.extensions.get(Presentation)
    action = window.findChild(QAction, "presentationAction")
    assert action.shortcut().toString() == "F11"
    action.trigger()
    assert presentation.presenting
    qtbot.waitUntil(lambda: bool(window.windowState() & Qt.WindowState.WindowFullScreen))
    big = app.font().pointSizeF()
    assert big >= base * 1.7
    browser = window.extensions.get(ScenarioBrowser)
    title = browser.titleLabel
    qtbot.waitUntil(lambda: title.font().pointSizeF() >= big * 1.3)  # legible at the back
    assert browser.verdictLabel.font().pointSizeF() >= big
    assert window.configPanel.font().pointSizeF() == pytest.approx(big, abs=0.1)
    window.findChild(QAction, "fontBiggerAction").trigger()
    assert app.font().pointSizeF() > big
    window.findChild(QAction, "fontSmallerAction").trigger()
    window.findChild(QAction, "fontSmallerAction").trigger()
    assert app.font().pointSizeF() < big
    window.findChild(QAction, f"theme{theme.capitalize()}Action").trigger()
    background = app.palette().color(app.palette().ColorRole.Window).name()
    assert background == ("#000000" if theme == "dark" else "#ffffff")
    assert window.workersView.bar_lines == 2.0  # big bars: two lines of text high
    action.trigger()
    assert not presentation.presenting
    assert app.font().pointSizeF() == pytest.approx(base)
    assert window.workersView.bar_lines == 1.5
    # no label keeps the big size a stylesheet gave it
    qtbot.waitUntil(lambda: browser.verdictLabel.font().pointSizeF() < big)
    assert title.font().pointSizeF() < big * 1.3
    qtbot.waitUntil(lambda: not window.windowState() & Qt.WindowState.WindowFullScreen)
    from concurrency_explorer.gui.settings import app_settings

    assert app_settings().value("view/theme") == theme
