"""The Qt layer: presents and controls the core, holds no engine logic.

``MainWindow`` is imported lazily so ``import concurrency_explorer.gui`` stays cheap.
"""

from __future__ import annotations

import os

# Qt splits large fills and image conversions across a pool of its own threads and
# waits for them (``QLatch``). Beside 64 busy worker processes those threads hardly
# get a core, and the window's thread waited for them in every repaint (py-spy,
# issue 21). Painting on the window's thread alone never waits for a starved thread.
# Read by Qt once, at the first large fill, so it is set before any window exists.
os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> object:
    if name == "MainWindow":
        from .main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
