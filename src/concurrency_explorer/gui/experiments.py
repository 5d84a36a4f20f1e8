"""Experiments in the window: save / open the configuration as JSON, recent files,
drag and drop, and what the window remembers between sessions (QSettings).

A bad file gets a message and leaves the configuration that was open untouched.
A file's ``python`` or ``scheduler`` is only taken after the person says Yes
(``consent_dialog``); the window never remembers them between sessions, so a
settings file cannot name a program or a peer either.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from ..core import consent
from ..core.config import ConfigError, RunConfig
from ..core.experiment_file import ExperimentError, load_experiment, save_experiment
from .consent_dialog import load_with_consent
from .presentation import Presentation
from .settings import app_settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

MAX_RECENT = 8
FILTER = "Experiments (*.json);;All files (*)"
KEY_RECENT = "experiments/recent"
KEY_LAST = "experiments/lastConfig"
KEY_GEOMETRY = "window/geometry"
KEY_STATE = "window/state"


class Experiments(QObject):
    """File menu actions, drops and remembered state for one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.current_path: Path | None = None
        self.error_box: QMessageBox | None = None

    # -- files -------------------------------------------------------------------

    def open_experiment(self, path: str | Path | None = None) -> RunConfig | None:
        """Open a file (asks for one when ``path`` is None); None if nothing changed.

        Returns what the file holds without ``python`` / ``scheduler``: those follow
        only if the person allows them in the question that opens then."""
        w = self.window_
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(w, "Open experiment", "", FILTER)
            if not chosen:
                return None
            path = chosen
        if w.controller.is_running:
            self._error("Stop the run before opening an experiment.")
            return None
        try:
            config = load_experiment(path)
        except ExperimentError as exc:
            self._error(str(exc))
            return None
        self.current_path = Path(path)
        self._add_recent(Path(path))
        name = Path(path).name
        w.statusLabel.setText(f"Opened experiment {name}")

        def answered(final: RunConfig) -> None:
            left_out = [a.field for a in consent.asks(config) if getattr(final, a.field) is None]
            if left_out:
                w.statusLabel.setText(
                    f"Opened experiment {name} without its {' and '.join(left_out)} "
                    "(not allowed)"
                )

        return load_with_consent(w, config, name, self._show, answered)

    def _show(self, config: RunConfig) -> None:
        self.window_.configPanel.set_config(config)
        self.remember(config)

    def save_experiment(self, path: str | Path | None = None) -> Path | None:
        w = self.window_
        try:
            config = w.configPanel.config()
        except ConfigError as exc:
            self._error(f"Nothing saved: {exc}")
            return None
        if path is None:
            start = str(self.current_path or "experiment.json")
            chosen, _ = QFileDialog.getSaveFileName(w, "Save experiment", start, FILTER)
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".json")
        try:
            save_experiment(target, config)
        except ExperimentError as exc:  # the target refused (core.atomic), one line
            self._error(f"Nothing saved: {exc}")
            return None
        except OSError as exc:
            self._error(f"Could not save {target.name}: {exc.strerror or exc}")
            return None
        self.current_path = target
        self._add_recent(target)
        self.remember(config)
        w.statusLabel.setText(f"Saved experiment {target.name}")
        return target

    def _error(self, message: str) -> None:
        """A message the person sees (non-blocking box) and the status line keeps."""
        w = self.window_
        w.statusLabel.setText(message)
        if self.error_box is None:
            box = QMessageBox(w)
            box.setObjectName("experimentErrorBox")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("Experiment not opened")
            box.setStandardButtons(QMessageBox.StandardButton.Ok)
            self.error_box = box
        self.error_box.setText(message)
        self.error_box.open()

    # -- recent files ------------------------------------------------------------

    def recent(self) -> list[str]:
        value = app_settings().value(KEY_RECENT, [])
        if isinstance(value, str):  # QSettings gives a one-item list back as its item
            value = [value]
        if not isinstance(value, list | tuple):
            return []
        return [str(v) for v in value][:MAX_RECENT]

    def _add_recent(self, path: Path) -> None:
        item = str(path.resolve())
        items = [item, *(p for p in self.recent() if p != item)][:MAX_RECENT]
        app_settings().setValue(KEY_RECENT, items)

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        items = self.recent()
        for i, item in enumerate(items, 1):
            action = menu.addAction(f"&{i} {Path(item).name}")
            action.setToolTip(item)
            action.setStatusTip(item)
            action.triggered.connect(lambda _=False, p=item: self.open_experiment(p))
        if not items:
            menu.addAction("(no recent experiments)").setEnabled(False)

    # -- remembered state --------------------------------------------------------

    def remember(self, config: RunConfig) -> None:
        """The last configuration, without what only a person may allow."""
        app_settings().setValue(KEY_LAST, json.dumps(consent.withheld(config).to_dict()))

    def restore(self) -> None:
        """Geometry, dock layout and the last configuration of the previous session."""
        settings = app_settings()
        geometry = settings.value(KEY_GEOMETRY)
        if geometry is not None:
            self.window_.restoreGeometry(geometry)
        state = settings.value(KEY_STATE)
        if state is not None:
            self.window_.restoreState(state)
        last = settings.value(KEY_LAST)
        if last:
            try:
                remembered = RunConfig.from_dict(json.loads(str(last)))
                self.window_.configPanel.set_config(consent.withheld(remembered))
            except (ConfigError, ValueError, TypeError):
                settings.remove(KEY_LAST)  # from an older version: forget it

    def save_window(self) -> None:
        """The normal layout: quitting in presentation mode saves the one from before it."""
        presentation = self.window_.extensions.find(Presentation)
        normal = presentation.normal_layout() if presentation is not None else None
        geometry, state = normal or (self.window_.saveGeometry(), self.window_.saveState())
        settings = app_settings()
        settings.setValue(KEY_GEOMETRY, geometry)
        settings.setValue(KEY_STATE, state)

    # -- events: drops and close -------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if isinstance(event, QDragMoveEvent):  # also QDragEnterEvent, its subclass
            if _dropped_file(event) is not None:
                event.acceptProposedAction()
                return True
        elif isinstance(event, QDropEvent):
            path = _dropped_file(event)
            if path is not None:
                event.acceptProposedAction()
                self.open_experiment(path)
                return True
        elif kind == QEvent.Type.Close:
            self.save_window()
        return False


