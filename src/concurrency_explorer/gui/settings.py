"""Where the window keeps what it remembers (geometry, theme, last configuration).

``CONCURRENCY_EXPLORER_SETTINGS_DIR`` points the settings at an INI file in that
folder instead of the user's: the tests set it so a developer's settings are never
touched, and a lab machine can use it for a portable setup.

The settings file follows the rules of every write (``core.atomic``): when it is a
FIFO, a device, a folder or a link to one of those, the app says so once, in one
line on stderr, and keeps this session's settings in a private file instead.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings

from ..core.atomic import check_target

SETTINGS_DIR_ENV = "CONCURRENCY_EXPLORER_SETTINGS_DIR"
ORG_NAME = "ConcurrencyExplorer"
APP_NAME = "Concurrency Explorer"

_refused: dict[str, str] = {}  # unsafe settings file -> its stand-in for this session


def settings_file() -> str | None:
    """The settings file, known before Qt opens it (QSettings reads it at once, and
    a FIFO there would block); None where settings are not a file (the registry)."""
    folder = os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        return str(Path(folder) / "settings.ini")
    if sys.platform.startswith(("win", "darwin")):
        return None
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return os.path.join(config, ORG_NAME, f"{APP_NAME}.conf")


def app_settings() -> QSettings:
    path = settings_file()
    if path in _refused:
        return QSettings(_refused[path], QSettings.Format.IniFormat)
    problem = check_target(path) if path and os.path.lexists(path) else None
    if problem is None or path is None:
        if os.environ.get(SETTINGS_DIR_ENV) and path:
            return QSettings(path, QSettings.Format.IniFormat)
        return QSettings(ORG_NAME, APP_NAME)
    folder_aside = tempfile.mkdtemp(prefix="concurrency-explorer-settings-")
    atexit.register(shutil.rmtree, folder_aside, True)
    stand_in = Path(folder_aside) / "settings.ini"
    _refused[path] = str(stand_in)
    print(f"settings not saved: {problem}; this session keeps them aside", file=sys.stderr)
    return QSettings(str(stand_in), QSettings.Format.IniFormat)
