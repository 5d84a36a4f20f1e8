"""Axis ticks stay apart at presentation font sizes (Compare engines, Sweep)."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtGui import QFont, QFontMetricsF

from concurrency_explorer.gui.chart_ticks import nice_step, readable_ticks, ticks_every


def test_nice_steps():
    assert nice_step(2.2, 4) == 1.0
    assert nice_step(0.9, 3) == 0.5
    assert nice_step(1.0, 4) == 0.25
    assert nice_step(80, 4) == 20


@pytest.mark.parametrize("points", [9, 16, 22, 30])
@pytest.mark.parametrize(("high", "width"), [(0.9, 160), (2.2, 200), (2.2, 600), (64, 300)])
def test_tick_labels_never_touch(qapp, points, high, width):
    font = QFont()
    font.setPointSizeF(points)
    ticks = readable_ticks(0.0, high, width, font, integers=high > 10)
    assert ticks, "no tick at all"
    metrics = QFontMetricsF(font)
    px_per_unit = width / high
    for (a, text_a), (b, text_b) in itertools.pairwise(ticks):
        gap = (b - a) * px_per_unit
        half_widths = (metrics.horizontalAdvance(text_a) + metrics.horizontalAdvance(text_b)) / 2
        assert gap > half_widths * 1.2, (ticks, gap)
    assert all(0 <= value <= high + 1e-9 for value, _ in ticks)
    assert len({text for _, text in ticks}) == len(ticks), "two ticks read the same"


def test_a_step_of_two_and_a_half_keeps_its_half():
    assert [text for _, text in ticks_every(0, 15, 2.5)] == [
        "0.0", "2.5", "5.0", "7.5", "10.0", "12.5", "15.0",
    ]  # fmt: skip
    assert [text for _, text in ticks_every(0, 100, 25)] == ["0", "25", "50", "75", "100"]
    assert [text for _, text in ticks_every(0, 0.5, 0.25)] == ["0.00", "0.25", "0.50"]
