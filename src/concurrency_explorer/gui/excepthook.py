"""Unexpected errors in the window: a dialog with the traceback and a Copy button.

Without this, an exception in a slot is printed to a terminal nobody looks at (or to
nothing, for a desktop launch) and the person sees a button that "did nothing".
``install()`` replaces ``sys.excepthook`` and ``threading.excepthook``: the error is
still printed to stderr, then shown in one non-modal dialog (later errors are
appended to it, so a loop of errors cannot bury the screen in windows). The app
keeps running. Errors from other threads are handed to the GUI thread through a
queued signal: widgets are made only there.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

MAX_REPORTS = 20  # errors kept in one dialog; more are counted, not shown
SEPARATOR = "\n" + "-" * 60 + "\n"


def format_error(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    return "".join(traceback.format_exception(exc_type, exc, tb)).rstrip()


class ErrorDialog(QDialog):
    """Shows one or more tracebacks; Copy puts them all on the clipboard."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setAccessibleName("Unexpected error")
        self.setWindowTitle("Concurrency Explorer: unexpected error")
        self.reports: list[str] = []
        self.hidden_reports = 0
        self.summaryLabel = QLabel()
        self.summaryLabel.setObjectName("errorSummaryLabel")
        self.summaryLabel.setWordWrap(True)
        self.tracebackText = QPlainTextEdit()
        self.tracebackText.setObjectName("errorTracebackText")
        self.tracebackText.setAccessibleName("Traceback")
        self.tracebackText.setReadOnly(True)
        self.tracebackText.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.copyButton = QPushButton("&Copy")
        self.copyButton.setObjectName("errorCopyButton")
        self.copyButton.setAccessibleName("Copy traceback")
        self.copyButton.setToolTip("Copy the traceback to the clipboard, to paste into a report")
        self.copyButton.setShortcut("Ctrl+Shift+C")
        self.copyButton.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("errorButtons")
        buttons.addButton(self.copyButton, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summaryLabel)
        layout.addWidget(self.tracebackText)
        layout.addWidget(buttons)
        self.resize(760, 420)

    def add_report(self, text: str) -> None:
        if len(self.reports) >= MAX_REPORTS:
            self.hidden_reports += 1
        else:
            self.reports.append(text)
            self.tracebackText.setPlainText(SEPARATOR.join(self.reports))
        last = self.reports[-1].splitlines()[-1] if self.reports else ""
        count = len(self.reports) + self.hidden_reports
        more = f" ({count} errors so far)" if count > 1 else ""
        self.summaryLabel.setText(
            f"Something went wrong{more}: {last}\n"
            "The window keeps working; the current run, if any, is not affected. "
            "Copy the text below into a bug report."
        )

    def copy(self) -> None:
        QApplication.clipboard().setText(self.tracebackText.toPlainText())


class ErrorReporter(QObject):
    """Lives in the GUI thread; ``report`` may be emitted from any thread."""

    report = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: ErrorDialog | None = None
        self.report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @Slot(str)
    def _show(self, text: str) -> None:
        if self.dialog is None:
            parent = QApplication.activeWindow()
            self.dialog = ErrorDialog(parent)
            self.dialog.finished.connect(self._forget)
        self.dialog.add_report(text)
        self.dialog.show()

    def _forget(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None


class InstalledHook:
    """What ``install`` returns: call it to undo; ``reporter`` reaches the dialog."""

    def __init__(self, reporter: ErrorReporter, undo: Callable[[], None]) -> None:
        self.reporter = reporter
        self._undo = undo

    def __call__(self) -> None:
        self._undo()


def install(app: QApplication | None = None) -> InstalledHook:
    """Show unexpected errors in a dialog; returns a callable that undoes it."""
    reporter = ErrorReporter(app or QApplication.instance())
    previous_hook = sys.excepthook
    previous_thread_hook = threading.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous_hook(exc_type, exc, tb)
            return
        text = format_error(exc_type, exc, tb)
        print(text, file=sys.stderr, flush=True)
        reporter.report.emit(text)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "a thread"
        text = f"In thread {name}:\n" + format_error(
            args.exc_type, args.exc_value, args.exc_traceback
        )
        print(text, file=sys.stderr, flush=True)
        reporter.report.emit(text)

    sys.excepthook = hook
    threading.excepthook = thread_hook

    def uninstall() -> None:
        sys.excepthook = previous_hook
        threading.excepthook = previous_thread_hook
        if reporter.dialog is not None:
            reporter.dialog.close()
        reporter.deleteLater()

    return InstalledHook(reporter, uninstall)
