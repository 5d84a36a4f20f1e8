"""The window asks before a file's ``python`` or ``scheduler`` is taken; No is the default.

Every way a file reaches the window is covered: File > Open, a drop, Open recent,
autorun. The rest of the file always loads. No test dials a scheduler.
"""

from __future__ import annotations

import json
import shlex
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from concurrency_explorer.core.experiment import EXPERIMENT_SCHEMA
from concurrency_explorer.gui import autorun
from concurrency_explorer.gui.experiments import Experiments

from .helpers import make_window
from .test_experiments import _drop

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),  # offscreen dialogs
]

OFF_MACHINE = "tcp://192.0.2.7:8786"  # TEST-NET-1: never routed, never dialled here


def payload(tmp_path):
    mark = tmp_path / "RAN"
    script = tmp_path / "payload.sh"
    script.write_text(f'#!/bin/sh\ntouch {shlex.quote(str(mark))}\nexec {sys.executable} "$@"\n')
    script.chmod(0o755)
    return script, mark


def experiment(tmp_path, **config):
    path = tmp_path / "talk.json"
    data = {"mode": "thread", "workers": 2, "counts": [7, 9], **config}
    path.write_text(json.dumps({"schema": EXPERIMENT_SCHEMA, "config": data}))
    return path


def shown_questions(window) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox, "consentDialog") if b.isVisible()]


def question(window) -> QMessageBox:
    (box,) = shown_questions(window)  # exactly one question at a time
    return box


def no_question(window) -> bool:
    return not shown_questions(window)


def test_open_shows_the_exact_path_and_enter_means_no(qtbot, tmp_path):
    window = make_window(qtbot)
    window.show()
    script, mark = payload(tmp_path)
    config = window.extensions.get(Experiments).open_experiment(
        experiment(tmp_path, python=str(script))
    )
    assert config is not None and config.python is None  # what loaded at once
    panel = window.configPanel
    assert panel.config().counts == (7, 9)  # the rest of the file is there
    box = question(window)
    assert str(script) in box.text().splitlines()  # the exact path, on its own line
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert box.textFormat() == Qt.TextFormat.PlainText
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: no_question(window))
    assert panel.pythonEdit.text() == ""
    assert panel.config().python is None and panel.config().counts == (7, 9)
    assert "without its python (not allowed)" in window.statusLabel.text()
    assert not mark.exists()


def test_yes_takes_the_path_into_the_field(qtbot, tmp_path):
    window = make_window(qtbot)
    window.show()
    script, mark = payload(tmp_path)
    window.extensions.get(Experiments).open_experiment(experiment(tmp_path, python=str(script)))
    box = question(window)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: no_question(window))
    assert window.configPanel.pythonEdit.text() == str(script)
    assert window.configPanel.config().python == str(script)
    assert not mark.exists()  # allowed, not run: running is the person's next step


def test_a_scheduler_off_this_machine_is_said_so(qtbot, tmp_path):
    window = make_window(qtbot)
    window.show()
    window.extensions.get(Experiments).open_experiment(
        experiment(tmp_path, mode="dask", scheduler=OFF_MACHINE)
    )
    box = question(window)
    assert OFF_MACHINE in box.text().splitlines()
    assert "not on this machine" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: no_question(window))
    assert window.configPanel.schedulerEdit.text() == ""
    assert window.configPanel.config().mode == "dask"


def test_a_scheduler_on_this_machine_is_not_called_remote(qtbot, tmp_path):
    window = make_window(qtbot)
    window.show()
    local = "tcp://127.0.0.1:8786"
    window.extensions.get(Experiments).open_experiment(
        experiment(tmp_path, mode="dask", scheduler=local)
    )
    box = question(window)
    assert local in box.text().splitlines() and "not on this machine" not in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: no_question(window))


def test_a_drop_and_a_recent_file_ask_too(qtbot, tmp_path):
    window = make_window(qtbot)
    window.show()
    script, mark = payload(tmp_path)
    path = experiment(tmp_path, python=str(script))
    _drop(window, path)
    qtbot.keyClick(question(window), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: no_question(window))
    assert window.configPanel.pythonEdit.text() == ""
    menu = window.findChild(type(window.menus["File"]), "recentExperimentsMenu")
    window.extensions.get(Experiments).fill_recent_menu(menu)
    menu.actions()[0].trigger()
    qtbot.keyClick(question(window), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: no_question(window))
    assert window.configPanel.pythonEdit.text() == ""
    assert not mark.exists()


def test_autorun_asks_and_runs_without_the_program_on_no(qtbot, tmp_path):
    window = make_window(qtbot)
    window.show()
    script, mark = payload(tmp_path)
    assert autorun.start(window, str(experiment(tmp_path, python=str(script))))
    assert not window.controller.is_running  # nothing runs before the answer
    qtbot.keyClick(question(window), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.controller.history), timeout=60_000)
    record = window.controller.history[-1]
    assert record["config"]["python"] is None and record["config"]["counts"] == [7, 9]
    assert not mark.exists()


def test_the_window_never_remembers_a_files_program(qtbot, tmp_path):
    window = make_window(qtbot)
    window.show()
    script, _ = payload(tmp_path)
    window.extensions.get(Experiments).open_experiment(experiment(tmp_path, python=str(script)))
    qtbot.mouseClick(
        question(window).button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: no_question(window))
    window.close()
    again = make_window(qtbot)
    assert again.configPanel.pythonEdit.text() == ""
    assert again.configPanel.config().counts == (7, 9)
