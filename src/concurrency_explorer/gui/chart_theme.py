"""Charts follow the theme: background, axes, titles and legends in its colours.

pyqtgraph draws with its own colours (white background here, light-grey axes), so
a dark theme left white charts with faint labels. ``style`` is applied to every
chart when it is built (gui/lazy_plot.py) and to all of them when the theme changes
(gui/presentation.py). pyqtgraph is never imported here: no chart, nothing to do.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget

# theme -> (background, foreground); "system" keeps the white charts, with dark text
CHART_COLOURS = {"dark": ("#000000", "#ffffff"), "light": ("#ffffff", "#000000")}
SYSTEM_COLOURS = ("#ffffff", "#303030")
LEGEND_PT = 9.0  # pyqtgraph's legend text size; with bigger text (the stage) 80 % of it

_theme = "system"


def set_theme(theme: str, root: QWidget | None = None) -> None:
    """Remember ``theme`` for charts built later and restyle those under ``root``."""
    global _theme
    _theme = theme
    if root is not None and "pyqtgraph" in sys.modules:
        import pyqtgraph as pg

        for view in root.findChildren(pg.GraphicsView):
            style(view)


def colours() -> tuple[str, str]:
    return CHART_COLOURS.get(_theme, SYSTEM_COLOURS)


def style(widget: QWidget) -> None:
    """Colour ``widget`` (a pyqtgraph view, or a widget holding some) for the theme."""
    if "pyqtgraph" not in sys.modules:
        return
    import pyqtgraph as pg

    background, foreground = colours()
    views = [widget] if isinstance(widget, pg.GraphicsView) else []
    views += widget.findChildren(pg.GraphicsView)
    for view in views:
        view.setBackground(background)
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setPen(foreground)
                item.setTextPen(foreground)
            elif isinstance(item, pg.LegendItem):
                item.setLabelTextColor(foreground)
                item.setLabelTextSize(legend_size())
                for _sample, label in item.items:
                    label.setText(label.text)  # drawn again in that colour and size
                item.updateSize()
            elif isinstance(item, pg.LabelItem) and item.text:
                item.setText(item.text, color=foreground)


def legend_size() -> str:
    """A legend's text size: pyqtgraph's 9 pt, or 80 % of the text when that is bigger."""
    return f"{max(LEGEND_PT, QApplication.font().pointSizeF() * 0.8):.1f}pt"
