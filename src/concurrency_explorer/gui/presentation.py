"""Presentation mode (F11) and themes: legible from the back of a room.

Full screen, the application font scaled up (Ctrl+plus / Ctrl+minus, in any mode),
high-contrast dark and light themes and tall progress bars. Theme and font scale
are remembered (QSettings, see ``settings``).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QActionGroup, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QLayout,
    QSpacerItem,
    QWidget,
)

from . import chart_theme
from .scenario_browser import ScenarioBrowser
from .settings import app_settings
from .stage import Stage
from .worker_rows import BAR_LINES, STAGE_BAR_LINES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

THEMES = {
    "system": "System colours",
    "dark": "High contrast, dark",
    "light": "High contrast, light",
}
# (window, text, base, highlight, highlighted text, bar chunk, button, placeholder)
# Bar text is one colour over chunk and groove: the chunk keeps >= 4.5:1 with it.
COLOURS = {
    "dark": (
        "#000000", "#ffffff", "#101010", "#ffd600", "#000000", "#1565c0", "#1c1c1c", "#a0a0a0",
    ),
    "light": (
        "#ffffff", "#000000", "#ffffff", "#0033cc", "#ffffff", "#64b5f6", "#e8e8e8", "#606060",
    ),
}  # fmt: skip
PRESENTATION_SCALE = 1.8  # font scale when presentation mode starts (screens <= 900 px high)
STAGE_HEIGHT = 900  # taller screens scale text in proportion (1080 px: 2.16)
DOCK_SHARE = 0.28  # of the screen width for the Scenarios dock when presenting
MIN_SCALE, MAX_SCALE, STEP = 0.6, 4.0, 1.15
VERDICT_STAGE = 1.35  # the verdict's size on stage, relative to the (already big) text


def stage_scale(window: QWidget) -> float:
    """Font scale on stage: PRESENTATION_SCALE up to 900 px of screen height, then in
    proportion, so a 1080p projector's text is as big a share of the screen as a 720p's."""
    screen = window.screen()
    height = screen.geometry().height() if screen is not None else 0
    return round(PRESENTATION_SCALE * max(1.0, height / STAGE_HEIGHT), 3)


def palette_for(theme: str) -> QPalette:
    window, text, base, highlight, high_text, _chunk, button, placeholder = COLOURS[theme]
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: button,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: button,
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.ToolTipBase: base,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: high_text,
        QPalette.ColorRole.PlaceholderText: placeholder,  # a hint, not a typed value
        QPalette.ColorRole.BrightText: highlight,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#808080"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#808080"))
    return palette


def stylesheet_for(theme: str, presenting: bool, point_size: float | None = None) -> str:
    """Colours of a theme, tall bars when presenting, and text size when scaled.

    With an application stylesheet in place, ``QApplication.setFont`` no longer reaches
    widgets that were already polished, so a scaled size is set here too; the scenario
    title and verdict stay a step larger than the rest.
    """
    rules = []
    verdict = VERDICT_STAGE if presenting else 1.15
    if point_size is not None:
        rules.append(
            f"QWidget {{ font-size: {point_size:.1f}pt; }}"
            f" #scenarioTitle {{ font-size: {point_size * 1.35:.1f}pt; font-weight: bold; }}"
            f" #scenarioVerdict {{ font-size: {point_size * 1.15:.1f}pt; }}"
            f" #verdictLabel {{ font-size: {point_size * verdict:.1f}pt; font-weight: bold; }}"
        )
    if theme in COLOURS:
        _window, text, base, _highlight, _high, chunk, _button, _hint = COLOURS[theme]
        rules.append(
            f"QProgressBar {{ border: 2px solid {text}; background: {base}; color: {text};"
            f" text-align: center; }}"
            f" QProgressBar::chunk {{ background: {chunk}; }}"
            f" QToolTip {{ color: {text}; background: {base}; border: 1px solid {text}; }}"
        )
    if presenting:
        rules.append("QProgressBar { min-width: 7em; font-weight: bold; }")  # height: rows
    return "\n".join(rules)


class Presentation(QObject):
    """State of the looks: theme, font scale, presenting or not; ``apply`` sets them."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.app = app
        self.base_font = QFont(app.font())
        self.base_palette = QPalette(app.palette())
        self.base_stylesheet = app.styleSheet()
        settings = app_settings()
        theme = str(settings.value("view/theme", "system"))
        self.theme = theme if theme in THEMES else "system"
        try:
            scale = float(settings.value("view/fontScale", 1.0))  # type: ignore[arg-type]  # QSettings: object
        except (TypeError, ValueError):
            scale = 1.0
        self.scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        self.normal_scale = self.scale
        self.presenting = False
        self._was_maximized = False
        self._normal_layout: tuple[QByteArray, QByteArray] | None = None
        self._dock_minimum: tuple[int, int] | None = None
        self._normal_rect = QRect()
        self.stage = Stage(window)
        font, palette, sheet = self.base_font, self.base_palette, self.base_stylesheet
        self._applied: list[str] = []  # the stylesheet apply() set last, if it ran
        applied = self._applied

        def restore() -> None:  # the looks are application-wide: undo them with the window
            if not applied or app.styleSheet() != applied[-1]:
                # Nothing set, or another window's looks since (the next test's window,
                # presenting already when this one's deletion came through): keep them.
                return
            # Only what was changed: each of these re-polishes every widget of the app.
            if app.styleSheet() != sheet:
                app.setStyleSheet(sheet)
            if app.font() != font:
                app.setFont(font)
            if app.palette() != palette:
                app.setPalette(palette)
            chart_theme.set_theme("system")  # charts of a next window start plain

        # Not inside the window's destructor: QWidget::~QWidget emits ``destroyed`` while
        # the window is half gone, and re-polishing every widget then walks into it (a
        # segfault in setStyleSheet, 1 in 4 full runs on Python 3.14). Once the event
        # loop is back, the window is gone and every widget left is whole.
        window.destroyed.connect(lambda: QTimer.singleShot(0, app, restore))

    # -- actions -----------------------------------------------------------------

    def toggle(self, on: bool | None = None) -> None:
        """Enter or leave presentation mode (F11); leaving puts the layout back exactly."""
        on = (not self.presenting) if on is None else on
        if on == self.presenting:
            return
        self.presenting = on
        w = self.window_
        if on:
            self._normal_layout = (w.saveGeometry(), w.saveState())
            self._normal_rect = w.geometry()
            self.normal_scale = self.scale
            self.scale = max(self.scale, stage_scale(w))
            self._was_maximized = w.isMaximized()
            self.stage.enter()  # settings and lesson step aside: bars, verdict, chart
            self.apply()
            w.showFullScreen()
            self.stage.fit()
        else:
            self.scale = self.normal_scale
            # the window's own text size first: what the stage gives back (the tab bar's
            # font, the Compare table's row heights) is measured in it
            self.apply()
            self.stage.leave()
            if self._was_maximized:
                w.showMaximized()
            else:
                w.showNormal()
            self._restore_layout()
            # A window manager leaves full screen asynchronously: put it back once more.
            QTimer.singleShot(0, self, self._restore_layout)

    def normal_layout(self) -> tuple[QByteArray, QByteArray] | None:
        """Geometry and dock state from before presentation mode (None when not presenting).

        Saved on quit instead of the presentation layout, which is never the normal one.
        """
        return self._normal_layout if self.presenting else None

    def _size_dock(self) -> None:
        """The bars keep most of the width; the lesson gets a readable column."""
        w = self.window_
        dock = self._scenario_dock()
        if dock is None or not dock.isVisible() or dock.isFloating():
            return
        screen = w.screen()
        width = int(
            (screen.availableGeometry().width() if screen is not None else w.width()) * DOCK_SHARE
        )
        # Its widest row (the Code tab's buttons) may be cut rather than squeeze the bars.
        self._dock_minimum = (dock.minimumWidth(), dock.widget().minimumWidth())
        narrow = min(width, dock.widget().minimumSizeHint().width())
        dock.widget().setMinimumWidth(narrow)
        dock.setMinimumWidth(narrow)
        w.resizeDocks([dock], [width], Qt.Orientation.Horizontal)

    def _scenario_dock(self) -> QDockWidget | None:
        browser = self.window_.extensions.find(ScenarioBrowser)
        return browser.dock if browser is not None else None

    def _restore_layout(self) -> None:
        if self.presenting or self._normal_layout is None:
            return
        _geometry, state = self._normal_layout
        w = self.window_
        dock = self._scenario_dock()
        if dock is not None and self._dock_minimum is not None:
            dock.setMinimumWidth(self._dock_minimum[0])  # their own minimum again
            dock.widget().setMinimumWidth(self._dock_minimum[1])
            self._dock_minimum = None
        # Hidden tab pages keep the minimum sizes of the big fonts until laid out again.
        for widget in w.findChildren(QWidget):
            widget.updateGeometry()  # drops the size its layout item cached
            layout = widget.layout()
            # (a layout whose address Qt reused can come back as another wrapper: skip it)
            if isinstance(layout, QLayout) and not isinstance(layout, QSpacerItem):
                layout.invalidate()
                layout.activate()  # re-measures its nested layouts too, even when hidden
        w.restoreState(state)
        self.stage.restore_splitters()
        if not self._was_maximized:
            # Exactly where it was: restoreGeometry would fit it to the screen it knows.
            w.setGeometry(self._normal_rect)

    def toggle_sides(self) -> None:
        """F12 while presenting: the settings and the lesson come back, or go again."""
        if not self.presenting:
            return
        self.stage.toggle_sides()
        if self.stage.sides_shown:
            self._size_dock()

    def bigger(self) -> None:
        self.set_scale(self.scale * STEP)

    def smaller(self) -> None:
        self.set_scale(self.scale / STEP)

    def set_scale(self, scale: float) -> None:
        self.scale = round(min(MAX_SCALE, max(MIN_SCALE, scale)), 3)
        if not self.presenting:
            self.normal_scale = self.scale
        self.apply()

    def set_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}")
        self.theme = theme
        self.apply()

    # -- effect ------------------------------------------------------------------

    def font_point_size(self) -> float:
        base = self.base_font.pointSizeF()
        return (base if base > 0 else 10.0) * self.scale

    def apply(self) -> None:
        font = QFont(self.base_font)
        font.setPointSizeF(self.font_point_size())
        self.app.setFont(font)
        if self.theme in COLOURS:
            self.app.setPalette(palette_for(self.theme))
        else:
            self.app.setPalette(self.base_palette)
        scaled = abs(self.scale - 1.0) > 1e-6
        sheet = stylesheet_for(
            self.theme, self.presenting, self.font_point_size() if scaled else None
        )
        self.app.setStyleSheet("\n".join(s for s in (self.base_stylesheet, sheet) if s))
        self._applied[:] = [self.app.styleSheet()]
        self.stage.fit_tabs()  # the tab bar keeps a size the new sheet dropped otherwise
        browser = self.window_.extensions.find(ScenarioBrowser)
        if browser is not None:
            browser.refresh_fonts()
        chart_theme.set_theme(self.theme, self.window_)
        if self.window_.verdictLabel.isVisibleTo(self.window_):
            self.window_.show_verdict()  # briefer on stage, whole again after it
        workers = self.window_.workersView
        workers.bar_lines = STAGE_BAR_LINES if self.presenting else BAR_LINES
        workers.recolour()
        settings = app_settings()
        settings.setValue("view/theme", self.theme)
        settings.setValue("view/fontScale", self.normal_scale)
        self.window_.statusLabel.setText(
            "Presentation mode: F11 to leave, Ctrl+plus / Ctrl+minus for size"
            if self.presenting
            else f"Text size {self.scale:.0%} ({THEMES[self.theme]})"
        )


