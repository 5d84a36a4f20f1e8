"""The main window: configure workers, Run / Stop / Reset, watch the bars, read results.

Layout: configuration and run controls on the left; on the right, one progress row
per worker above a tab widget (``viewTabs``: Results first, extensions add theirs).
Extensions plug in through ``add_view``, ``add_dock``, ``add_action``, ``menus`` and the
controller's signals, and register what others need in ``extensions`` (see
``extensions.py``); none of them needs to edit this file.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.config import ConfigError, RunConfig
from ..core.engines import get_engine_class
from ..core.runner import Run
from ..core.verdict import Verdict, run_verdict
from ..resources import resource_path, teaching_html, teaching_text
from . import gc_guard
from .capped_label import CappedLabel
from .config_panel import ConfigPanel
from .elided_label import ElidedLabel
from .extension_registry import ExtensionRegistry
from .extensions import INSTALLERS
from .presentation import Presentation
from .results_view import REMEASURE_TIP, ResultsView, responsiveness_text
from .run_controller import BASELINE, TICK_MS, RunController
from .wording import workers_phrase
from .worker_rows import WorkersView

TITLE = "Concurrency Explorer"
LATENESS_EVERY_TICKS = 10  # refresh the status-bar readout about three times a second
LATENESS_TIP = teaching_text("window-lateness")
CONCEPTS_HTML = teaching_html("concepts")
# Lines of their own font the labels above the bars may take (the bars keep their room);
# compact: on stage while a chart tab is shown. Cut text is whole in the tooltip.
VERDICT_LINES, VERDICT_COMPACT_LINES, PHASE_COMPACT_LINES = 4, 2, 1


class MainWindow(QMainWindow):
    """Constructible with no arguments; everything else hangs off ``controller``."""

    wasReset = Signal()  # Reset pressed: views of the current run clear themselves
    # A finished run that is not the latest takes the views (a scenario's main run, when
    # a baseline ran after it): the Run, its record, and a caption naming it. The next
    # run started takes them back (``controller.started``).
    pastRunShown = Signal(object, dict, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        gc_guard.install()  # Qt objects in reference cycles die on this thread only
        self.setObjectName("mainWindow")
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.resize(*initial_size())
        self.controller = RunController(self)
        self.extensions = ExtensionRegistry()  # what the installers below register
        self._close_when_stopped = False
        self._baseline_ran = False  # this press of Run timed its baseline first (two steps)
        self._verdict: Verdict | None = None  # of the latest run, shown in verdictLabel
        left = self._build_controls_pane()
        workers_pane = self._build_workers_pane()
        self._build_central(left, workers_pane)
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self._sync_buttons(False)
        self._explain()

        for install in INSTALLERS:
            install(self)

    def _build_controls_pane(self) -> QWidget:
        """The left pane: Workers panel, baseline box, Run/Stop/Reset, what to expect."""
        self.configPanel = ConfigPanel()
        self.measureBaselineCheck = QCheckBox("Time one after another first (&baseline)")
        self.measureBaselineCheck.setObjectName("measureBaselineCheck")
        self.measureBaselineCheck.setAccessibleName("Time one after another first")
        self.measureBaselineCheck.setToolTip(
            "Before the chosen run, run the same counts one after another and time it, so "
            "the speedup is measured, not estimated (Ctrl+B). The timing is kept per "
            "workload, never silently: the Results say how old it is and how busy the "
            "machine was then, and Ctrl+Shift+B re-measures it. Untick it for a quicker "
            "first run with an estimated speedup."
        )
        self.runButton = self._button(
            "runButton",
            "&Run",
            "Run the workers (Ctrl+R, F5). The bars show which workers run at the same time.",
        )
        self.stopButton = self._button(
            "stopButton",
            "&Stop",
            "Stop (Esc): sets a shared Event the workers check at each report; a worker "
            "that ignores it gets SIGTERM after 0.6 s, then SIGKILL after 1.2 s.",
        )
        self.resetButton = self._button(
            "resetButton",
            "R&eset",
            "Clear the bars and the results (Ctrl+Shift+R); the settings stay.",
        )
        buttons = QHBoxLayout()
        for button in (self.runButton, self.stopButton, self.resetButton):
            buttons.addWidget(button)

        left = QWidget()
        left.setObjectName("controlsPane")
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.configPanel)
        left_layout.addWidget(self.measureBaselineCheck)
        left_layout.addLayout(buttons)
        self.explainLabel = QLabel()
        self.explainLabel.setObjectName("explainLabel")
        self.explainLabel.setAccessibleName("What to expect")
        self.explainLabel.setWordWrap(True)
        self.explainLabel.setTextFormat(Qt.TextFormat.PlainText)
        left_layout.addWidget(self.explainLabel)
        left_layout.addStretch(1)
        return left

    def _build_workers_pane(self) -> QWidget:
        """The bars, under the run's phase and its verdict."""
        self.phaseLabel = CappedLabel(compact_lines=PHASE_COMPACT_LINES)
        self.phaseLabel.setObjectName("phaseLabel")
        self.phaseLabel.setAccessibleName("Run phase")
        self.phaseLabel.setWordWrap(True)
        self.phaseLabel.setStyleSheet("font-weight: bold;")
        self.verdictLabel = CappedLabel(lines=VERDICT_LINES, compact_lines=VERDICT_COMPACT_LINES)
        self.verdictLabel.setObjectName("verdictLabel")
        self.verdictLabel.setAccessibleName("Verdict")
        self.verdictLabel.setWordWrap(True)
        self.verdictLabel.setTextFormat(Qt.TextFormat.RichText)  # only verdict_html()
        self.verdictLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdictLabel.setToolTip(
            "The run in one sentence, from what was measured in this run on this machine; "
            "when the number is not to be trusted (estimated, a busy machine), it says why."
        )
        verdict_font = QFont(self.verdictLabel.font())
        verdict_font.setPointSizeF(max(1.0, verdict_font.pointSizeF()) * 1.15)
        verdict_font.setBold(True)
        self.verdictLabel.setFont(verdict_font)  # presentation mode sets it larger still
        self.verdictLabel.hide()  # until a run has a verdict
        self.workersView = WorkersView()
        workers_pane = QWidget()
        workers_layout = QVBoxLayout(workers_pane)
        workers_layout.setContentsMargins(0, 0, 0, 0)
        workers_layout.addWidget(self.phaseLabel)
        workers_layout.addWidget(self.verdictLabel)
        workers_layout.addWidget(self.workersView, 1)
        return workers_pane

    def _build_central(self, left: QWidget, workers_pane: QWidget) -> None:
        """Controls left; bars above the view tabs (Results first) right."""
        self.resultsView = ResultsView()
        self.viewTabs = QTabWidget()
        self.viewTabs.setObjectName("viewTabs")
        self.viewTabs.setAccessibleName("Views")
        self.viewTabs.addTab(self.resultsView, "Results")

        right = QSplitter(Qt.Orientation.Vertical)
        right.setObjectName("rightSplitter")
        right.addWidget(workers_pane)
        right.addWidget(self.viewTabs)
        right.setSizes([380, 300])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([360, 840])
        self.setCentralWidget(splitter)

    def _build_status_bar(self) -> None:
        """What happens now, and how late the window's timer ticks."""
        self.statusLabel = ElidedLabel("Ready")
        self.statusLabel.setObjectName("statusLabel")
        self.statusLabel.setAccessibleName("Status")
        self.statusBar().addWidget(self.statusLabel, 1)
        self.tickLatenessLabel = ElidedLabel("Window tick: idle")
        self.tickLatenessLabel.setObjectName("tickLatenessLabel")
        self.tickLatenessLabel.setAccessibleName("Window responsiveness")
        self.tickLatenessLabel.setToolTip(LATENESS_TIP)
        self.statusBar().addPermanentWidget(self.tickLatenessLabel)

    def _build_menus(self) -> None:
        """File, Run, View and Help, with an action (shortcut, tooltip) per button."""
        self.menus: dict[str, QMenu] = {}
        for key, text in (("File", "&File"), ("Run", "R&un"), ("View", "&View"), ("Help", "&Help")):
            self.menus[key] = self.menuBar().addMenu(text)
        self.runAction = self.add_action(
            "runAction", "&Run", [QKeySequence("Ctrl+R"), QKeySequence("F5")],
            self.runButton.toolTip(), self.start_run,
        )  # fmt: skip
        self.stopAction = self.add_action(
            "stopAction", "&Stop", [QKeySequence("Esc")], self.stopButton.toolTip(),
            self.stop_run,
        )  # fmt: skip
        self.resetAction = self.add_action(
            "resetAction", "R&eset", [QKeySequence("Ctrl+Shift+R")], self.resetButton.toolTip(),
            self.reset,
        )  # fmt: skip
        self.baselineAction = self.add_action(
            "baselineAction", "Time one after another &first", [QKeySequence("Ctrl+B")],
            self.measureBaselineCheck.toolTip(), lambda *_: self.measureBaselineCheck.toggle(),
        )  # fmt: skip
        self.baselineAction.setCheckable(True)
        self.measureBaselineCheck.toggled.connect(self.baselineAction.setChecked)
        self.remeasureBaselineAction = self.add_action(
            "remeasureBaselineAction", "Re-&measure the baseline and run",
            [QKeySequence("Ctrl+Shift+B")], REMEASURE_TIP,
            lambda *_: self.start_run(remeasure=True), "Run",
        )  # fmt: skip
        self.resultsView.remeasureRequested.connect(self.remeasureBaselineAction.trigger)
        self.pagePresetAction = self.add_action(
            "pagePresetAction", "&Page example", [QKeySequence("Ctrl+E")],
            self.configPanel.pagePresetButton.toolTip(), self.configPanel.apply_page_example,
        )  # fmt: skip
        self.defaultsAction = self.add_action(
            "defaultsAction", "&Default settings", [QKeySequence("Ctrl+D")],
            self.configPanel.defaultsButton.toolTip(), self.configPanel.restore_defaults,
        )  # fmt: skip
        run_menu = self.menus["Run"]
        for action in (self.runAction, self.stopAction, self.resetAction):
            run_menu.addAction(action)
        run_menu.addSeparator()
        for action in (self.baselineAction, self.pagePresetAction, self.defaultsAction):
            run_menu.addAction(action)
        self.quitAction = self.add_action(
            "quitAction", "&Quit", [QKeySequence(QKeySequence.StandardKey.Quit)],
            "Quit (Ctrl+Q); a running run is stopped first, no process is left behind",
            self.close,
        )  # fmt: skip
        self.menus["File"].addAction(self.quitAction)
        self.conceptsAction = self.add_action(
            "conceptsAction", "&What am I seeing?", [QKeySequence("F1")],
            "The GIL, threads, processes and start methods in one page (F1)",
            self.show_concepts,
        )  # fmt: skip
        self.menus["Help"].addAction(self.conceptsAction)

    def _connect(self) -> None:
        """Buttons, the Workers panel and the run controller to what they do."""
        self.runButton.clicked.connect(self.start_run)
        self.stopButton.clicked.connect(self.stop_run)
        self.resetButton.clicked.connect(self.reset)
        self.configPanel.changed.connect(self._explain)
        self.controller.started.connect(self._on_started)
        self.controller.updated.connect(self._on_updated)
        self.controller.finished.connect(self._on_finished)
        self.controller.runningChanged.connect(self._sync_buttons)
        self.controller.runningChanged.connect(self._hold_old_objects)

    # -- building blocks -------------------------------------------------------

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        button.setToolTip(tip)
        return button

    def add_action(
        self,
        name: str,
        text: str,
        keys: Sequence[QKeySequence | QKeySequence.StandardKey | str],
        tip: str,
        slot: Callable[..., object] | None = None,
        menu: str | None = None,
    ) -> QAction:
        """A window-wide action with its shortcuts and teaching tip, in ``menu`` if given:
        the one way to make an action, here and in extensions (like ``add_view``)."""
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)
        if menu is not None:
            self.menus[menu].addAction(action)
        return action

    def add_view(self, widget: QWidget, title: str) -> None:
        """Add a panel as a tab below the bars (for extensions)."""
        self.viewTabs.addTab(widget, title)

    def add_dock(
        self,
        widget: QWidget,
        title: str,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
    ) -> QDockWidget:
        """Add a panel as a dock widget, with a toggle in the View menu (for extensions)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{widget.objectName() or title}Dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.menus["View"].addAction(dock.toggleViewAction())
        return dock

    # -- run control -----------------------------------------------------------

    def start_run(self, remeasure: bool = False) -> Run | None:
        """Run what the panel describes (its one-after-another baseline first, if asked;
        ``remeasure``: time a fresh baseline even if one of this workload is kept)."""
        if self.controller.is_running:
            return None
        try:
            config = self.configPanel.config()
        except ConfigError as exc:
            self.statusLabel.setText(f"Cannot run: {exc}")
            return None
        self._baseline_ran = False
        measure = self.measureBaselineCheck.isChecked() or remeasure
        return self.controller.start(config, measure_baseline=measure, remeasure=remeasure)

    def stop_run(self) -> None:
        if self.controller.is_running:
            self.statusLabel.setText("Stopping: asked every worker to stop…")
            self.controller.stop()

    def reset(self) -> None:
        if self.controller.is_running:
            return
        self.workersView.clear()
        self.resultsView.clear()
        self.phaseLabel.clear()
        self.verdictLabel.clear()
        self.verdictLabel.hide()
        self._verdict = None
        self.statusLabel.setText("Ready")
        self.tickLatenessLabel.setText("Window tick: idle")
        self.wasReset.emit()

    def show_concepts(self) -> None:
        box = QMessageBox(self)
        box.setObjectName("conceptsDialog")
        box.setWindowTitle("What am I seeing?")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(CONCEPTS_HTML + lessons_source_html())
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    def _hold_old_objects(self, running: bool) -> None:
        """The window's older objects stay out of collections while a run runs."""
        gc_guard.during_run(self.controller, running)

    def _sync_buttons(self, running: bool) -> None:
        self.runButton.setEnabled(not running)
        self.runAction.setEnabled(not running)
        self.stopButton.setEnabled(running)
        self.stopAction.setEnabled(running)
        self.resetButton.setEnabled(not running)
        self.resetAction.setEnabled(not running)
        self.configPanel.setEnabled(not running)
        self.measureBaselineCheck.setEnabled(not running)
        for action in (self.baselineAction, self.pagePresetAction, self.defaultsAction):
            action.setEnabled(not running)

    # -- plain words -----------------------------------------------------------

    def _explain(self) -> None:
        try:
            config = self.configPanel.config()
        except ConfigError:
            return
        self.explainLabel.setText(expectation(config))

    def _phase_text(self, run: Run) -> str:
        n = run.config.workers
        if self.controller.phase == BASELINE:
            return (
                f"Step 1 of 2: timing the same {n} workers one after another (the baseline "
                "for a measured speedup)…"
            )
        return f"Running {workers_phrase(run.config, run.engine.label)}…"

    def _on_started(self, run: Run) -> None:
        self.workersView.show_run(run)
        self.resultsView.clear(running=True)
        self.verdictLabel.clear()
        self.verdictLabel.hide()
        self._verdict = None
        text = self._phase_text(run)
        if self.controller.phase == BASELINE:
            self._baseline_ran = True
        elif self._baseline_ran:  # a counter only when there were two steps
            self._baseline_ran = False
            text = "Step 2 of 2: " + text[0].lower() + text[1:]
        self.phaseLabel.setText(text)
        self.statusLabel.setText(text)

    def _on_updated(self, run: Run, messages: list[Any]) -> None:
        self.workersView.refresh(run)
        if run.escalation in ("terminate", "kill"):
            self.statusLabel.setText(f"Stopping: workers ignored the Event, sent {run.escalation}")
        if self.controller.ticks % LATENESS_EVERY_TICKS == 1:
            self._show_lateness()

    def _show_lateness(self) -> None:
        stats = self.controller.lateness_summary()
        if not stats["ticks"]:
            return
        self.tickLatenessLabel.setText(
            f"Window tick ({TICK_MS} ms): {stats['last']:.0f} ms late, "
            f"p99 {stats['p99']:.0f} ms over {stats['ticks']:.0f} ticks"
        )

    def _on_finished(self, record: dict[str, Any]) -> None:
        run = self.controller.run
        if run is not None:
            self.workersView.refresh(run)
        self._show_lateness()
        stats = self.controller.lateness_summary()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        notes = [responsiveness_text(stats, TICK_MS, load, os.cpu_count())]
        self.resultsView.show_record(record, notes)
        # The tab the person chose stays (a presenter may be showing a chart); say where.
        elsewhere = self.viewTabs.currentWidget() is not self.resultsView
        self.statusLabel.setText(
            self._finished_text(record)
            + (" The numbers are in the Results tab." if elsewhere else "")
        )
        if self.controller.phase == BASELINE and self.controller.is_running:
            return  # the chosen run starts next
        self.phaseLabel.setText(self._finished_text(record))
        self.show_verdict(run_verdict(record))
        if self._close_when_stopped and not self.controller.is_running:
            self.close()

    def show_verdict(self, verdict: Verdict | None = None) -> None:
        """The run's verdict above the bars (again, briefer or fuller, when the looks
        change: ``None`` keeps the last one)."""
        verdict = verdict or self._verdict
        if verdict is None:
            return
        self._verdict = verdict
        presentation = self.extensions.find(Presentation)
        brief = presentation is not None and presentation.presenting
        self.verdictLabel.setText(verdict_html(verdict, brief))
        shorter = [] if brief else [verdict_html(verdict, True)]
        self.verdictLabel.set_shorter([*shorter, verdict_html(verdict, compact=True)])
        self.verdictLabel.setAccessibleDescription(verdict_text(verdict))
        self.verdictLabel.setToolTip(verdict_text(verdict))
        self.verdictLabel.show()

    def show_verdict_text(self, rich: str, plain: str) -> None:
        """Another verdict in the label (a scenario's), kept as it is through looks changes."""
        self._verdict = None
        self.verdictLabel.setText(rich)
        self.verdictLabel.setAccessibleDescription(plain)
        self.verdictLabel.setToolTip(plain)
        self.verdictLabel.show()
        presentation = self.extensions.find(Presentation)
        if presentation is not None:
            presentation.stage.fit_later()  # the label's height changed: fit the bars again

    def _finished_text(self, record: dict[str, Any]) -> str:
        wall = record.get("wall_s") or 0.0
        failed = [w for w in record["workers"] if w.get("state") == "failed"]
        if failed:
            first = failed[0]
            kind = (first.get("error") or {}).get("type", "an error")
            return (
                f"Worker {first['id']} failed ({kind}) after {wall:.2f} s: its traceback is in "
                "the Results tab. The window is fine; change something and Run again."
            )
        if record.get("stop", {}).get("requested"):
            took = self.controller.last_stop_s
            after = f"; every worker ended {took:.2f} s after Stop" if took is not None else ""
            return f"Stopped after {wall:.2f} s{after}."
        busy = " The machine was busy: see Results." if record.get("load", {}).get("busy") else ""
        if self.controller.phase == BASELINE:
            return f"Baseline timed: {wall:.2f} s one after another.{busy} Now the chosen run…"
        return f"Finished in {wall:.2f} s.{busy}"

    # -- lifecycle -------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing mid-run stops everything first; the window closes once all have ended."""
        if self.controller.is_running:
            self._close_when_stopped = True
            self.stop_run()
            self.statusLabel.setText("Closing: stopping every worker first…")
            event.ignore()
            return
        self.controller.shutdown()
        self._hold_old_objects(False)  # a run ended by shutdown() said nothing
        # A closed main window does no more work: extensions' samplers and animations
        # (QTimers anywhere below the window) stop with it, even if nobody deletes it.
        for timer in self.findChildren(QTimer):
            timer.stop()
        super().closeEvent(event)


