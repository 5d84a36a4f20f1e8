"""The stage: in presentation mode the bars, the verdict and one chart own the screen.

(In normal mode too, the bars' pane is fitted to its rows until the person drags it.)

While a chart tab is shown on stage, the lines above the bars and in the chart's page
(``CappedLabel``) take a line or two each, and the page (a ``StagePage``: Compare
engines, Sweep) gets the height it says keeps it legible, an engine's name per row;
beside such a page each worker row is one line (``set_one_line``): with two, only 3
of 4 rows stayed above eight engines at 1280x720.

The Workers settings (``controlsPane``) and the docks (the Scenarios lesson) step
aside while presenting; F12 brings them back (and hides them again) for a moment
of configuration mid-talk. Leaving presentation mode puts every one of them back
exactly as it was: visibility, splitter sizes (the window's dock state is restored
by ``Presentation``).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QSplitter, QWidget

from .capped_label import CappedLabel
from .stage_page import StagePage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

TAB_FONT_MIN = 0.7  # on stage, tab titles shrink to this share of the text size at most
BARS_SHARE_NORMAL = 0.5  # in normal mode, until the person drags the divider
BARS_SHARE_MAX = 0.68  # of the right-hand height: the chart below always keeps 32 %
STAGE_TAB_FRAME = 4  # px around a tab page, above and below
ROW_MARGIN = 6  # px under the last worker row, when all are shown
STAGE_KEEP_ROWS = 4  # a chart page on stage shrinks what it can to leave this many rows


class Stage(QObject):
    """Steps the side panels aside and back; sizes the bars' pane to its rows."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.active = False
        self.sides_shown = False
        self._splitters: dict[str, QByteArray] = {}
        self._controls_visible = True
        self._docks: list[QDockWidget] = []
        self.user_sized = False  # the person dragged the bars/chart divider: leave it
        right = self.splitter("rightSplitter")
        if right is not None:
            right.splitterMoved.connect(self._on_moved)
        window.installEventFilter(self)  # full screen arrives as a resize, later
        window.controller.started.connect(lambda _run: self.fit_later())
        window.controller.finished.connect(lambda _record: self.fit_later())  # the verdict
        window.viewTabs.currentChanged.connect(lambda _index: self.fit_later())

    # -- the pieces ----------------------------------------------------------------

    def controls(self) -> QWidget | None:
        return self.window_.findChild(QWidget, "controlsPane")

    def splitter(self, name: str) -> QSplitter | None:
        return self.window_.findChild(QSplitter, name)

    def side_docks(self) -> list[QDockWidget]:
        """Docked panels shown now (a floating one is already out of the way)."""
        w = self.window_
        return [d for d in w.findChildren(QDockWidget) if d.isVisibleTo(w) and not d.isFloating()]

    # -- entering and leaving ------------------------------------------------------

    def enter(self) -> None:
        if self.active:
            return
        self.active = True
        self._splitters = {}
        for name in ("mainSplitter", "rightSplitter"):
            splitter = self.splitter(name)
            if splitter is not None:
                self._splitters[name] = splitter.saveState()
        controls = self.controls()
        self._controls_visible = controls is not None and controls.isVisibleTo(self.window_)
        self._docks = self.side_docks()
        self.stage_pages(True)
        # the fit decides how many whole rows show (a scroll area asks for ~70 px)
        self.window_.workersView.setMinimumHeight(1)
        self.show_sides(False)

    def leave(self) -> None:
        """Sides back as they were; call ``restore_splitters`` once the layout settled."""
        if not self.active:
            return
        self.active = False
        self.fit_tabs()  # their own font again
        self.stage_pages(False)
        self.compact_labels()
        self.window_.workersView.set_one_line(False)
        self.window_.workersView.setMinimumHeight(0)  # its own minimum again
        controls = self.controls()
        if controls is not None:
            controls.setVisible(self._controls_visible)
        for dock in self._docks:
            dock.setVisible(True)
        self.sides_shown = False

    def fit_tabs(self) -> None:
        """On stage every tab's title stays in view: a smaller tab font before a tab bar
        that scrolls (more tabs than a 1280 px projector has room for at stage size)."""
        bar = self.window_.viewTabs.tabBar()
        bar.setStyleSheet("")
        # Clearing a rule, Qt sets the font the bar had before it, for good: the stage's
        # size if that was then. Inherited again, it follows the window's text size.
        bar.setFont(QFont())
        if not self.active:
            return
        width = self.window_.viewTabs.width()
        size = QApplication.font().pointSizeF()
        smallest = size * TAB_FONT_MIN
        while bar.sizeHint().width() > width and size > smallest:
            size *= 0.92
            bar.setStyleSheet(f"QTabBar {{ font-size: {size:.1f}pt; }}")

    def stage_pages(self, staged: bool) -> None:
        for page in self.window_.findChildren(QWidget):
            if isinstance(page, StagePage):
                page.set_staged(staged)

    def compact(self) -> bool:
        """On stage with a chart tab shown: the labels above the bars take a line or two."""
        return self.active and self.window_.viewTabs.currentWidget() is not self.window_.resultsView

    def compact_labels(self) -> None:
        """Capped labels a line or two; the phase line steps aside for a verdict (the
        status bar says the same)."""
        compact = self.compact()
        for label in self.window_.findChildren(CappedLabel):
            label.set_compact(compact)
        w = self.window_
        w.phaseLabel.setVisible(not (compact and w.verdictLabel.isVisibleTo(w)))

    def whole_rows(self, room: int) -> int:
        """Pixels of the first worker rows that fit whole in ``room`` (a row cut in half
        reads as a clipped count); ``room`` itself when every row fits or none is laid out."""
        spans = [
            (
                min(widget.geometry().top() for widget in (row.label, row.bar, row.state)),
                max(widget.geometry().bottom() + 1 for widget in (row.label, row.bar, row.state)),
            )
            for row in self.window_.workersView.rows
        ]
        if not spans or spans[-1][1] <= 1 or spans[-1][1] + ROW_MARGIN <= room:
            return room
        shown = max(1, sum(1 for _top, bottom in spans if bottom <= room))
        if shown >= len(spans):  # all fit, only the margin under the last one does not
            return room
        return spans[shown][0]  # up to the first row left out: not a pixel of it

    def restore_splitters(self) -> None:
        if self.active:
            return
        for name, state in self._splitters.items():
            splitter = self.splitter(name)
            if splitter is not None:
                splitter.restoreState(state)

    def show_sides(self, shown: bool) -> None:
        """While presenting: the settings and the lesson in their places, or away."""
        if not self.active:
            return
        self.sides_shown = shown
        controls = self.controls()
        if controls is not None and self._controls_visible:
            controls.setVisible(shown)
        for dock in self._docks:
            dock.setVisible(shown)
        self.fit_later()

    def toggle_sides(self) -> None:
        self.show_sides(not self.sides_shown)

    # -- sizes ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.active and watched is self.window_ and event.type() == QEvent.Type.Resize:
            self.fit_later()
        return False

    def _on_moved(self, *_: object) -> None:
        if not self.active:
            self.user_sized = True

    def fit_later(self) -> None:
        if self.active or not self.user_sized:
            QTimer.singleShot(0, self, self.fit)

    def fit(self) -> None:
        """The bars' pane as tall as its rows (on stage up to 68 %, else half), the
        chart gets the rest: no empty space under two rows. In normal mode only until
        the person sizes it."""
        right = self.splitter("rightSplitter")
        if right is None or right.count() < 2 or (not self.active and self.user_sized):
            return
        w = self.window_
        self.compact_labels()
        page = w.viewTabs.currentWidget()
        rows = w.workersView.widget()
        if rows is None:
            return
        grid = rows.layout()
        one_line = self.active and isinstance(page, StagePage)
        if w.workersView.set_one_line(one_line) and grid is not None:
            grid.activate()  # the rows' new heights, before they are measured
        pane = right.widget(0)
        if pane is None:
            return
        layout = pane.layout()
        spacing = layout.spacing() if layout is not None else 6
        labels = sum(
            label.heightForWidth(pane.width()) + spacing  # word-wrapped at this width
            for label in pane.findChildren(QWidget)
            if label.parentWidget() is pane and label is not w.workersView
            and label.isVisibleTo(w) and label.hasHeightForWidth()
        )  # fmt: skip
        frame = 2 * w.workersView.frameWidth()
        need = rows.sizeHint().height() + frame + labels
        total = sum(right.sizes()) or right.height()
        self.fit_tabs()
        share = BARS_SHARE_MAX if self.active else BARS_SHARE_NORMAL
        bars = min(need, int(total * share))
        if self.active and isinstance(page, StagePage):
            chrome = w.viewTabs.tabBar().sizeHint().height() + 2 * STAGE_TAB_FRAME
            one_row = rows.sizeHint().height() // max(1, len(w.workersView.rows))
            keep = one_row * min(len(w.workersView.rows), STAGE_KEEP_ROWS)
            page.fit_stage(total - chrome - labels - frame - keep)
            claim = page.stage_height()
            if claim > 0:  # the chart shown gets what keeps it legible
                # ... and the bars keep the lines above them and whole rows, one at least
                room = min(bars, total - claim - chrome) - labels - frame
                bars = labels + frame + max(one_row, self.whole_rows(room))
        right.setSizes([bars, max(0, total - bars)])
