"""A word-wrapped label that never takes more than a few lines from the bars or a chart.

A long verdict or status line at presentation font size otherwise pushed the bars into
a scrolling strip and squeezed a chart's engine names together. This label keeps
``text()`` whole (tests, screen readers and the tooltip read it) and shows at most
``lines`` lines: the text if it fits, else the first of its shorter versions
(``set_shorter``) that does, else the shortest one (or the text) cut with "…". The whole
text is in the tooltip when it was shortened.

The stage (``stage.py``) switches every such label to ``compact_lines`` while a chart
tab is shown in presentation mode, and back when leaving it.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextDocument,
    QTextLayout,
)
from PySide6.QtWidgets import QLabel, QWidget

SLACK_LINES = 0.25  # less than the line it would take to show one more
HEIGHTS_KEPT = 64  # measured heights of shorter versions kept (widths come and go)


class CappedLabel(QLabel):
    """A word-wrapped QLabel of at most ``lines`` lines of its font (None: no cap)."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        lines: int | None = None,
        compact_lines: int | None = None,
    ) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.normal_lines = lines
        self.compact_lines = compact_lines if compact_lines is not None else lines
        self.lines = lines
        self._shorter: list[str] = []
        self._own_tip = ""  # the tooltip given; cut, the whole text goes before it
        self._heights: dict[tuple[str, int, str], int] = {}  # a shorter version's, by width

    # -- what to show -------------------------------------------------------------

    def set_compact(self, compact: bool) -> None:
        """Compact (a chart shown on stage): ``compact_lines``; else ``lines`` as made."""
        lines = self.compact_lines if compact else self.normal_lines
        if lines != self.lines:
            self.lines = lines
            self.updateGeometry()
            self.update()

    def set_shorter(self, versions: list[str]) -> None:
        """Shorter versions of the text (same format), tried in order when it is too long."""
        self._shorter = list(versions)
        self.updateGeometry()
        self.update()

    def setText(self, text: str) -> None:
        self._shorter = []  # they belonged to the previous text
        super().setText(text)

    def clear(self) -> None:
        self._shorter = []
        super().clear()

    def cap_height(self) -> int | None:
        """The most pixels of height it may take (None: as many as its text needs)."""
        if self.lines is None:
            return None
        margins = self.contentsMargins()
        spacing = self.fontMetrics().lineSpacing()
        slack = spacing * SLACK_LINES  # rich text's lines run a few px taller than the font's
        frame = margins.top() + margins.bottom() + 2 * self.margin()
        return int(self.lines * spacing + slack) + frame

    def is_cut(self) -> bool:
        """Its whole text does not fit the cap at its width."""
        cap = self.cap_height()
        return cap is not None and super().heightForWidth(self.width()) > cap

    # -- sizes --------------------------------------------------------------------

    def heightForWidth(self, width: int) -> int:
        """The whole text's height, else the shorter version's that fits, else the cap."""
        height = super().heightForWidth(width)
        cap = self.cap_height()
        if cap is None or height <= cap:
            return height
        version = self._fitting(width)
        if version is None:
            return cap
        return min(cap, self._version_height(version, width))

    def sizeHint(self) -> QSize:
        return self._capped(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._capped(super().minimumSizeHint())

    def _capped(self, size: QSize) -> QSize:
        cap = self.cap_height()
        return size if cap is None else QSize(size.width(), min(size.height(), cap))

    # -- painting -----------------------------------------------------------------

    def setToolTip(self, tip: str) -> None:
        self._own_tip = tip
        super().setToolTip(tip)

    def _sync_tip(self, cut: bool) -> None:
        """Shortened: the tooltip starts with the whole text (set here, not in ``event``:
        a Python ``event`` override runs while Qt deletes the label, and crashes)."""
        tip = self._own_tip
        whole = self.plain_text()
        if cut and " ".join(whole.split()) not in " ".join(tip.split()):
            tip = f"{whole}\n\n{tip}" if tip else whole
        if super().toolTip() != tip:
            super().setToolTip(tip)

    def paintEvent(self, event: QPaintEvent) -> None:
        cut = self.is_cut()
        self._sync_tip(cut)
        if not cut:
            super().paintEvent(event)
            return
        rect = self._text_rect()
        painter = QPainter(self)
        colour = self.palette().color(self.foregroundRole())
        version = self.shorter_shown()
        if version is not None:
            context = QAbstractTextDocumentLayout.PaintContext()
            context.palette.setColor(QPalette.ColorRole.Text, colour)
            painter.translate(rect.topLeft())
            document = self._document(version, rect.width())  # alive while it draws
            document.documentLayout().draw(painter, context)
            return
        painter.setPen(colour)
        painter.setFont(self.font())
        for y, line in self._cut_lines(rect.width(), int(rect.height())):
            painter.drawText(QPointF(rect.left(), rect.top() + y), line)

    def shorter_shown(self) -> str | None:
        """The shorter version shown instead of the text (None: the text, whole or cut)."""
        return self._fitting(self.width()) if self.is_cut() else None

    def _fitting(self, width: int) -> str | None:
        """The first shorter (rich) version within the cap at ``width``."""
        cap = self.cap_height()
        if cap is None or self.textFormat() != Qt.TextFormat.RichText:
            return None
        return next((v for v in self._shorter if self._version_height(v, width) <= cap), None)

    def _version_height(self, version: str, width: int) -> int:
        """Pixels ``version`` takes at the label's ``width``, margins included."""
        key = (version, width, self.font().key())
        if key not in self._heights:
            margins = self.contentsMargins()
            inner = width - margins.left() - margins.right() - 2 * self.margin()
            frame = margins.top() + margins.bottom() + 2 * self.margin()
            height = self._document(version, inner).size().height()
            if len(self._heights) > HEIGHTS_KEPT:
                self._heights.clear()
            self._heights[key] = math.ceil(height) + frame
        return self._heights[key]

    def cut_lines(self) -> list[str]:
        """The lines painted when neither the text nor a shorter version fits."""
        rect = self._text_rect()
        return [line for _y, line in self._cut_lines(rect.width(), int(rect.height()))]

    def _text_rect(self) -> QRectF:
        m = self.margin()
        return QRectF(self.contentsRect()).adjusted(m, m, -m, -m)

    def _document(self, text: str, width: float) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(self.font())
        document.setDocumentMargin(0)
        document.setHtml(text)
        document.setTextWidth(width)
        return document

    def plain_text(self, version: str | None = None) -> str:
        """The text (or a shorter ``version``) as a person reads it, without markup."""
        text = self.text() if version is None else version
        if self.textFormat() != Qt.TextFormat.RichText:
            return text
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()

    def _cut_lines(self, width: float, height: int) -> list[tuple[float, str]]:
        """(baseline y, text) of the lines that fit, the last one ending in "…"."""
        metrics = self.fontMetrics()
        spacing = metrics.lineSpacing()
        most = max(1, height // max(1, spacing))
        text = " ".join(self.plain_text(self._shorter[-1] if self._shorter else None).split())
        layout = QTextLayout(text, self.font())
        layout.beginLayout()
        spans: list[tuple[int, int]] = []
        while len(spans) < most:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            spans.append((line.textStart(), line.textLength()))
        layout.endLayout()
        lines = [text[start : start + length].rstrip() for start, length in spans]
        if lines:  # the last line: what is left of the text, cut with "…"
            rest = text[spans[-1][0] :]
            lines[-1] = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, int(width))
        return [(i * spacing + metrics.ascent(), line) for i, line in enumerate(lines)]
