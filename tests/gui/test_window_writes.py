"""The window's writers follow ``core.atomic`` too: exports, PNGs, experiments,
scripts and the settings file (issue 16, item 2)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from concurrency_explorer.core import RunConfig
from concurrency_explorer.gui.experiments import Experiments
from concurrency_explorer.gui.export_actions import ExportActions

from .helpers import make_window

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]


def fifo(tmp_path, name="pipe.json"):
    path = tmp_path / name
    os.mkfifo(path)
    return path


def test_png_and_experiment_saves_refuse_a_fifo_and_write_through_a_link(qtbot, tmp_path):
    window = make_window(qtbot)
    window.show()
    pipe = fifo(tmp_path, "pipe.png")
    with pytest.raises(OSError, match="FIFO"):
        window.extensions.get(ExportActions).export(
            "window", pipe
        )  # returns at once: never opens it
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    real = tmp_path / "shots" / "w.png"
    real.parent.mkdir()
    real.write_bytes(b"old")
    real.chmod(0o640)
    link = tmp_path / "latest.png"
    link.symlink_to(real)
    window.extensions.get(ExportActions).export("window", link)
    assert link.is_symlink() and not QImage(str(real)).isNull()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    window.configPanel.set_config(RunConfig.build(mode="thread", counts=[3, 4]))
    pipe = fifo(tmp_path)
    assert window.extensions.get(Experiments).save_experiment(pipe) is None
    assert "FIFO" in window.statusLabel.text() and stat.S_ISFIFO(os.lstat(pipe).st_mode)
    window.extensions.get(Experiments).error_box.close()


def test_a_fifo_as_the_settings_file_is_refused_in_one_line(tmp_path):
    """A new app, its settings file a FIFO: it says so and runs on (no hang)."""
    folder = tmp_path / "settings"
    folder.mkdir()
    os.mkfifo(folder / "settings.ini")
    code = (
        "from PySide6.QtWidgets import QApplication; app = QApplication([]);"
        "from concurrency_explorer.gui.settings import app_settings;"
        "s = app_settings(); s.setValue('k', 1); s.sync(); print(s.value('k'))"
    )
    env = {**os.environ, "CONCURRENCY_EXPLORER_SETTINGS_DIR": str(folder),
           "QT_QPA_PLATFORM": "offscreen"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    lines = [line for line in result.stderr.splitlines() if "settings not saved" in line]
    assert len(lines) == 1 and "FIFO" in lines[0]
    assert stat.S_ISFIFO(os.lstat(folder / "settings.ini").st_mode)
