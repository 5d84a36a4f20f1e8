"""Worker rows: a stalled marker and a one-click End; after Stop, what it had to do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton

from concurrency_explorer.core import RunConfig
from concurrency_explorer.gui import autorun

from .helpers import make_window

pytestmark = pytest.mark.gui


def start(qtbot, window, config: RunConfig, stall_after_s: float = 0.3):
    window.controller.stall_after_s = stall_after_s
    window.configPanel.set_config(config)
    assert window.start_run() is not None


def widgets(window, i: int) -> tuple[QToolButton, QLabel]:
    button = window.findChild(QToolButton, f"workerEnd{i}")
    mark = window.findChild(QLabel, f"workerStalled{i}")
    assert button is not None and mark is not None
    return button, mark


@pytest.mark.parametrize(
    ("fault", "signal_name"), [("hang", "SIGTERM"), ("ignore-term", "SIGKILL")]
)
def test_a_stalled_worker_is_marked_and_ended_with_one_click(qtbot, fault, signal_name):
    window = make_window(qtbot)
    config = RunConfig.build(mode="process", workers=2, counts=[400, 600], faults={0: fault})
    start(qtbot, window, config)
    button, mark = widgets(window, 0)
    qtbot.waitUntil(lambda: "stalled" in mark.text() and button.isEnabled(), timeout=60_000)
    assert "Threads cannot" not in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=60_000)
    record = window.controller.history[-1]
    assert record["workers"][0]["state"] == "stopped" and record["workers"][0]["stalled"]
    assert record["workers"][1]["state"] == "done"
    assert f"ended ({signal_name})" in mark.text()
    assert not button.isEnabled()


def test_stop_says_what_it_had_to_do(qtbot):
    window = make_window(qtbot)
    config = RunConfig.build(mode="process", workers=2, counts=[400, 10**8], faults={0: "hang"})
    start(qtbot, window, config)
    _, mark = widgets(window, 0)
    qtbot.waitUntil(lambda: "stalled" in mark.text(), timeout=60_000)
    window.stop_run()
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=60_000)
    assert "they got SIGTERM" in window.statusLabel.text()


def test_autorun_starts_an_experiment_file(qtbot, tmp_path):
    from concurrency_explorer.core.experiment import save_experiment

    window = make_window(qtbot)
    path = save_experiment(tmp_path / "e.json", RunConfig.build(mode="thread", counts=[3, 4]))
    assert autorun.start(window, str(path))
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=60_000)
    assert window.controller.history[-1]["config"]["counts"] == [3, 4]
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    assert not autorun.start(window, str(bad))
    assert "Autorun:" in window.statusLabel.text() and "JSON object" in window.statusLabel.text()
