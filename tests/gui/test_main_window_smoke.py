"""The window runs the core and shows it: a first end-to-end check (more in test_window)."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar

from concurrency_explorer.gui import MainWindow


def test_window_runs_page_counts_as_processes(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.windowTitle() == "Concurrency Explorer"
    window.measureBaselineCheck.setChecked(False)  # one run, not baseline + run
    window.configPanel.countsEdit.setText("10,20")
    window.start_run()
    with qtbot.waitSignal(window.controller.finished, timeout=30_000) as blocker:
        pass
    record = blocker.args[0]
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
    bars = [window.findChild(QProgressBar, f"workerProgress{i}") for i in range(2)]
    assert [(b.value(), b.maximum()) for b in bars] == [(10, 10), (20, 20)]
    assert f"{record['wall_s']:.2f}" in window.resultsView.toPlainText()
    assert window.runButton.isEnabled() and not window.stopButton.isEnabled()
