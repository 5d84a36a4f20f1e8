"""The start-up probe: the real app, started as a user would, paints and quits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from concurrency_explorer.gui.startup_probe import ENV

SRC = Path(__file__).resolve().parents[2] / "src"


def test_app_prints_first_paint_and_quits():
    env = dict(os.environ, PYTHONPATH=str(SRC), QT_QPA_PLATFORM="offscreen", **{ENV: "1"})
    result = subprocess.run(
        [sys.executable, "-m", "concurrency_explorer"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    word, seconds = result.stdout.split()
    assert word == "first-paint"
    assert 0 < float(seconds) < 60


def test_without_the_variable_the_probe_stays_off(qtbot, monkeypatch):
    from PySide6.QtWidgets import QWidget

    from concurrency_explorer.gui import startup_probe

    monkeypatch.delenv(ENV, raising=False)
    widget = QWidget()
    qtbot.addWidget(widget)
    assert startup_probe.install(widget) is False
