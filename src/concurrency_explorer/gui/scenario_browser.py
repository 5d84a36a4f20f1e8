"""The scenario browser: the page's lessons as slides, each runnable in one click.

Pick a scenario (or PageDown / PageUp through them like slides): its configuration
goes into the Workers panel, its explanation and exact code are shown, Run measures
it on this machine (off the GUI thread) and the verdict quotes the numbers.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
)
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.atomic import atomic_write_text
from ..core.config import ConfigError
from ..core.scenarios import SCENARIOS, Scenario, ScenarioResult
from ..core.scenarios.codegen import NoScript, script_for_config
from . import scenario_stage
from .scenario_bars import ScenarioBars
from .scenario_runner import ScenarioRunner
from .worker_rows import state_colour

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

SOURCE_SCENARIO, SOURCE_CONFIG = "scenario", "config"
NO_SCRIPT_PREFIX = "# No script for this configuration: "


def _named(widget: QWidget, name: str, accessible: str, tip: str = "") -> Any:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(tip)
    return widget


class ScenarioBrowser(QWidget):
    """Slides of scenarios; ``results`` keeps the latest result of each scenario."""

    scenarioChanged = Signal(str)

    def __init__(self, window: MainWindow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "scenarioBrowser", "Scenarios")
        self.window_ = window
        self.dock: QDockWidget | None = None  # the window's dock holding it, once installed
        self.scenarios: tuple[Scenario, ...] = SCENARIOS
        self.results: dict[str, ScenarioResult] = {}
        self.errors: dict[str, str] = {}
        self.runner = ScenarioRunner(self)
        self._loaded: dict[str, Any] | None = None  # the panel as the last lesson left it
        top = self._build_navigation()
        self._build_texts()
        lesson = self._build_lesson()
        code = self._build_code()
        self._build_layout(top, lesson, code)
        self._connect()
        self._update_title_font()
        self._show_current(load_config=False)  # opening the window keeps the panel as it was

    def _build_navigation(self) -> QHBoxLayout:
        """Previous, the lesson list, next."""
        self.scenarioCombo = _named(
            QComboBox(), "scenarioCombo", "Scenario", "Every lesson of the page, in order."
        )
        for i, s in enumerate(self.scenarios, 1):
            self.scenarioCombo.addItem(f"{i}. {s.title}", s.id)
        self.prevButton = _named(
            QPushButton("◀"), "prevScenarioButton", "Previous scenario", "Previous (PageUp)"
        )
        self.nextButton = _named(
            QPushButton("▶"), "nextScenarioButton", "Next scenario", "Next (PageDown)"
        )
        top = QHBoxLayout()
        top.addWidget(self.prevButton)
        top.addWidget(self.scenarioCombo, 1)
        top.addWidget(self.nextButton)
        return top

    def _build_texts(self) -> None:
        """The lesson's title and its explanation."""
        self.titleLabel = _named(QLabel(), "scenarioTitle", "Scenario title")
        self.titleLabel.setWordWrap(True)
        self.explanationLabel = _named(QLabel(), "scenarioExplanation", "Explanation")
        self.explanationLabel.setWordWrap(True)
        self.explanationLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_lesson(self) -> QWidget:
        """The Lesson tab: explanation, Run scenario, the verdict, its bars, the console."""
        self.runButton = _named(
            QPushButton("Run scenario"),
            "scenarioRunButton",
            "Run scenario",
            "Run this lesson on this machine (F9). The verdict is computed from what is "
            "measured now, never written in advance.",
        )
        self.statusLabel = _named(QLabel("Not run yet."), "scenarioStatus", "Scenario status")
        self.statusLabel.setWordWrap(True)
        run_row = QHBoxLayout()
        run_row.addWidget(self.runButton)
        run_row.addWidget(self.statusLabel, 1)

        self.verdictLabel = _named(QLabel(), "scenarioVerdict", "Verdict")
        self.verdictLabel.setWordWrap(True)
        self.verdictLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bars = ScenarioBars()
        self.console = _named(
            QPlainTextEdit(),
            "scenarioConsole",
            "Console output",
            "What the workers printed, in the order it arrived.",
        )
        self.console.setReadOnly(True)
        self.console.setPlaceholderText("Printed output of the workers appears here.")
        self.console.setMaximumBlockCount(2000)
        self.console.setMinimumHeight(160)
        self.console.hide()  # shown for the scenarios whose workers print

        lesson = QWidget()
        lesson_layout = QVBoxLayout(lesson)
        lesson_layout.addWidget(self.explanationLabel)
        lesson_layout.addLayout(run_row)
        lesson_layout.addWidget(self.verdictLabel)
        lesson_layout.addWidget(self.bars)
        lesson_layout.addWidget(self.console, 1)
        lesson_layout.addStretch(0)
        return lesson

    def _build_code(self) -> QWidget:
        """The Code tab: which script, the script, Copy and Save."""
        self.sourceCombo = _named(
            QComboBox(),
            "codeSourceCombo",
            "Code for",
            "Show the scenario's own script, or a script doing what the Workers panel "
            "is set to now.",
        )
        self.sourceCombo.addItem("This scenario's script", SOURCE_SCENARIO)
        self.sourceCombo.addItem("The current configuration", SOURCE_CONFIG)
        self.codeView = _named(
            QPlainTextEdit(),
            "scenarioCode",
            "Code",
            "The exact script: standard library only, runs with plain Python.",
        )
        self.codeView.setReadOnly(True)
        self.codeView.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.codeView.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copyButton = _named(
            QPushButton("Copy"),
            "copyCodeButton",
            "Copy code",
            "Copy the script to the clipboard (Ctrl+Shift+C).",
        )
        self.saveButton = _named(
            QPushButton("Save as .py…"),
            "saveCodeButton",
            "Save code",
            "Save the script as a .py file (Ctrl+Alt+S); run it with: python file.py",
        )
        code_row = QHBoxLayout()
        code_row.addWidget(self.sourceCombo, 1)
        code_row.addWidget(self.copyButton)
        code_row.addWidget(self.saveButton)
        code = QWidget()
        code_layout = QVBoxLayout(code)
        code_layout.addLayout(code_row)
        code_layout.addWidget(self.codeView, 1)
        return code

    def _build_layout(self, top: QHBoxLayout, lesson: QWidget, code: QWidget) -> None:
        """Navigation and title above the Lesson and Code tabs (the lesson scrolls)."""
        self.tabs = _named(QTabWidget(), "scenarioTabs", "Scenario views")
        scroll = QScrollArea()  # big fonts in a talk: scroll rather than clip the verdict
        scroll.setObjectName("scenarioLessonScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(lesson)
        self.tabs.addTab(scroll, "Lesson")
        self.tabs.addTab(code, "Code")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.tabs, 1)

    def _connect(self) -> None:
        """Buttons, lists and the runner to what they do."""
        self.scenarioCombo.currentIndexChanged.connect(self._show_current)
        self.prevButton.clicked.connect(self.previous)
        self.nextButton.clicked.connect(self.next)
        self.runButton.clicked.connect(self.run_current)
        self.copyButton.clicked.connect(self.copy_code)
        self.saveButton.clicked.connect(lambda: self.save_code())
        self.sourceCombo.currentIndexChanged.connect(self.refresh_code)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.runningChanged.connect(self._sync)

    # -- navigation --------------------------------------------------------------

    @property
    def current(self) -> Scenario:
        return self.scenarios[max(0, self.scenarioCombo.currentIndex())]

    def select(self, scenario_id: str) -> None:
        index = self.scenarioCombo.findData(scenario_id)
        if index < 0:
            raise KeyError(scenario_id)
        self.scenarioCombo.setCurrentIndex(index)

    def next(self) -> None:
        index = self.scenarioCombo.currentIndex()
        if index + 1 < self.scenarioCombo.count():
            self.scenarioCombo.setCurrentIndex(index + 1)

    def previous(self) -> None:
        index = self.scenarioCombo.currentIndex()
        if index > 0:
            self.scenarioCombo.setCurrentIndex(index - 1)

    def _show_current(self, *_: object, load_config: bool = True) -> None:
        s = self.current
        index = self.scenarioCombo.currentIndex()
        self.titleLabel.setText(f"{index + 1} / {len(self.scenarios)}  {s.title}")
        self.explanationLabel.setText(s.explanation)
        if load_config:
            self._load_config(s, keep_edits=True)
        self.refresh_code()
        self._show_result(s.id)
        self._sync(self.runner.is_running)
        self.scenarioChanged.emit(s.id)

    def _load_config(self, s: Scenario, *, keep_edits: bool = False) -> None:
        """Put the lesson's workload in the Workers panel. Browsing (``keep_edits``)
        leaves a panel the person changed since the last lesson alone: paging through
        slides must not silently throw away an experiment being prepared."""
        window = self.window_
        if s.config is None or window is None or window.controller.is_running:
            return
        panel = window.configPanel
        if keep_edits and self._loaded is not None and self._panel_config() != self._loaded:
            window.statusBar().showMessage(
                "Your Workers settings were kept; Run scenario (F9) uses the lesson's own.",
                8000,
            )
            return
        panel.set_config(s.config)
        self._loaded = self._panel_config()

    def remember_panel(self) -> None:
        """The panel now shows what a lesson ran (not the person's edits): browsing on
        may replace it with the next lesson's workload."""
        self._loaded = self._panel_config()

    def _panel_config(self) -> dict[str, Any] | None:
        if self.window_ is None:
            return None
        try:
            return self.window_.configPanel.config().to_dict()
        except ConfigError:  # a half-typed field: the person is editing
            return {"editing": True}

    # -- running -----------------------------------------------------------------

    def run_current(self) -> bool:
        """Run the shown scenario off the GUI thread; False if something already runs."""
        window = self.window_
        if self.runner.is_running or (window is not None and window.controller.is_running):
            return False
        s = self.current
        self._load_config(s)  # the panel shows what this lesson runs
        self.results.pop(s.id, None)
        self.errors.pop(s.id, None)
        self.verdictLabel.clear()
        self.bars.clear()
        self.console.clear()
        self.statusLabel.setText("Starting…")
        return self.runner.start(s)

    def _on_progress(self, text: str) -> None:
        if self.runner.scenario is self.current:
            self.statusLabel.setText(f"Running: {text}")

    def _on_finished(self, result: ScenarioResult) -> None:
        self.results[result.id] = result
        if result.id == self.current.id:
            self._show_result(result.id)

    def _on_failed(self, message: str) -> None:
        scenario = self.runner.scenario
        if scenario is not None:
            self.errors[scenario.id] = message
            if scenario.id == self.current.id:
                self._show_result(scenario.id)

    def _show_result(self, scenario_id: str) -> None:
        result = self.results.get(scenario_id)
        playing = self.runner.scenario if self.runner.is_running else None
        if playing is not None and playing.id == scenario_id:
            return
        self.bars.clear()
        self.console.clear()
        self.console.hide()
        if result is None:
            error = self.errors.get(scenario_id)
            self.verdictLabel.clear()
            self.statusLabel.setText(f"Failed: {error}" if error else "Not run yet.")
            return
        mark = "✔ Shown" if result.ok else "✘ Not shown"
        colour = state_colour("done" if result.ok else "failed")  # reads in every theme
        self.verdictLabel.setText(
            f"<b style='color:{colour}'>{mark}</b> — {html.escape(result.verdict)}"
        )
        self.statusLabel.setText(f"Measured on this machine in {result.wall_s:.1f} s.")
        self.bars.show_bars(self.current.bars_for(result.measurements))
        lines = result.measurements.get("console") or []
        self.console.setPlainText("\n".join(lines))
        self.console.setVisible(bool(lines))

    def _sync(self, running: bool) -> None:
        self.runButton.setEnabled(not running)
        window = self.window_
        if window is not None and not window.controller.is_running:
            window.runButton.setEnabled(not running)
            window.runAction.setEnabled(not running)
        if not running:
            self._show_result(self.current.id)
        elif self.runner.scenario is not None and self.runner.scenario is not self.current:
            self.statusLabel.setText(f"Another scenario is running ({self.runner.scenario.id}).")

    # -- code --------------------------------------------------------------------

    def code_text(self) -> str:
        """The script shown: the scenario's own, or one for the current configuration."""
        if self.sourceCombo.currentData() == SOURCE_CONFIG and self.window_ is not None:
            try:
                return script_for_config(self.window_.configPanel.config())
            except (ConfigError, NoScript) as exc:
                return f"{NO_SCRIPT_PREFIX}{exc}\n"
        return self.current.code()

    def refresh_code(self) -> None:
        text = self.code_text()
        self.codeView.setPlainText(text)
        # nothing to copy or save when the configuration has no standalone script
        has_script = not text.startswith(NO_SCRIPT_PREFIX)
        self.copyButton.setEnabled(has_script)
        self.saveButton.setEnabled(has_script)

    def copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.codeView.toPlainText())
        self.statusLabel.setText("Code copied to the clipboard.")

    def default_file_name(self) -> str:
        if self.sourceCombo.currentData() == SOURCE_CONFIG:
            return "configuration.py"
        return self.current.id.replace("-", "_") + ".py"

    def save_code(self, path: str | Path | None = None) -> Path | None:
        """Save the shown script (atomic write); asks for a file name when none is given."""
        if not self.saveButton.isEnabled():  # the keyboard shortcut, with nothing to save
            self.statusLabel.setText("No standalone script for this configuration to save.")
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save script", self.default_file_name(), "Python script (*.py)"
            )
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        if target.suffix != ".py":
            target = target.with_suffix(".py")
        try:
            atomic_write_text(target, self.codeView.toPlainText())
        except OSError as exc:
            self.statusLabel.setText(f"Could not save {target.name}: {exc.strerror or exc}")
            return None
        self.statusLabel.setText(f"Saved {target}. Run it with: python {target.name}")
        return target

    # -- looks -------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._update_title_font()
        super().changeEvent(event)

    def refresh_fonts(self) -> None:
        """Called when the looks change: a font a stylesheet once set sticks otherwise,
        and the verdict's mark takes the new theme's colour."""
        self._update_title_font()
        if self.current.id in self.results:
            self._show_result(self.current.id)

    def _update_title_font(self) -> None:
        app_font = QGuiApplication.font()
        if abs(app_font.pointSizeF() - self.font().pointSizeF()) > 0.01:
            self.setFont(app_font)
        font = QFont(self.font())
        font.setPointSizeF(max(1.0, font.pointSizeF()) * 1.35)
        font.setBold(True)
        self.titleLabel.setFont(font)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        fixed.setPointSizeF(max(1.0, self.font().pointSizeF()))
        self.codeView.setFont(fixed)
        verdict = QFont(self.font())
        verdict.setPointSizeF(max(1.0, verdict.pointSizeF()) * 1.1)
        self.verdictLabel.setFont(verdict)


