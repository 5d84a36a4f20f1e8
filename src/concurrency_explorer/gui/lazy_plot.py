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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget


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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        """The real widget, built now if it was not yet."""
        if self.widget is None:
            widget = self._build()
            if not widget.objectName():
                widget.setObjectName(self._name)
            widget.setParent(self)
            self.layout().addWidget(widget)
            widget.show()  # visible with this placeholder (made inside its showEvent)
            self.widget = widget
            self.ready.emit(widget)
        return self.widget

    def showEvent(self, event: Any) -> None:
        self.ensure()
        super().showEvent(event)
