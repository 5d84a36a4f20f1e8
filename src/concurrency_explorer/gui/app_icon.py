"""The app icon, every size from resources/icons, for the window and the task bar."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from ..resources import resource_path

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DESKTOP_FILE_NAME = "concurrency-explorer"  # resources/linux/<this>.desktop


def app_icon() -> QIcon:
    """One QIcon holding every PNG size, so Qt never scales a large one down blurrily."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resource_path("icons", f"concurrency-explorer-{size}.png")))
    return icon
