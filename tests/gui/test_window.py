"""The explorer window as a person uses it: configure, Run, watch, Stop, close, read."""

from __future__ import annotations

import os

import psutil
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.engines import get_engine_class, mode_names
from concurrency_explorer.core.environment import default_start_method, start_methods
from concurrency_explorer.gui.config_panel import parse_counts

from .helpers import bar, choose, configure, make_window, run_and_wait, state


def _modes() -> list[tuple[str, str | None]]:
    """Every registered mode; processes under every start method, other modes once."""
    modes: list[tuple[str, str | None]] = []
    for mode in mode_names():
        if not get_engine_class(mode).availability()[0]:
            continue
        if mode == "process":
            modes.extend((mode, method) for method in start_methods())
        elif get_engine_class(mode).uses_start_method:
            modes.append((mode, default_start_method()))
        else:
            modes.append((mode, None))
    return modes


MODES = _modes()


@pytest.mark.parametrize(("mode", "method"), MODES, ids=[f"{m}-{s}" for m, s in MODES])
def test_each_mode_and_method_runs_to_the_end(qtbot, mode, method):
    window = make_window(qtbot)
    configure(window, mode=mode, method=method, workers=2, counts="10,20")
    record = run_and_wait(qtbot, window)

    assert record["config"]["mode"] == mode
    assert record["config"]["start_method"] == method
    assert [(bar(window, i).value(), bar(window, i).maximum()) for i in (0, 1)] == [
        (10, 10),
        (20, 20),
    ]
    assert [state(window, i).split(" ")[0] for i in (0, 1)] == ["done", "done"]
    pids = {w["pid"] for w in record["workers"]}
    assert os.getpid() not in pids, "workers must never run inside the window's process"
    if mode == "process":
        assert len(pids) == 2
    elif mode == "dask":
        assert None not in pids  # each task ran in a Dask worker process of its own pid
    elif not get_engine_class(mode).uses_start_method:
        assert len(pids) == 1, "threads, coroutines and one-after-another share a host"
    text = window.resultsView.toPlainText()
    assert f"{record['wall_s']:.2f} s" in text
    assert "start ms" in text and "cpu s" in text and "dropped" in text
    assert window.runButton.isEnabled() and not window.stopButton.isEnabled()


def test_start_method_offers_platform_methods_marks_default_and_follows_mode(qtbot):
    window = make_window(qtbot)
    combo = window.configPanel.startMethodCombo
    offered = [combo.itemData(i) for i in range(combo.count())]
    assert offered == start_methods()
    default_label = combo.itemText(offered.index(default_start_method()))
    assert "(default)" in default_label
    assert sum("(default)" in combo.itemText(i) for i in range(combo.count())) == 1
    for i in range(combo.count()):
        assert len(str(combo.itemData(i, Qt.ItemDataRole.ToolTipRole))) > 60

    choose(window.configPanel.modeCombo, "process")
    assert combo.isEnabled()
    for mode in ("thread", "sequential"):
        choose(window.configPanel.modeCombo, mode)
        assert not combo.isEnabled()
        assert window.configPanel.config().start_method is None
    choose(window.configPanel.modeCombo, "thread")
    assert "GIL" in window.configPanel.modeCombo.toolTip()
    assert "GIL" in window.explainLabel.text()


def test_per_worker_counts_override_the_shared_count(qtbot):
    assert parse_counts("", 7, 3) == (7, 7, 7)
    assert parse_counts("10,20", 7, 2) == (10, 20)
    assert parse_counts("10,,30", 7, 3) == (10, 7, 30)
    assert parse_counts("10", 7, 3) == (10, 7, 7)
    assert parse_counts("10, 20,", 7, 2) == (10, 20)

    window = make_window(qtbot)
    panel = window.configPanel
    configure(window, mode="process", workers=3, count=5, counts="1,,3")
    assert panel.config().counts == (1, 5, 3)
    assert panel.countsPreview.text() == "Counts: 1, 5, 3"
    panel.countsEdit.setText("1,2,3,4")
    assert "4 per-worker counts for 3 workers" in panel.errorLabel.text()
    panel.countsEdit.setText("1,x")
    assert "'x'" in panel.errorLabel.text()
    window.start_run()
    assert not window.controller.is_running
    assert "Cannot run" in window.statusLabel.text()


def test_defaults_make_a_first_run_last_a_few_visible_seconds(qtbot):
    window = make_window(qtbot)
    config = window.configPanel.config()
    assert config.mode == "process" and config.kind == "cpu" and config.workers == 2
    # ~0.7 ms per cpu step on a laptop core: 3000 steps are a few seconds to watch.
    assert min(config.counts) * config.step_iterations >= 50_000_000


