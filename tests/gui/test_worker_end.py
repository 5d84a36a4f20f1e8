"""Worker rows: a stalled marker and a one-click End; after Stop, what it had to do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton
from tests import runs

from concurrency_explorer.core import RunConfig
from concurrency_explorer.gui import autorun

from .helpers import make_window

pytestmark = pytest.mark.gui


def start(qtbot, window, config: RunConfig, stall_after_s: float | None = None):
    window.controller.stall_after_s = stall_after_s
    window.configPanel.set_config(config)
    assert window.start_run() is not None


def widgets(window, i: int) -> tuple[QToolButton, QLabel]:
    button = window.findChild(QToolButton, f"workerEnd{i}")
    mark = window.findChild(QLabel, f"workerStalled{i}")
    assert button is not None and mark is not None
    return button, mark


def at_fault(window, worker_id: int) -> bool:
    """The worker reached its injected fault (see tests/runs.py ``at_fault``)."""
    run = window.controller.run
    return run is not None and runs.at_fault(run, worker_id)


@pytest.mark.parametrize(
    ("fault", "signal_name", "took"),
    [("hang", "SIGTERM", "terminate"), ("ignore-term", "SIGKILL", "kill")],
)
def test_a_hung_worker_is_ended_with_one_click(qtbot, monkeypatch, fault, signal_name, took):
    runs.ladder_stops_at(monkeypatch, took)
    window = make_window(qtbot)
    config = RunConfig.build(mode="process", workers=2, counts=[400, 600], faults={0: fault})
    start(qtbot, window, config)  # no watchdog: the person ends it
    button, mark = widgets(window, 0)
    qtbot.waitUntil(lambda: at_fault(window, 0) and button.isEnabled(), timeout=60_000)
    assert "Threads cannot" not in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=60_000)
    record = window.controller.history[-1]
    assert record["workers"][0]["state"] == "stopped"
    assert record["workers"][1]["state"] == "done"
    assert f"ended ({signal_name})" in mark.text()
    assert not button.isEnabled()


@pytest.mark.parametrize(
    ("fault", "signal_name", "took"),
    [("hang", "SIGTERM", "terminate"), ("ignore-term", "SIGKILL", "kill")],
)
def test_the_watchdog_ends_a_stalled_worker_and_the_run_fails(
    qtbot, monkeypatch, fault, signal_name, took
):
    runs.ladder_stops_at(monkeypatch, took)
    window = make_window(qtbot)
    config = RunConfig.build(mode="process", workers=1, count=400, faults={0: fault})
    start(qtbot, window, config)
    button, mark = widgets(window, 0)
    qtbot.waitUntil(lambda: at_fault(window, 0), timeout=60_000)
    # the watchdog from here (a busy machine may starve a healthy worker for 0.3 s)
    window.controller.run.stall_after_s = 0.3
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=60_000)
    record = window.controller.history[-1]
    assert record["ok"] is False
    assert record["workers"][0]["state"] == "failed"
    assert record["watchdog"]["ended_workers"] == {"0": took}
    assert f"ended by the watchdog ({signal_name}): failed" in mark.text()
    assert "stalled, silent" in mark.text()
    assert "The watchdog ended worker 0" in window.statusLabel.text()
    assert mark.toolTip().startswith("The watchdog saw no message from this worker")
    assert not button.isEnabled()


def test_stop_says_what_it_had_to_do(qtbot, monkeypatch):
    runs.ladder_stops_at(monkeypatch, "terminate")
    window = make_window(qtbot)
    config = RunConfig.build(mode="process", workers=2, counts=[400, 10**8], faults={0: "hang"})
    start(qtbot, window, config)
    qtbot.waitUntil(lambda: at_fault(window, 0), timeout=60_000)
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


def test_the_watchdog_tip_is_teaching_text_from_resources_in_the_same_words():
    """Teaching text lives in resources/text (RULES), not in widget code."""
    from pathlib import Path

    from concurrency_explorer.gui import worker_end

    source = Path(worker_end.__file__).read_text(encoding="utf-8")
    for words in ("The watchdog saw no message", "Threads cannot be ended", "keep running"):
        assert words not in source, f"inline teaching text in worker_end.py: {words!r}"

    class Limits:  # what the tip reads off a run
        stall_after_s = 5.0

        def stall_limit_s(self):
            return 12.34

    assert worker_end.stalled_tip(Limits()) == (
        "The watchdog saw no message from this worker for longer than 12.3 s (at least "
        "5.0 s, more when this run's workers already had long gaps: a busy machine is slow, "
        "not hung), so it ended the worker: a run with a hung worker ends, and says it failed."
    )
    assert worker_end.END_TIP_PROCESS.startswith("End this worker now: SIGTERM to its process")
    assert worker_end.END_TIP_HOST.endswith("ends the host process and every thread in it.")
