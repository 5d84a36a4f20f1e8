"""A scenario's measured numbers as big horizontal bars, readable from the back of a room."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QWidget

from ..core.scenarios import Bar

SCALE = 1000
GOOD, BAD = "#2e7d32", "#c62828"


class ScenarioBars(QWidget):
    """One labelled bar per measured number; all bars of a scenario share one scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenarioBars")
        self.setAccessibleName("Measured numbers as bars")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.bars: list[QProgressBar] = []

    def clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # gone from findChildren now, not at the next loop
                widget.deleteLater()
        self.bars = []

    def show_bars(self, bars: list[Bar]) -> None:
        self.clear()
        top = max((b.value for b in bars), default=0) or 1
        for row, bar in enumerate(bars):
            label = QLabel(bar.label)
            label.setObjectName(f"scenarioBarLabel{row}")
            progress = QProgressBar()
            progress.setObjectName(f"scenarioBar{row}")
            progress.setAccessibleName(f"{bar.label}: {bar.text}")
            progress.setRange(0, SCALE)
            progress.setValue(max(0, min(SCALE, round(bar.value / top * SCALE))))
            progress.setFormat(bar.text)
            # The number beside the bar, in the theme's text colour: on the bar it was
            # black on dark red or green, and straddled the fill.
            progress.setTextVisible(False)
            value = QLabel(bar.text)
            value.setObjectName(f"scenarioBarValue{row}")
            value.setAccessibleName(f"{bar.label}: {bar.text}")
            if bar.good is not None:
                progress.setProperty("verdict", "good" if bar.good else "bad")
                colour = GOOD if bar.good else BAD
                progress.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(progress, row, 1)
            self.grid.addWidget(value, row, 2)
            self.bars.append(progress)
        self.grid.setColumnStretch(1, 1)
