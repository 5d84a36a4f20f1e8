"""Where the window keeps what it remembers (geometry, theme, last configuration).

``CONCURRENCY_EXPLORER_SETTINGS_DIR`` points the settings at an INI file in that
folder instead of the user's: the tests set it so a developer's settings are never
touched, and a lab machine can use it for a portable setup.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

SETTINGS_DIR_ENV = "CONCURRENCY_EXPLORER_SETTINGS_DIR"
ORG_NAME = "ConcurrencyExplorer"
APP_NAME = "Concurrency Explorer"


def app_settings() -> QSettings:
    folder = os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        return QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(ORG_NAME, APP_NAME)