def _dropped_file(event: Any) -> str | None:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            return url.toLocalFile()
    return None


def install(window: MainWindow) -> None:
    experiments = window.extensions.add(Experiments(window))
    open_action = window.add_action(
        "openExperimentAction", "&Open experiment…", [QKeySequence.StandardKey.Open],
        "Open a saved configuration (.json), or drop one on the window (Ctrl+O)",
        lambda: experiments.open_experiment(),
    )  # fmt: skip
    save_action = window.add_action(
        "saveExperimentAction", "&Save experiment as…", [QKeySequence.StandardKey.Save],
        "Save the current configuration as JSON to share or repeat it (Ctrl+S)",
        lambda: experiments.save_experiment(),
    )  # fmt: skip
    recent = QMenu("Open &recent", window)
    recent.setObjectName("recentExperimentsMenu")
    recent.aboutToShow.connect(lambda: experiments.fill_recent_menu(recent))
    file_menu = window.menus["File"]
    first = file_menu.actions()[0]  # the window's File menu holds Quit already
    file_menu.insertAction(first, open_action)
    file_menu.insertMenu(first, recent)
    file_menu.insertAction(first, save_action)
    file_menu.insertSeparator(first)
    window.setAcceptDrops(True)
    window.installEventFilter(experiments)
    window.controller.started.connect(lambda run: experiments.remember(run.config))
    experiments.restore()
