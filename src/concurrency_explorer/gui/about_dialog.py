"""Help > About: which app, which Python, which Qt, which license.

When someone reports "spawn is slow on my laptop", these lines are the first
thing to ask for; the text is selectable and one button copies it all.
"""

from __future__ import annotations

import platform
import sys
from typing import TYPE_CHECKING

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .. import __version__
from .app_icon import app_icon

if TYPE_CHECKING:
    from .main_window import MainWindow

LICENSE = "MIT"
SUMMARY = (
    "See Python concurrency at work: threads and processes, the start methods "
    "fork / forkserver / spawn, the GIL and bounded queues, live."
)


def about_facts() -> list[tuple[str, str]]:
    """(label, value) pairs shown in the dialog and copied by its button."""
    frozen = bool(getattr(sys, "frozen", False))
    return [
        ("Version", __version__),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("Platform", platform.platform(terse=True)),
        ("Build", "frozen app (PyInstaller)" if frozen else "from source / pip"),
        ("License", LICENSE),
    ]


def about_plain_text() -> str:
    return "\n".join(f"Concurrency Explorer {label}: {value}" for label, value in about_facts())


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setAccessibleName("About Concurrency Explorer")
        self.setWindowTitle("About Concurrency Explorer")

        icon = QLabel()
        icon.setObjectName("aboutIcon")
        icon.setAccessibleName("Concurrency Explorer icon")
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        rows = "".join(
            f"<tr><td><b>{label}</b>&nbsp;&nbsp;</td><td>{value}</td></tr>"
            for label, value in about_facts()
        )
        self.factsLabel = QLabel(
            f"<h2>Concurrency Explorer {__version__}</h2><p>{SUMMARY}</p><table>{rows}</table>"
        )
        self.factsLabel.setObjectName("aboutFacts")
        self.factsLabel.setAccessibleName("Version and build details")
        self.factsLabel.setWordWrap(True)
        self.factsLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.factsLabel, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copyButton = buttons.addButton("&Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        self.copyButton.setObjectName("aboutCopyButton")
        self.copyButton.setAccessibleName("Copy details")
        self.copyButton.setToolTip("Copy these lines to the clipboard, e.g. for a bug report")
        self.copyButton.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(about_plain_text())


def install(window: MainWindow) -> None:
    """Add Help > About to the main window (an entry in ``extensions.INSTALLERS``)."""

    def show() -> None:
        dialog = AboutDialog(window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    window.add_action(
        "aboutAction", "&About Concurrency Explorer", ["Ctrl+F1"],
        "Version, Python, Qt and PySide6 versions, license, and whether this is the "
        "frozen app (Ctrl+F1)",
        show, menu="Help",
    )  # fmt: skip