def test_the_app_measures_the_baseline_by_default_and_remembers_the_choice(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from concurrency_explorer.gui.preferences import apply_preferences

    path = str(tmp_path / "prefs.ini")
    window = make_window(qtbot)
    apply_preferences(window, QSettings(path, QSettings.Format.IniFormat))
    assert window.measureBaselineCheck.isChecked(), "a measured speedup by default"
    window.measureBaselineCheck.setChecked(False)
    again = make_window(qtbot)
    apply_preferences(again, QSettings(path, QSettings.Format.IniFormat))
    assert not again.measureBaselineCheck.isChecked()


def test_page_example_is_the_pages_two_workers_slow_enough_to_watch(qtbot):
    window = make_window(qtbot)
    configure(window, mode="thread", workers=5, count=999)
    qtbot.mouseClick(window.configPanel.pagePresetButton, Qt.MouseButton.LeftButton)
    config = window.configPanel.config()
    assert config.mode == "thread"
    assert config.counts == (10, 20)
    seconds_longest = max(config.counts) * config.step_sleep_s
    assert seconds_longest >= 1.5, "the page example must be slow enough to watch"
    record = run_and_wait(qtbot, window)
    assert record["wall_s"] >= 1.5
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]


def test_run_is_disabled_while_running_and_stop_ends_every_worker(qtbot):
    window = make_window(qtbot)
    configure(window, mode="process", workers=3, count=1_000_000, kind="cpu")
    qtbot.mouseClick(window.runButton, Qt.MouseButton.LeftButton)
    assert window.controller.is_running
    assert not window.runButton.isEnabled() and not window.runAction.isEnabled()
    assert window.stopButton.isEnabled()
    assert window.start_run() is None, "a second Run while running must do nothing"
    qtbot.waitUntil(
        lambda: all(state(window, i).startswith("running") for i in range(3)), timeout=30_000
    )
    pids = [w.pid for w in window.controller.run.workers]

    qtbot.mouseClick(window.stopButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=10_000)
    # The core escalates Event -> SIGTERM (0.6 s) -> SIGKILL (1.2 s); loose bound for a
    # busy CI machine, the real figure is shown to the user in the status bar.
    assert window.controller.last_stop_s is not None and window.controller.last_stop_s < 4
    assert [state(window, i).split(" ")[0] for i in range(3)] == ["stopped"] * 3
    assert not [p for p in pids if psutil.pid_exists(p) and _alive(p)]
    assert "Stopped after" in window.statusLabel.text()
    assert "stopped after" in window.resultsView.toPlainText()
    assert window.runButton.isEnabled()


# The offscreen platform warns once when a window is shown; nothing to fix in the app.
SHOWN_OFFSCREEN = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@SHOWN_OFFSCREEN
def test_closing_mid_run_stops_everything_then_closes(qtbot):
    window = make_window(qtbot)
    window.show()
    configure(window, mode="thread", workers=2, count=1_000_000, kind="cpu")
    window.start_run()
    qtbot.waitUntil(lambda: state(window, 0).startswith("running"), timeout=30_000)
    host_pid = window.controller.run.workers[0].pid
    assert window.close() is False, "the window waits for its workers before closing"
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert not window.controller.is_running
    assert not (psutil.pid_exists(host_pid) and _alive(host_pid))


def test_a_failing_worker_shows_its_traceback_and_the_app_keeps_working(qtbot):
    window = make_window(qtbot)
    window.configPanel.set_config(
        RunConfig(mode="process", workers=2, counts=(40, 40), faults={1: "raise"})
    )
    assert "worker 1 raise" in window.configPanel.extrasLabel.text()
    record = run_and_wait(qtbot, window)
    assert record["workers"][1]["state"] == "failed"
    text = window.resultsView.toPlainText()
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: injected fault" in text
    assert state(window, 1).startswith("failed: RuntimeError")
    assert "Traceback" in window.findChild(QLabel, "workerState1").toolTip()
    assert "failed" in window.statusLabel.text()

    qtbot.mouseClick(window.configPanel.defaultsButton, Qt.MouseButton.LeftButton)
    assert window.configPanel.extrasLabel.text() == ""
    window.configPanel.countsEdit.setText("10,20")
    record = run_and_wait(qtbot, window)
    assert record["ok"] and [w["state"] for w in record["workers"]] == ["done", "done"]


