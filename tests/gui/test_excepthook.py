"""Unexpected errors show a dialog with the traceback and a Copy button; the app lives on."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from concurrency_explorer.gui import excepthook

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_no_exception_capture,  # the hook under test must see the errors
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),  # offscreen plugin
]


@pytest.fixture
def hook(qapp):
    uninstall = excepthook.install(qapp)
    yield uninstall.reporter
    uninstall()


def explode() -> None:
    _ = 1 / 0


def test_an_error_in_a_slot_shows_the_traceback_and_the_app_keeps_running(qtbot, hook, capsys):
    QTimer.singleShot(0, explode)  # raised inside Qt's event loop, as a slot would
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=5000)
    dialog = hook.dialog
    text = dialog.tracebackText.toPlainText()
    assert "ZeroDivisionError" in text and "Traceback" in text and "explode" in text
    assert "ZeroDivisionError" in dialog.summaryLabel.text()
    assert "ZeroDivisionError" in capsys.readouterr().err  # still printed for terminals
    dialog.copyButton.click()
    assert QApplication.clipboard().text() == text
    # the app keeps running: the event loop still delivers timers
    fired = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: fired == [True], timeout=5000)
    dialog.close()
    qtbot.waitUntil(lambda: hook.dialog is None, timeout=5000)


def test_more_errors_go_into_the_same_dialog(qtbot, hook, capsys):
    for _ in range(3):
        QTimer.singleShot(0, explode)
    qtbot.waitUntil(lambda: hook.dialog is not None and len(hook.dialog.reports) == 3)
    assert "3 errors so far" in hook.dialog.summaryLabel.text()
    for _ in range(excepthook.MAX_REPORTS + 5):
        sys.excepthook(ZeroDivisionError, ZeroDivisionError("again"), None)
    qtbot.waitUntil(lambda: hook.dialog.hidden_reports == 8)
    assert len(hook.dialog.reports) == excepthook.MAX_REPORTS
    capsys.readouterr()


def test_an_error_in_another_thread_is_shown_by_the_gui_thread(qtbot, hook, capsys):
    def boom() -> None:
        raise ValueError("from a background thread")

    thread = threading.Thread(target=boom, name="background-job")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=5000)
    text = hook.dialog.tracebackText.toPlainText()
    assert "In thread background-job" in text and "ValueError: from a background thread" in text
    capsys.readouterr()


def test_uninstall_restores_the_previous_hooks(qapp):
    before = (sys.excepthook, threading.excepthook)
    uninstall = excepthook.install(qapp)
    assert sys.excepthook is not before[0]
    uninstall()
    assert (sys.excepthook, threading.excepthook) == before
