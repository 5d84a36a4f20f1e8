"""The window's --python field: which modes take it, where it goes, what it remembers."""

from __future__ import annotations

import platform
import sys

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog

from concurrency_explorer.core.engines import get_engine_class, mode_names
from concurrency_explorer.gui.preferences import apply_preferences

from .helpers import configure, make_window, run_and_wait


def prefs(tmp_path):
    return QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)


def test_the_workers_run_under_the_chosen_python_and_it_is_remembered(qtbot, tmp_path):
    window = make_window(qtbot)
    apply_preferences(window, prefs(tmp_path))
    configure(window, mode="thread", workers=2, count=20)
    panel = window.configPanel
    assert panel.pythonEdit.isEnabled() and panel.pythonBrowseButton.isEnabled()
    panel.pythonEdit.setText(sys.executable)
    assert f"The host runs under {sys.executable}" in window.explainLabel.text()
    record = run_and_wait(qtbot, window)
    assert record["ok"], record["workers"]
    assert record["config"]["python"] == sys.executable
    env = record["worker_environment"]
    assert env["python"] == platform.python_version() and env["gil_enabled"] is True
    pids = {w["pid"] for w in record["workers"]}
    assert len(pids) == 1 and pids != {None}, "one host process ran both threads"
    text = window.resultsView.toPlainText()
    assert f"Workers' Python: CPython {platform.python_version()}, GIL on" in text
    assert f"--python {sys.executable}" in text
    again = make_window(qtbot)
    apply_preferences(again, prefs(tmp_path))
    assert again.configPanel.pythonEdit.text() == sys.executable


def test_only_the_modes_that_honour_them_take_the_python_and_the_scheduler(qtbot, tmp_path):
    window = make_window(qtbot)
    panel = window.configPanel
    panel.pythonEdit.setText(sys.executable)
    panel.schedulerEdit.setText("tcp://127.0.0.1:8786")
    for mode in mode_names():
        if not panel.modeCombo.model().item(panel.modeCombo.findData(mode)).isEnabled():
            continue
        configure(window, mode=mode)
        takes = "python" in get_engine_class(mode).options
        assert panel.pythonEdit.isEnabled() == takes, mode
        assert panel.config().python == (sys.executable if takes else None), mode
        if not takes:
            assert "Not used by this mode" in panel.pythonEdit.toolTip()
        dask = "scheduler" in get_engine_class(mode).options
        assert panel.schedulerEdit.isEnabled() == dask, mode
        assert panel.config().scheduler == ("tcp://127.0.0.1:8786" if dask else None), mode
    assert "free-threaded" in panel.pythonEdit.toolTip() and "3.14t" in panel.pythonEdit.toolTip()


def test_the_file_picker_fills_the_field(qtbot, monkeypatch):
    window = make_window(qtbot)
    configure(window, mode="thread")
    asked = []

    def pick(parent, caption, start, *args):
        asked.append(caption)
        return sys.executable, ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(pick))
    qtbot.mouseClick(window.configPanel.pythonBrowseButton, Qt.MouseButton.LeftButton)
    assert asked and window.configPanel.pythonEdit.text() == sys.executable
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a: ("", "")))
    qtbot.mouseClick(window.configPanel.pythonBrowseButton, Qt.MouseButton.LeftButton)
    assert window.configPanel.pythonEdit.text() == sys.executable, "cancel keeps the field"


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script as the interpreter")
def test_a_bad_python_says_why_and_the_window_keeps_working(qtbot, tmp_path):
    window = make_window(qtbot)
    configure(window, mode="thread", workers=2, count=10)
    panel = window.configPanel
    panel.pythonEdit.setText(str(tmp_path / "no-python-here"))
    assert "no such file" in panel.errorLabel.text()
    window.start_run()
    assert not window.controller.is_running and "Cannot run" in window.statusLabel.text()
    fake = tmp_path / "not-python"
    fake.write_text("#!/bin/sh\necho 'this is not python' >&2\nexit 3\n")
    fake.chmod(0o755)
    panel.pythonEdit.setText(str(fake))
    assert panel.errorLabel.text() == ""
    record = run_and_wait(qtbot, window)
    assert not record["ok"]
    text = window.resultsView.toPlainText()
    assert "exited with code 3" in text and "this is not python" in text, text
    panel.pythonEdit.clear()
    assert run_and_wait(qtbot, window)["ok"], "the window runs again without it"