class _CloseGuard(QObject):
    """Closing the window mid-scenario cancels it and closes once it has ended."""

    def __init__(self, window: MainWindow, browser: ScenarioBrowser) -> None:
        super().__init__(window)
        self.window_ = window
        self.browser = browser
        self.closing = False
        browser.runner.runningChanged.connect(self._maybe_close)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and self.browser.runner.is_running:
            self.closing = True
            self.browser.runner.cancel()
            self.browser.statusLabel.setText("Stopping the scenario, then closing…")
            event.ignore()
            return True
        return False

    def _maybe_close(self, running: bool) -> None:
        if not running and self.closing:
            self.closing = False
            self.window_.close()


NARROW_SCREEN_PX = 1280  # a scaled screen narrower than this (logical px) starts lesson-less


def narrow_screen(window: QWidget) -> bool:
    """A laptop screen at 150-200 % scaling: too few logical pixels for three columns."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None or screen.devicePixelRatio() < 1.5:
        return False
    return screen.availableGeometry().width() < NARROW_SCREEN_PX


def _slide_key(key: Qt.Key, turn: Any) -> Any:
    """PageDown/PageUp turn the slide, except in a field being edited: there the key
    is the field's own (a spin box steps by ten, a text box scrolls a page)."""

    down = key == Qt.Key.Key_PageDown

    def slot() -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QAbstractSpinBox):
            if not focus.isReadOnly():
                focus.stepBy(-10 if down else 10)  # what the key does in a spin box
            return
        if isinstance(focus, QPlainTextEdit | QTextEdit):
            action = QAbstractSlider.SliderAction
            bar = focus.verticalScrollBar()
            bar.triggerAction(action.SliderPageStepAdd if down else action.SliderPageStepSub)
            return
        if isinstance(focus, QLineEdit):
            return  # a one-line field: the key means nothing there, least of all "next slide"
        turn()

    return slot


