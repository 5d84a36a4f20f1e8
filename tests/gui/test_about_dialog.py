"""Help > About: versions and license, reachable from the window's Help menu."""

from __future__ import annotations

import platform

import PySide6
import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication

from concurrency_explorer import __version__
from concurrency_explorer.gui.about_dialog import AboutDialog, about_facts
from concurrency_explorer.gui.main_window import MainWindow


def test_dialog_shows_every_version_and_the_license(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.factsLabel.text()
    for needle in (__version__, platform.python_version(), qVersion(), PySide6.__version__, "MIT"):
        assert needle in text
    facts = dict(about_facts())
    assert facts["Build"] == "from source / pip"  # tests never run frozen
    assert dialog.copyButton.objectName() == "aboutCopyButton"


def test_copy_details_puts_the_facts_on_the_clipboard(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copyButton, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert f"Concurrency Explorer Qt: {qVersion()}" in copied
    assert f"Concurrency Explorer PySide6: {PySide6.__version__}" in copied


# Showing any top-level window on the offscreen platform logs this; it says nothing
# about the dialog (the xcb platform supports size hints).
@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_help_menu_opens_the_dialog(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    action = window.findChild(QAction, "aboutAction")
    assert action in window.menus["Help"].actions()
    assert action.shortcut().toString() == "Ctrl+F1"
    assert "PySide6" in action.toolTip()
    action.trigger()
    dialog = window.findChild(AboutDialog, "aboutDialog")
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    dialog.reject()
    qtbot.waitUntil(lambda: window.findChild(AboutDialog, "aboutDialog") is None)
    assert QApplication.activeModalWidget() is None
