"""The main window: configure workers, Run / Stop / Reset, watch the bars, read results."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.config import ConfigError
from ..core.runner import Run
from . import extensions
from .config_panel import ConfigPanel
from .results_view import ResultsView
from .run_controller import RunController
from .worker_rows import WorkersView

TITLE = "Concurrency Explorer"


class MainWindow(QMainWindow):
    """Constructible with no arguments; everything else hangs off ``controller``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(TITLE)
        self.resize(1200, 760)
        self.controller = RunController(self)
        self._close_when_stopped = False

        self.configPanel = ConfigPanel()
        self.runButton = self._button("runButton", "&Run", "Run the workers (Ctrl+R, F5)")
        self.stopButton = self._button(
            "stopButton",
            "&Stop",
            "Stop (Esc): sets a shared Event the workers check; a worker that ignores it "
            "gets SIGTERM, then SIGKILL.",
        )
        self.resetButton = self._button("resetButton", "R&eset", "Clear bars and results")
        buttons = QHBoxLayout()
        for button in (self.runButton, self.stopButton, self.resetButton):
            buttons.addWidget(button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.configPanel)
        left_layout.addLayout(buttons)
        self.explainLabel = QLabel()
        self.explainLabel.setObjectName("explainLabel")
        self.explainLabel.setWordWrap(True)
        left_layout.addWidget(self.explainLabel)
        left_layout.addStretch(1)

        self.workersView = WorkersView()
        self.resultsView = ResultsView()
        self.viewTabs = QTabWidget()
        self.viewTabs.setObjectName("viewTabs")
        self.viewTabs.setAccessibleName("Views")
        self.viewTabs.addTab(self.resultsView, "Results")

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.workersView)
        right.addWidget(self.viewTabs)
        right.setSizes([380, 300])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([340, 860])
        self.setCentralWidget(splitter)

        self.statusLabel = QLabel("Ready")
        self.statusLabel.setObjectName("statusLabel")
        self.statusBar().addWidget(self.statusLabel, 1)

        self.menus: dict[str, QMenu] = {}
        for name in ("&File", "&Run", "&View", "&Help"):
            self.menus[name.replace("&", "")] = self.menuBar().addMenu(name)
        self.runAction = self._action(
            "runAction", "&Run", [QKeySequence("Ctrl+R"), QKeySequence("F5")],
            self.runButton.toolTip(), self.start_run,
        )  # fmt: skip
        self.stopAction = self._action(
            "stopAction", "&Stop", [QKeySequence("Esc")], self.stopButton.toolTip(),
            self.stop_run,
        )  # fmt: skip
        self.resetAction = self._action(
            "resetAction", "R&eset", [QKeySequence("Ctrl+Shift+R")], self.resetButton.toolTip(),
            self.reset,
        )  # fmt: skip
        for action in (self.runAction, self.stopAction, self.resetAction):
            self.menus["Run"].addAction(action)
        quit_action = self._action(
            "quitAction", "&Quit", [QKeySequence.StandardKey.Quit],
            "Quit; a running run is stopped first, no process is left behind", self.close,
        )  # fmt: skip
        self.menus["File"].addAction(quit_action)

        self.runButton.clicked.connect(self.start_run)
        self.stopButton.clicked.connect(self.stop_run)
        self.resetButton.clicked.connect(self.reset)
        self.configPanel.changed.connect(self._explain)
        self.controller.started.connect(self._on_started)
        self.controller.updated.connect(self._on_updated)
        self.controller.finished.connect(self._on_finished)
        self.controller.runningChanged.connect(self._sync_buttons)
        self._sync_buttons(False)
        self._explain()

        for install in extensions.INSTALLERS:
            install(self)

    # -- building blocks -------------------------------------------------------

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        button.setToolTip(tip)
        return button

    def _action(
        self, name: str, text: str, keys: list[QKeySequence], tip: str, slot: Any
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts(keys)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
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

    def start_run(self) -> Run | None:
        if self.controller.is_running:
            return None
        try:
            config = self.configPanel.config()
        except ConfigError as exc:
            self.statusLabel.setText(f"Cannot run: {exc}")
            return None
        return self.controller.start(config)

    def stop_run(self) -> None:
        if self.controller.is_running:
            self.statusLabel.setText("Stopping: asked every worker to stop…")
            self.controller.stop()

    def reset(self) -> None:
        if self.controller.is_running:
            return
        self.workersView.clear()
        self.resultsView.clear()
        self.statusLabel.setText("Ready")

    def _sync_buttons(self, running: bool) -> None:
        self.runButton.setEnabled(not running)
        self.runAction.setEnabled(not running)
        self.stopButton.setEnabled(running)
        self.stopAction.setEnabled(running)
        self.resetButton.setEnabled(not running)
        self.resetAction.setEnabled(not running)
        self.configPanel.setEnabled(not running)

    def _explain(self) -> None:
        try:
            config = self.configPanel.config()
        except ConfigError:
            return
        if config.mode == "thread":
            text = (
                "Threads run inside a separate host process, so the window keeps ticking "
                "even while CPU-bound threads fight over that process's GIL."
            )
            if config.kind == "cpu":
                text += " Expect the bars to move together but slowly: they take turns."
        elif config.mode == "process":
            text = (
                f"Each worker is a process started with {config.effective_start_method}; "
                "with one core per worker, CPU-bound bars move at full speed side by side."
            )
        else:
            text = "One after another: the baseline for the speedup of the other modes."
        self.explainLabel.setText(text)

    def _on_started(self, run: Run) -> None:
        self.workersView.show_run(run)
        self.resultsView.clear()
        self.statusLabel.setText(f"Running {run.config.workers} workers…")

    def _on_updated(self, run: Run, messages: list[Any]) -> None:
        self.workersView.refresh(run)
        if run.escalation in ("terminate", "kill"):
            self.statusLabel.setText(f"Stopping: workers ignored the Event, sent {run.escalation}")

    def _on_finished(self, record: dict[str, Any]) -> None:
        if self.controller.run is not None:
            self.workersView.refresh(self.controller.run)
        self.resultsView.show_record(record)
        self.statusLabel.setText("Finished" if record.get("ok") else "Finished with problems")
        if self._close_when_stopped:
            self.close()

    # -- lifecycle -------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing mid-run stops everything first; the window closes once all have ended."""
        if self.controller.is_running:
            self._close_when_stopped = True
            self.stop_run()
            event.ignore()
            return
        self.controller.shutdown()
        super().closeEvent(event)
