"""Start the window: one QApplication, one MainWindow, clean shutdown."""

from __future__ import annotations

import sys

APP_NAME = "Concurrency Explorer"
ORG_NAME = "ConcurrencyExplorer"


def run_gui(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from . import excepthook, startup_probe, unix_signals
    from .app_icon import DESKTOP_FILE_NAME, app_icon
    from .lazy_plot import preload_after_first_paint
    from .main_window import MainWindow
    from .preferences import apply_preferences
    from .settings import app_settings

    existing = QApplication.instance()
    if existing is not None and not isinstance(existing, QApplication):
        raise RuntimeError("a QCoreApplication exists; the window needs a QApplication")
    app = existing or QApplication([sys.argv[0], *(argv or [])])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(DESKTOP_FILE_NAME)  # Wayland/X11 match the window to the .desktop entry
    excepthook.install(app)  # unexpected errors: a dialog with the traceback, app lives on
    window = MainWindow()
    apply_preferences(window, app_settings())
    app.aboutToQuit.connect(window.controller.shutdown)
    unix_signals.install(app, window)  # SIGTERM/SIGINT close the window as Quit does
    startup_probe.install(window)
    preload_after_first_paint(window)  # charts ready before anyone opens their tab
    window.show()
    return int(app.exec())
