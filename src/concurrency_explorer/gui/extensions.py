"""Panels that plug into the main window without editing it.

Each entry is a callable ``install(window) -> None``, run at the end of
``MainWindow.__init__``. A panel gets ``window.controller`` (signals ``started``,
``updated``, ``finished``), adds itself with ``window.add_view(widget, title)`` (a
tab in ``viewTabs``) or ``window.add_dock(...)``, and its actions to
``window.menus["View"]`` etc. Keep one line per feature here.
"""

from __future__ import annotations

from collections.abc import Callable

from .about_dialog import install as install_about_dialog

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

INSTALLERS: list[Callable[[MainWindow], None]] = [
    install_about_dialog,  # Help > About (version, Python, Qt, PySide6, license)
]