def install(window: MainWindow) -> None:
    """Add the browser as a dock, its actions to the Run and View menus."""
    browser = ScenarioBrowser(window)
    dock = window.add_dock(browser, "Scenarios")
    dock.setMinimumWidth(420)
    if narrow_screen(window):
        # a laptop at 200 % (960 logical px): settings, bars and the lesson side by side
        # would be wider than the screen; the lesson waits in View > Scenarios
        dock.hide()
    browser.dock = dock
    window.extensions.add(browser)
    add = window.add_action
    actions = [
        add("nextScenarioAction", "Next scenario", ["PgDown"],
            "Next lesson, like the next slide (PageDown)",
            _slide_key(Qt.Key.Key_PageDown, browser.next)),
        add("prevScenarioAction", "Previous scenario", ["PgUp"],
            "Previous lesson, like the previous slide (PageUp)",
            _slide_key(Qt.Key.Key_PageUp, browser.previous)),
        add("runScenarioAction", "Run scenario", ["F9"], browser.runButton.toolTip(),
            browser.run_current),
        add("copyCodeAction", "Copy code", ["Ctrl+Shift+C"], browser.copyButton.toolTip(),
            browser.copy_code),
        add("saveCodeAction", "Save code as .py…", ["Ctrl+Alt+S"], browser.saveButton.toolTip(),
            lambda: browser.save_code()),
    ]  # fmt: skip
    window.menus["Run"].addSeparator()
    for action in actions:
        window.menus["Run"].addAction(action)
    browser.runner.runningChanged.connect(lambda running: actions[2].setEnabled(not running))
    def config_changed() -> None:
        if browser.sourceCombo.currentData() == SOURCE_CONFIG:
            browser.refresh_code()

    window.configPanel.changed.connect(config_changed)
    window.extensions.add(scenario_stage.install(window, browser))
    guard = _CloseGuard(window, browser)
    window.installEventFilter(guard)
    window.controller.runningChanged.connect(
        lambda running: browser.runButton.setEnabled(not running and not browser.runner.is_running)
    )