def let_combos_shrink(window: MainWindow, chars: int = 12) -> None:
    """Combo boxes ask for ``chars`` characters, not their longest item.

    A long item (a scenario title) at presentation font size otherwise made a dock, and
    so the window, wider than the screen; the popup list still shows whole items.
    """
    for combo in window.findChildren(QComboBox):
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(chars)
        # Its size was cached before it was polished (4 px narrower than after any later
        # change of looks): leaving F11 could then not put the layout back exactly.
        combo.ensurePolished()
        QApplication.sendEvent(combo, QEvent(QEvent.Type.StyleChange))
    # The rows holding them cached the long items' widths, and a dock keeps the widest
    # minimum its layout ever set (the lesson's dock: 618 px for 412 of content, so
    # normal mode needed 1361 px, wider than a 1280 px screen): measure again.
    # Every layout, nested ones too (a nested layout is its parent layout's QObject
    # child): found as QObjects, never by walking QLayoutItems from Python, whose
    # wrappers crashed the 3.14 suite once (segfault under PySide6 6.12 in this loop).
    for layout in window.findChildren(QLayout):
        layout.invalidate()
    for dock in window.findChildren(QDockWidget):
        dock.setMinimumSize(0, 0)  # its layout sets the content's minimum again


def install(window: MainWindow) -> None:
    let_combos_shrink(window)
    presentation = window.extensions.add(Presentation(window))
    view = window.menus["View"]
    view.addSeparator()
    mode = window.add_action(
        "presentationAction", "&Presentation mode", ["F11"],
        "Full screen, big fonts and bars for a talk or a lab (F11 to leave)",
    )  # fmt: skip
    mode.setCheckable(True)
    mode.toggled.connect(presentation.toggle)
    bigger = window.add_action(
        "fontBiggerAction", "&Bigger text", ["Ctrl++", "Ctrl+="],
        "Larger text everywhere (Ctrl+plus)", presentation.bigger,
    )  # fmt: skip
    smaller = window.add_action(
        "fontSmallerAction", "&Smaller text", ["Ctrl+-"],
        "Smaller text everywhere (Ctrl+minus)", presentation.smaller,
    )  # fmt: skip
    sides = window.add_action(
        "stageSidesAction", "Settings and &lesson (presenting)", ["F12"],
        "In presentation mode the bars, the verdict and one chart own the screen; F12 "
        "brings back the Workers settings and the scenario lesson, F12 again hides them",
        presentation.toggle_sides,
    )  # fmt: skip
    for action in (mode, sides, bigger, smaller):
        view.addAction(action)
    themes = view.addMenu("&Theme")
    group = QActionGroup(window)
    group.setExclusive(True)
    for i, (key, label) in enumerate(THEMES.items(), 1):
        action = window.add_action(
            f"theme{key.capitalize()}Action", label, [f"Ctrl+Alt+{i}"],
            f"{label}: pick the one the room's projector shows best (Ctrl+Alt+{i})",
            lambda _=False, k=key: presentation.set_theme(k),
        )  # fmt: skip
        action.setCheckable(True)
        action.setChecked(key == presentation.theme)
        group.addAction(action)
        themes.addAction(action)
    if presentation.theme != "system" or presentation.scale != 1.0:
        presentation.apply()
