"""A chart built the first time it is shown, so the window paints without pyqtgraph.

Importing pyqtgraph (and numpy with it) takes 0.5 to 1.5 s; the window's first
frame needs neither. A chart view puts a ``LazyPlot`` where its plot goes and
gives it a ``build`` callable that imports pyqtgraph, makes the plot widget and
returns it. The placeholder calls it on its first ``showEvent`` (its tab
selected, its dock made visible) or on ``ensure()``, puts the widget in its
place and emits ``ready``. Until then the view keeps filling its bounded buffers
from the controller's signals and skips drawing (``widget`` is None); on
``ready`` it draws everything it kept, so a tab opened mid-run or after a run
shows the whole run.

    self.chart = LazyPlot(self._build_chart, "timelinePlot")
    self.chart.ready.connect(lambda _plot: self.refresh(force=True))

    def _build_chart(self) -> QWidget:
        import pyqtgraph as pg
        plot = pg.PlotWidget()
        ...
        return plot

The app (gui/app.py) also imports pyqtgraph in a background thread once the window
has painted (``preload_after_first_paint``): otherwise the first chart tab opened
mid-run would freeze the window (and its bars) for the import, 1 to 4 s on a busy
machine. Python switches threads every 5 ms, so the window stays responsive.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from . import chart_theme

PRELOAD_THREAD_NAME = "chart-preload"


class LazyPlot(QWidget):
    """Stands in for the widget ``build()`` makes, until it is first shown."""

    ready = Signal(QWidget)  # the built widget, emitted once

    def __init__(
        self, build: Callable[[], QWidget], name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Placeholder")
        self._build = build
        self._name = name
        self.widget: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        """The real widget, built now if it was not yet."""
        if self.widget is None:
            widget = self._build()
            chart_theme.style(widget)  # the theme's colours, not pyqtgraph's
            if not widget.objectName():
                widget.setObjectName(self._name)
            widget.setParent(self)
            self._layout.addWidget(widget)
            widget.show()  # visible with this placeholder (made inside its showEvent)
            self.widget = widget
            self.ready.emit(widget)
        return self.widget

    def showEvent(self, event: Any) -> None:
        self.ensure()
        super().showEvent(event)


def _import_charts() -> None:
    # a failure is not reported here: the first chart shown raises it properly
    with contextlib.suppress(Exception):
        import pyqtgraph  # noqa: F401  (numpy comes with it)


def start_preload() -> threading.Thread | None:
    """Import pyqtgraph in a thread of its own; None if it is imported already."""
    if "pyqtgraph" in sys.modules:
        return None
    thread = threading.Thread(target=_import_charts, name=PRELOAD_THREAD_NAME)
    thread.start()  # not a daemon: an exit mid-import waits for it (a second at most)
    return thread


class _AfterFirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, start_preload)  # after this frame reached the screen
        return False


def preload_after_first_paint(window: QWidget) -> None:
    """Start ``start_preload`` once ``window`` has painted its first frame."""
    window.installEventFilter(_AfterFirstPaint(window))
