"""Axis ticks that never run into each other, whatever the font size.

pyqtgraph picks tick spacing from the axis length alone; at presentation font sizes a
narrow plot then prints "0.20.40.60.8". Here the spacing comes from how wide a label
is in the axis's font: at least ``GAP`` label widths apart, on a 1-2-2.5-5 grid.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication

GAP = 1.4  # neighbouring tick labels: the widest label plus 40 % of it apart
NICE = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(span: float, most: int) -> float:
    """The smallest 1-2-2.5-5 x 10^k step that needs at most ``most`` ticks for ``span``."""
    raw = span / max(1, most)
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in NICE if m * magnitude >= raw * (1 - 1e-9))


def readable_ticks(
    low: float, high: float, length_px: float, font: QFont | None = None, integers: bool = False
) -> list[tuple[float, str]]:
    """Ticks between ``low`` and ``high`` whose labels fit ``length_px`` with room between:
    the finest 1-2-2.5-5 step whose neighbouring labels are ``GAP`` label widths apart."""
    if high <= low or length_px <= 0:
        return []
    metrics = QFontMetricsF(font if font is not None else QApplication.font())
    px_per_unit = length_px / (high - low)
    step = nice_step(high - low, int(length_px // 4) or 1)  # start fine, coarsen until fit
    for _ in range(40):
        if integers:
            step = max(1.0, math.ceil(step))
        ticks = ticks_every(low, high, step)
        widest = max((metrics.horizontalAdvance(text) for _, text in ticks), default=0.0)
        if step * px_per_unit >= widest * GAP or len(ticks) <= 1:
            return ticks
        step = nice_step(step * 1.01, 1)  # the next coarser nice step
    return ticks_every(low, high, step)


def ticks_every(low: float, high: float, step: float) -> list[tuple[float, str]]:
    tenths = step * 10 ** -math.floor(math.log10(step))  # 1, 2, 2.5 or 5
    finer = abs(tenths - round(tenths)) > 1e-9  # 2.5: one more decimal
    # a step of 2.5 needs its half shown: "7.5", never "8" for 7.5 (nor 0.25 as "0.2")
    decimals = max(0, min(3, -math.floor(math.log10(step)) + finer))
    first = math.ceil(low / step - 1e-9) * step
    ticks: list[tuple[float, str]] = []
    value = first
    while value <= high + 1e-9:
        ticks.append((value, f"{value:.{decimals}f}"))
        value = first + len(ticks) * step
    return ticks


def set_readable_x_ticks(plot: Any, low: float, high: float, integers: bool = False) -> None:
    """Put ``readable_ticks`` on a pyqtgraph PlotItem's bottom axis for its current width."""
    axis = plot.getAxis("bottom")
    width = plot.getViewBox().width()
    font = axis.style.get("tickFont") or QApplication.font()
    axis.setTicks([readable_ticks(low, high, width, font, integers), []])