def lessons_source_html() -> str:
    """Where the scenarios' lessons come from, named once (resources/text)."""
    try:
        return resource_path("text", "lessons-source.html").read_text(encoding="utf-8")
    except OSError:  # a broken install: Help still opens, without this part
        return ""


def verdict_text(verdict: Verdict) -> str:
    """The sentence, and when its number is not to be trusted, why not."""
    if verdict.reliable or not verdict.note:
        return verdict.sentence
    return f"{verdict.sentence}\nNot a reliable figure: {verdict.note.rstrip('.')}."


def verdict_html(verdict: Verdict, brief: bool = False, compact: bool = False) -> str:
    """``verdict_text`` for the label: the sentence big, the reason smaller below it.

    ``brief`` (on stage, where four bars and a chart share 720 px): only the first of
    the reasons, and where the others are; ``compact`` (a chart beside): the sentence
    and a short mark in the same line. The label's tooltip has all the reasons.
    """
    first, _, why = verdict_text(verdict).partition("\n")
    text = html.escape(first)
    if compact:
        mark = " (not reliable: hover or see Results)" if why else ""
        return text + f"<span style='font-size: 60%; font-weight: normal'>{mark}</span>"
    if why and brief and ";" in why:
        why = why.split(";", 1)[0] + "; more in Results."
    if why:
        text += f"<div style='font-size: 60%; font-weight: normal'>{html.escape(why)}</div>"
    return text


def initial_size() -> tuple[int, int]:
    """Most of the screen, up to 1560 x 960 (a saved geometry, if any, wins later)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return 1200, 760
    available = screen.availableGeometry()
    return (
        max(800, min(1560, available.width() * 94 // 100)),
        max(560, min(960, available.height() * 94 // 100)),
    )


def expectation(config: RunConfig) -> str:
    """What a person should expect to see for ``config``, before pressing Run."""
    text = get_engine_class(config.mode).expectation(config)
    if config.python:
        text += (
            f" The host runs under {config.python}: if that is a free-threaded build "
            "(3.13t/3.14t), the GIL is off and cpu threads run in parallel. The Results "
            "say which it was."
        )
    return text
