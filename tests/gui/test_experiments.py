"""Experiments: save / open round trip, drag and drop, recent files, bad files, QSettings."""

from __future__ import annotations

import json

import PySide6
import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.experiment_file import SCHEMA
from concurrency_explorer.gui.experiments import Experiments
from concurrency_explorer.gui.presentation import Presentation

from .helpers import make_window

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

LAB = RunConfig(
    mode="thread", workers=3, counts=(10, 20, 30), kind="io", step_sleep_s=0.05, queue_size=64
)


def test_save_and_open_round_trip(qtbot, tmp_path):
    window = make_window(qtbot)
    window.configPanel.set_config(LAB)
    saved = window.extensions.get(Experiments).save_experiment(tmp_path / "lab")
    assert saved == tmp_path / "lab.json"
    data = json.loads(saved.read_text())
    assert data["schema"] == SCHEMA and data["config"]["counts"] == [10, 20, 30]
    other = make_window(qtbot)
    other.configPanel.set_config(RunConfig())
    assert other.extensions.get(Experiments).open_experiment(saved) == LAB
    assert other.configPanel.config() == LAB
    assert "lab.json" in other.statusLabel.text()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"schema": "something/else", "config": {}}', "not a Concurrency Explorer experiment"),
        (json.dumps({"schema": SCHEMA, "config": {"workers": 0}}), "workers: 0 is less than"),
        (json.dumps({"schema": SCHEMA, "config": {"mode": "thread", "bogus": 1}}), "bogus"),
    ],
)
def test_a_bad_file_gives_a_message_and_keeps_what_was_open(qtbot, tmp_path, content, expected):
    window = make_window(qtbot)
    window.configPanel.set_config(LAB)
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert window.extensions.get(Experiments).open_experiment(bad) is None
    box = window.findChild(QMessageBox, "experimentErrorBox")
    assert box is not None and box.isVisible()
    assert expected in box.text() and "\n" not in box.text()
    assert expected in window.statusLabel.text()
    assert window.configPanel.config() == LAB
    box.close()


def test_missing_and_huge_files_are_refused(qtbot, tmp_path):
    window = make_window(qtbot)
    assert window.extensions.get(Experiments).open_experiment(tmp_path / "nope.json") is None
    assert "nope.json: cannot open" in window.statusLabel.text()
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (5 << 20))  # over core.experiment.MAX_FILE_BYTES (4 MiB)
    assert window.extensions.get(Experiments).open_experiment(huge) is None
    assert "5,242,880 bytes" in window.statusLabel.text()
    window.extensions.get(Experiments).error_box.close()


def _drop(window, path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    pos = QPoint(50, 50)
    # Qt 6.12 takes the position as a QPointF and deprecates the QPoint constructor,
    # the only one older Qt has
    at = pos.toPointF() if PySide6.__version_info__[:2] >= (6, 12) else pos
    enter = QDragEnterEvent(
        at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0)
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        pos.toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier(0),
    )
    QApplication.sendEvent(window, drop)


def test_drop_a_file_on_the_window_and_find_it_in_recent(qtbot, tmp_path):
    window = make_window(qtbot)
    path = tmp_path / "dropped.json"
    path.write_text(json.dumps({"schema": SCHEMA, "config": LAB.to_dict()}))
    assert window.acceptDrops()
    _drop(window, path)
    assert window.configPanel.config() == LAB
    assert window.extensions.get(Experiments).recent()[0] == str(path.resolve())
    menu = window.findChild(type(window.menus["File"]), "recentExperimentsMenu")
    window.extensions.get(Experiments).fill_recent_menu(menu)
    assert [a.text() for a in menu.actions()] == ["&1 dropped.json"]


def test_a_run_record_opens_as_an_experiment(qtbot, tmp_path):
    window = make_window(qtbot)
    record = {"schema": "concurrency-explorer/run/1", "config": LAB.to_dict(), "workers": []}
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    assert window.extensions.get(Experiments).open_experiment(path) == LAB


def test_settings_remember_geometry_theme_and_last_configuration(qtbot):
    window = make_window(qtbot)
    window.resize(900, 640)
    window.show()
    qtbot.waitExposed(window)
    window.extensions.get(Presentation).set_theme("dark")
    window.configPanel.set_config(LAB)
    window.extensions.get(Experiments).remember(window.configPanel.config())
    size = (window.width(), window.height())  # the offscreen screen may clamp the resize
    window.close()
    again = make_window(qtbot)
    assert again.configPanel.config() == LAB
    assert again.extensions.get(Presentation).theme == "dark"
    # restoreGeometry fits the window to the screen (offscreen's is 800 px wide)
    assert again.height() == size[1] and 0 < again.width() <= size[0]
    from concurrency_explorer.gui.settings import app_settings

    assert app_settings().value("window/geometry")


def test_a_device_a_fifo_or_a_folder_is_refused_without_blocking(qtbot, tmp_path):
    import os

    window = make_window(qtbot)
    window.configPanel.set_config(LAB)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # opening it for reading would block the GUI thread forever
    for path, words in (("/dev/zero", "not a regular file"), (fifo, "not a regular file"),
                        (tmp_path, "is a folder")):  # fmt: skip
        assert window.extensions.get(Experiments).open_experiment(path) is None
        assert words in window.statusLabel.text()
        assert window.configPanel.config() == LAB  # what was open is kept
        window.extensions.get(Experiments).error_box.close()
