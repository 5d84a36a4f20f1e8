"""Driving the window the way a person does: set widgets, press buttons, wait."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QProgressBar

from concurrency_explorer.gui import MainWindow

OPENED: list[MainWindow] = []  # shut down after each test by conftest.py


def make_window(qtbot: Any) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)  # pytest-qt closes it at teardown (after any run has ended)
    OPENED.append(window)
    assert not window.measureBaselineCheck.isChecked(), "MainWindow() runs once per press"
    return window


def shown_window(
    qtbot: Any,
    mode: str = "thread",
    workers: int = 2,
    count: int = 60,
    kind: str = "cpu",
    tab: str | None = None,
) -> MainWindow:
    """A window on screen (charts build on first show), configured, on ``tab``."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    panel = window.configPanel
    choose(panel.modeCombo, mode)
    panel.workersSpin.setValue(workers)
    panel.countSpin.setValue(count)
    choose(panel.kindCombo, kind)
    if tab is not None:
        select_tab(window, tab)
    return window


def select_tab(window: MainWindow, title: str) -> None:
    tabs = window.viewTabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == title))


def choose(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered by {combo.objectName()}"
    combo.setCurrentIndex(index)


def configure(
    window: MainWindow,
    *,
    mode: str,
    method: str | None = None,
    workers: int = 2,
    count: int = 10,
    counts: str = "",
    kind: str = "cpu",
) -> None:
    panel = window.configPanel
    choose(panel.modeCombo, mode)
    if method is not None:
        choose(panel.startMethodCombo, method)
    panel.workersSpin.setValue(workers)
    panel.countSpin.setValue(count)
    panel.countsEdit.setText(counts)
    choose(panel.kindCombo, kind)


def run_and_wait(qtbot: Any, window: MainWindow, timeout_ms: int = 60_000) -> dict[str, Any]:
    """Press Run and wait until the whole press is over (baseline and chosen run)."""
    records: list[dict[str, Any]] = []
    window.controller.finished.connect(records.append)
    qtbot.mouseClick(window.runButton, _left())
    qtbot.waitUntil(lambda: not window.controller.is_running and bool(records), timeout=timeout_ms)
    window.controller.finished.disconnect(records.append)
    return records[-1]


def bar(window: MainWindow, i: int) -> QProgressBar:
    widget = window.findChild(QProgressBar, f"workerProgress{i}")
    assert widget is not None, f"no workerProgress{i}"
    return widget


def state(window: MainWindow, i: int) -> str:
    widget = window.findChild(QLabel, f"workerState{i}")
    assert widget is not None, f"no workerState{i}"
    return widget.text()


def _left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