def test_time_one_after_another_first_gives_a_measured_speedup(qtbot):
    window = make_window(qtbot)
    configure(window, mode="process", workers=2, counts="30,30", kind="io")
    window.measureBaselineCheck.setChecked(True)
    phases: list[str] = []
    window.controller.phaseChanged.connect(phases.append)
    record = run_and_wait(qtbot, window)
    assert phases == ["baseline", "run", "idle"]
    assert record["config"]["mode"] == "process"
    assert record["speedup_basis"] == "measured"
    assert "Speedup measured" in window.resultsView.toPlainText()
    assert [r["config"]["mode"] for r in window.controller.history] == ["sequential", "process"]

    phases.clear()
    record = run_and_wait(qtbot, window)  # the baseline is remembered: one run only
    assert phases == ["run", "idle"]
    assert record["speedup_basis"] == "measured"


def test_without_a_baseline_the_results_say_the_speedup_is_estimated(qtbot):
    window = make_window(qtbot)
    configure(window, mode="thread", workers=2, counts="10,20")
    run_and_wait(qtbot, window)
    text = window.resultsView.toPlainText()
    assert "Speedup estimated" in text and "Time one after another first" in text


def test_stop_during_the_baseline_cancels_the_chosen_run(qtbot):
    window = make_window(qtbot)
    configure(window, mode="process", workers=2, count=1_000_000)
    window.measureBaselineCheck.setChecked(True)
    window.start_run()
    assert window.controller.phase == "baseline"
    qtbot.waitUntil(lambda: state(window, 0).startswith("running"), timeout=30_000)
    window.stop_run()
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=10_000)
    assert [r["config"]["mode"] for r in window.controller.history] == ["sequential"]


def test_reset_clears_bars_and_results(qtbot):
    window = make_window(qtbot)
    configure(window, mode="thread", counts="5,5")
    run_and_wait(qtbot, window)
    assert window.workersView.rows
    qtbot.mouseClick(window.resetButton, Qt.MouseButton.LeftButton)
    assert not window.workersView.rows
    assert window.resultsView.toPlainText() == ""


def test_every_named_control_has_an_accessible_name_and_a_teaching_tooltip(qtbot):
    window = make_window(qtbot)
    names = [
        *("modeCombo", "startMethodCombo", "workersSpin", "countSpin", "countsEdit"),
        *("kindCombo", "queueSizeSpin", "runButton", "stopButton", "resetButton"),
        *("pagePresetButton", "measureBaselineCheck", "stepSleepSpin", "defaultsButton"),
    ]
    for name in names:
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), f"{name} has no accessible name"
        assert len(widget.toolTip()) > 30, f"{name} needs a tooltip that teaches"
    assert window.resultsView.accessibleName() == "Results"
    choose(window.configPanel.modeCombo, "thread")
    assert "GIL" in window.configPanel.modeCombo.toolTip()
    assert "one after another" in window.configPanel.modeCombo.toolTip()
    for method in start_methods():
        choose(window.configPanel.modeCombo, "process")
        choose(window.configPanel.startMethodCombo, method)
        assert method in window.configPanel.startMethodCombo.toolTip()


def test_every_action_has_a_shortcut_and_a_tip(qtbot):
    window = make_window(qtbot)
    actions = [a for a in window.actions() if a.objectName()]
    assert {a.objectName() for a in actions} >= {
        "runAction",
        "stopAction",
        "resetAction",
        "quitAction",
        "baselineAction",
        "pagePresetAction",
        "defaultsAction",
        "conceptsAction",
    }
    for action in actions:
        assert action.shortcuts(), f"{action.objectName()} has no shortcut"
        assert action.toolTip(), f"{action.objectName()} has no tooltip"
    keys = {a.objectName(): [s.toString() for s in a.shortcuts()] for a in actions}
    assert keys["runAction"] == ["Ctrl+R", "F5"]
    assert keys["stopAction"] == ["Esc"]


@SHOWN_OFFSCREEN
def test_keyboard_f5_runs_and_escape_stops(qtbot):
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    configure(window, mode="process", workers=2, count=1_000_000)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.controller.is_running
    qtbot.waitUntil(lambda: state(window, 0).startswith("running"), timeout=30_000)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=10_000)
    assert state(window, 0).startswith("stopped")
    before = window.measureBaselineCheck.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.measureBaselineCheck.isChecked() is not before
    assert window.baselineAction.isChecked() is not before
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.measureBaselineCheck.isChecked() is before
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.configPanel.config().counts == (10, 20), "Ctrl+E: the page example"
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.configPanel.config().counts == (3000, 3000), "Ctrl+D: the defaults"
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.is_running
    window.stop_run()
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=10_000)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_closed_window_stops_every_timer_below_it(qtbot):
    from PySide6.QtCore import QTimer

    window = make_window(qtbot)
    extra = QTimer(window)  # stands for an extension's sampler
    extra.start(100)
    assert window.close()
    assert not [t for t in window.findChildren(QTimer) if t.isActive()]
