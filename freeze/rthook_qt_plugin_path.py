"""PyInstaller run-time hook: tell Qt where the bundled plugins are, without importing Qt.

It replaces PyInstaller's own ``pyi_rth_pyside6`` (build.spec drops that one), which
imports ``PySide6.QtCore`` at the start of *every* process of the frozen app: each
spawn worker, the forkserver, the resource tracker and ``--self-test`` paid about
0.5 s for a toolkit they never use. Setting the plugin path is all the window
needs: the PySide6 wheel's Qt is relocatable (it embeds its own qt.conf).
"""

import os
import sys


def _set_qt_plugin_path() -> None:
    base = sys._MEIPASS  # type: ignore[attr-defined]  # set by the bootloader
    if sys.platform.startswith("win"):
        plugins = os.path.join(base, "PySide6", "plugins")
    else:
        plugins = os.path.join(base, "PySide6", "Qt", "plugins")
    os.environ["QT_PLUGIN_PATH"] = plugins


_set_qt_plugin_path()
del _set_qt_plugin_path
