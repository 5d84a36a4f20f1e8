"""File menu exports: run record JSON, per-worker CSV, Chrome trace, PNG of window or chart.

The files are built by ``core.exports`` (the same bytes ``run --csv/--trace``
writes); every file, PNGs too, is written by ``core.atomic``: whole or not at
all, and never over a FIFO, a device or a folder. ``export(kind, path)`` is the
testable core of each action; the actions only add a save dialog in front of it.
The run exported is the one the window shows: the latest, or after a scenario the
run its verdict is about (``MainWindow.pastRunShown``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtGui import QAction, QPixmap
from PySide6.QtWidgets import QFileDialog, QWidget

from ..core import exports
from ..core.atomic import atomic_write_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

#: kind -> (menu text, shortcut, file filter, default suffix, tooltip)
KINDS: dict[str, tuple[str, str, str, str, str]] = {
    "record": (
        "Export run &record (JSON)…", "Ctrl+Shift+J", "JSON (*.json)", ".json",
        "Save the run the window shows (the latest; after a scenario, the run its verdict "
        "is about) as its run/1 record: config, environment, wall time, speedup, "
        "per-worker metrics. The same file `run --record` writes.",
    ),
    "csv": (
        "Export workers as &CSV…", "Ctrl+Alt+C", "CSV (*.csv)", ".csv",
        "One row per worker (id, count, wall_s, cpu_s, start_latency_s, cpu_share, ...) "
        "for a spreadsheet. cpu_share near 1 means the worker had a core to itself.",
    ),
    "trace": (
        "Export Chrome &trace…", "Ctrl+Shift+T", "Trace (*.json)", ".trace.json",
        "A Trace Event file: open it in ui.perfetto.dev or chrome://tracing to see each "
        "worker's start-up and run on its own track, and its remaining steps as a counter.",
    ),
    "chart": (
        "Save current &chart as PNG…", "Ctrl+Shift+P", "PNG image (*.png)", ".png",
        "A picture of the view shown in the tabs (timeline, CPU, queue, sweep...).",
    ),
    "window": (
        "Save &window as PNG…", "Ctrl+Shift+S", "PNG image (*.png)", ".png",
        "A picture of the whole window, as it is now.",
    ),
}  # fmt: skip
NEEDS_RUN = ("record", "csv", "trace")


class ExportActions(QObject):
    """The actions and what they do; enabled once a run has finished."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main = window
        self.actions: dict[str, QAction] = {}
        # a past run the window shows (record, Run): exported instead of the latest
        self.past: tuple[dict[str, Any], Any] | None = None
        menu = window.menus["File"]
        first = menu.actions()[0] if menu.actions() else None
        for kind, (text, keys, _filter, _suffix, tip) in KINDS.items():
            action = window.add_action(
                f"export{kind.capitalize()}Action", text, [keys], f"{tip} ({keys})",
                lambda _checked=False, k=kind: self.ask_and_export(k),
            )  # fmt: skip
            action.setStatusTip(tip)  # the shortcut is in the menu already
            if first is None:
                menu.addAction(action)
            else:
                menu.insertAction(first, action)
            self.actions[kind] = action
        if first is not None:
            menu.insertSeparator(first)
        window.controller.finished.connect(lambda _record: self._sync())
        window.pastRunShown.connect(self._show_past)
        window.controller.started.connect(self._show_latest)
        window.wasReset.connect(self._show_latest)
        self._sync()

    def _show_past(self, run: Any, record: dict[str, Any], _caption: str) -> None:
        self.past = (record, run if run is not None and run.finished else None)

    def _show_latest(self, *_: object) -> None:
        self.past = None

    def _sync(self) -> None:
        has_run = bool(self.main.controller.history)
        for kind in NEEDS_RUN:
            self.actions[kind].setEnabled(has_run)

    def shown(self) -> tuple[dict[str, Any], Any]:
        """The record of the run the window shows, and its Run if it is still at hand:
        a past run's (a scenario's main run), else the latest finished one."""
        if self.past is not None:
            return self.past
        record = self.main.controller.history[-1]
        run = self.main.controller.run
        if run is None or run.epoch0 != record.get("started_at") or not run.finished:
            run = None
        return record, run

    def export(self, kind: str, path: str | os.PathLike[str]) -> Path:
        """Write ``kind`` to ``path`` (atomically). Raises LookupError with no finished run."""
        if kind == "window":
            return save_png(self.main, path)
        if kind == "chart":
            return save_png(self.current_chart(), path)
        if not self.main.controller.history:
            raise LookupError("no finished run to export yet: press Run first")
        record, run = self.shown()
        if kind == "record":
            text = exports.record_json(record)
        elif kind == "csv":
            text = exports.workers_csv(record)
        elif kind == "trace":
            text = exports.chrome_trace_json(record, exports.run_samples(run) if run else None)
        else:
            raise ValueError(f"unknown export {kind!r}")
        return exports.write_atomic(path, text)

    def current_chart(self) -> QWidget:
        """The current tab: every plot in it (Queue has two, CPU cores two) with its
        heading, which says what was run. Only the window when no tab is shown."""
        return self.main.viewTabs.currentWidget() or self.main

    def ask_and_export(self, kind: str) -> None:
        text, _keys, file_filter, suffix, _tip = KINDS[kind]
        path, _ = QFileDialog.getSaveFileName(
            self.main, text.replace("&", "").rstrip("…"), f"concurrency-run{suffix}", file_filter
        )
        if not path:
            return
        try:
            written = self.export(kind, path)
        except (OSError, LookupError, ValueError) as exc:
            self.main.statusBar().showMessage(f"Export failed: {exc}", 8000)
            return
        self.main.statusBar().showMessage(f"Saved {written}", 5000)


PNG_SCALE = 2.0  # slides and reports: a chart tab is a few hundred pixels on screen


def crisp_grab(widget: QWidget) -> QPixmap:
    """``widget`` drawn at ``PNG_SCALE`` times the screen's pixel density."""
    ratio = max(widget.devicePixelRatioF(), PNG_SCALE)
    pixmap = QPixmap(widget.size() * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(widget.palette().window().color())
    widget.render(pixmap)
    return pixmap


def save_png(widget: QWidget, path: str | os.PathLike[str]) -> Path:
    """``widget`` drawn as PNG, written like every other file (``core.atomic``)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not crisp_grab(widget).save(buffer, "PNG"):
        raise OSError(f"could not make a PNG of {widget.objectName() or 'the window'}")
    buffer.close()
    return atomic_write_bytes(path, bytes(data.data()))


def install(window: MainWindow) -> None:
    window.extensions.add(ExportActions(window))
