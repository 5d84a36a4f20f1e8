"""A scenario (F9) plays on the main stage: its runs move the window's own bars, one
run after another, with a caption; Results, History and the Workers panel follow."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QAction

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.gui.cpu_monitor import CpuMonitor
from concurrency_explorer.gui.cpu_view import CpuView
from concurrency_explorer.gui.export_actions import ExportActions
from concurrency_explorer.gui.gil_view import GilView
from concurrency_explorer.gui.presentation import Presentation
from concurrency_explorer.gui.queue_view import QueueView
from concurrency_explorer.gui.scenario_browser import ScenarioBrowser
from concurrency_explorer.gui.scenario_stage import shorter_verdicts
from concurrency_explorer.gui.timeline_view import TimelineView

from .helpers import make_window, select_tab

RUN_TIMEOUT_MS = 90_000
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_a_scenario_moves_the_main_bars_run_after_run(qtbot):
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    browser = window.extensions.get(ScenarioBrowser)
    browser.select("io-threads")  # one after another, then 4 threads: two runs
    started, finished, captions, moved = [], [], [], []
    seen_values: dict[int, set[int]] = {}

    def on_started(run):
        started.append(run)
        seen_values[len(started)] = set()

    def on_updated(run, _messages):
        if len(captions) < len(started):
            captions.append(window.phaseLabel.text())
        values = [row.bar.value() for row in window.workersView.rows]
        seen_values[len(started)].add(sum(values))
        if window.configPanel.config().to_dict() != run.config.to_dict():
            moved.append("the Workers panel disagreed with the bars")

    window.controller.started.connect(on_started)
    window.controller.updated.connect(on_updated)
    window.controller.finished.connect(finished.append)
    f9 = window.findChild(QAction, "runScenarioAction")
    with qtbot.waitSignal(browser.runner.runningChanged, timeout=RUN_TIMEOUT_MS):
        f9.trigger()
    assert not window.runButton.isEnabled(), "the window's Run is off while a scenario plays"
    qtbot.waitUntil(lambda: not browser.runner.is_running, timeout=RUN_TIMEOUT_MS)
    result = browser.results.get("io-threads")
    assert result is not None, browser.statusLabel.text()

    modes = [run.config.mode for run in started]
    assert modes == ["sequential", "thread"], modes
    for part in (1, 2):  # the bars moved during each run: several distinct totals
        assert len(seen_values[part]) >= 3, f"run {part} did not move the bars"
    assert not moved, moved[0]
    assert captions[0].startswith("Scenario ") and "run 1, baseline" in captions[0]
    assert "run 2, 4 workers as threads" in captions[1]
    # the scenario's records are the window's runs: same runs, same numbers
    assert [r["wall_s"] for r in result.runs] == [r["wall_s"] for r in finished]
    assert window.controller.history[-2:] == finished
    last = started[-1]
    assert [row.bar.value() for row in window.workersView.rows] == [w.count for w in last.workers]
    assert window.configPanel.config() == RunConfig.from_dict(last.config.to_dict())
    # the lesson's verdict takes the stage once its last run is over
    assert window.verdictLabel.isVisible()
    assert window.verdictLabel.accessibleDescription().endswith(result.verdict)
    assert "finished (2 runs on the bars" in window.phaseLabel.text()
    assert window.runButton.isEnabled()


def test_after_a_scenario_every_view_shows_the_run_its_verdict_is_about(qtbot, tmp_path):
    """gil-cpu times its baseline again after threads and processes: the window must
    not keep that baseline beside "processes 1.9x faster" (the lead saw it, session 4):
    not in the bars, not in the Timeline, CPU, GIL or Queue tabs, not in an export."""
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    select_tab(window, "Timeline")  # built before the scenario: it drew every run live
    browser = window.extensions.get(ScenarioBrowser)
    browser.select("gil-cpu")
    started = []
    window.controller.started.connect(started.append)
    assert browser.run_current()
    qtbot.waitUntil(lambda: browser.runner.is_running, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not browser.runner.is_running, timeout=RUN_TIMEOUT_MS)
    result = browser.results.get("gil-cpu")
    assert result is not None, browser.statusLabel.text()
    modes = [run.config.mode for run in started]
    assert modes == ["sequential", "thread", "process", "sequential"], modes
    assert result.main_run == 2 and result.to_dict()["main_run"] == 2
    shown = started[2]  # the processes: the run the verdict ends on
    labels = [row.label.text() for row in window.workersView.rows]
    assert labels == [f"worker {w.worker_id}\npid {w.pid}" for w in shown.workers], labels
    assert [row.bar.value() for row in window.workersView.rows] == [w.count for w in shown.workers]
    assert window.configPanel.config().mode == "process", "the panel agrees with the bars"
    record = window.resultsView.record
    assert record is not None and record["started_at"] == shown.epoch0
    text = window.resultsView.toPlainText()
    assert text.startswith("Scenario "), text[:200]
    assert "run 3 of 4, 2 workers as processes: the run the verdict is about" in text
    assert "run 4, baseline again" in text, "the other runs are named"
    assert "Timeline, CPU cores, GIL and Queue tabs and File > Export show it too." in text
    assert window.phaseLabel.text().endswith(
        "The bars and charts show run 3, 2 workers as processes."
    )
    assert window.statusLabel.text().endswith("show run 3, 2 workers as processes."), (
        "the status bar speaks of the same run, not of the re-timed baseline"
    )
    named = "run 3 of 4: 2 workers as processes, the run the verdict is about."
    assert_views_show(window, shown, named)
    # File > Export run record: the record the verdict is about, not the baseline after it
    actions = window.extensions.get(ExportActions)
    exported = json.loads(actions.export("record", tmp_path / "main.json").read_text())
    assert exported["started_at"] == shown.epoch0 and exported["config"]["mode"] == "process"
    trace = json.loads(actions.export("trace", tmp_path / "main.trace.json").read_text())
    events = trace["traceEvents"]
    method = exported["config"]["start_method"]  # the default: fork, forkserver on 3.14
    assert f"2 workers, process ({method})" in events[0]["args"]["name"], events[0]
    pids = {e["args"].get("pid") for e in events if e.get("cat") == "worker"}
    assert pids == {w.pid for w in shown.workers}, "the trace is of the main run's workers"
    assert any(e["ph"] == "C" for e in events), "with its progress: its Run was at hand"

    # the next run takes every view back: the latest run again
    with qtbot.waitSignal(window.controller.finished, timeout=RUN_TIMEOUT_MS):
        window.runAction.trigger()
    latest = window.controller.run
    assert latest is not None and latest is not shown
    assert_views_show(window, latest, "")
    exported = json.loads(actions.export("record", tmp_path / "latest.json").read_text())
    assert exported["started_at"] == latest.epoch0


def assert_views_show(window, run, caption: str) -> None:
    """The Timeline, CPU, GIL and Queue tabs draw ``run`` and say so with ``caption``."""
    timeline = window.extensions.get(TimelineView)
    assert timeline.run is run, "the Timeline shows the run the verdict is about"
    samples = window.extensions.get(CpuMonitor).samples_of(run)
    assert samples is not None and samples.run is run, "the run's CPU samples are kept"
    assert any(samples.worker_cpu.values()), "a second-long run has CPU samples"
    assert [lane.times for lane in timeline.cpu] == [
        [t for t, _pct in samples.worker_cpu[w.worker_id]] for w in run.workers
    ], "the lanes' fills are that run's CPU samples"
    cpu = window.extensions.get(CpuView)
    select_tab(window, "CPU cores")
    assert cpu.samples() is samples
    if caption:  # a past run's samples no longer grow: the chart has every one of them
        x, _ = cpu.workersCurve.getData()
        assert x is not None and len(x) == len(samples.times), "the CPU chart draws that run"
    gil = window.extensions.get(GilView)
    assert gil.run is run
    assert gil.record is not None and gil.record["started_at"] == run.epoch0
    queue = window.extensions.get(QueueView)
    assert queue.run is run and queue.ticks, "the Queue tab draws that run's ticks"
    select_tab(window, "Queue")
    assert f"{run.messages:,} messages in {run.polls:,} polls" in queue.statsLabel.text()
    select_tab(window, "Timeline")
    texts = {
        "Timeline": timeline.explainLabel.text(),
        "CPU cores": cpu.summary.text(),
        "GIL": gil.gilSummary.text(),
        "Queue": queue.statsLabel.text(),
    }
    for tab, text in texts.items():  # each says which run it shows, when not the latest
        if caption:
            assert text.startswith("Scenario ") and caption in text, (tab, text)
        else:
            assert "the verdict is about" not in text, (tab, text)


def test_stop_ends_a_playing_scenario(qtbot):
    window = make_window(qtbot)
    window.show()
    qtbot.waitExposed(window)
    browser = window.extensions.get(ScenarioBrowser)
    browser.select("gil-cpu")
    assert browser.run_current()
    qtbot.waitUntil(lambda: window.controller.is_running, timeout=RUN_TIMEOUT_MS)
    window.stopAction.trigger()
    qtbot.waitUntil(lambda: not browser.runner.is_running, timeout=RUN_TIMEOUT_MS)
    assert "gil-cpu" not in browser.results
    assert not window.controller.is_running
    assert len(window.controller.history) == 1, "a run started after Stop"


@pytest.mark.parametrize("theme", ["system", "dark", "light"])
def test_scenario_verdict_colours_read_in_every_theme(qtbot, theme):
    from PySide6.QtGui import QGuiApplication, QPalette

    from concurrency_explorer.core.scenarios import ScenarioResult

    from .test_theme_contrast import contrast

    window = make_window(qtbot)
    window.extensions.get(Presentation).set_theme(theme)
    browser = window.extensions.get(ScenarioBrowser)
    browser.select("gil-cpu")
    measurements = {
        "sequential_wall_s": 1.6, "thread_wall_s": 1.7, "thread_speedup": 0.94,
        "process_wall_s": 0.9, "process_speedup": 1.8,
    }  # fmt: skip
    for ok in (True, False):
        browser.results["gil-cpu"] = ScenarioResult("gil-cpu", ok, "measured.", [], measurements, 3)
        browser.refresh_fonts()  # as a change of theme does
        background = QGuiApplication.palette().color(QPalette.ColorRole.Window).name()
        text = browser.verdictLabel.text()
        colour = text.split("color:", 1)[1].split("'", 1)[0].strip()
        assert contrast(colour, background) >= 4.5, (theme, ok, colour, background)
        assert browser.bars.bars, "the scenario's numbers as bars"
        for i, bar in enumerate(browser.bars.bars):
            assert not bar.isTextVisible(), "text over a dark red or green fill"
            value = browser.bars.findChild(type(browser.titleLabel), f"scenarioBarValue{i}")
            assert value is not None and value.text() == bar.format()
    window.extensions.get(Presentation).set_theme("system")


def test_the_source_of_the_lessons_is_named_in_help_and_the_first_scenario(qtbot):
    from PySide6.QtWidgets import QMessageBox

    from concurrency_explorer.core.scenarios import SCENARIOS

    first = SCENARIOS[0].explanation
    assert '"Python concurrency" page of a community-written Python reference' in first
    window = make_window(qtbot)
    window.conceptsAction.trigger()
    box = window.findChild(QMessageBox, "conceptsDialog")
    assert box is not None
    text = box.text()
    assert "Where the lessons come from" in text and "Python concurrency" in text
    assert "community-written Python reference" in text
    box.close()


def test_a_long_verdict_has_shorter_versions_that_keep_its_claims():
    verdict = (
        "2 CPU-bound workers one after another: 2.75 s. As threads: 2.91 s, 0.94x: the "
        "threads took turns holding the GIL. As processes (fork): 2.70 s, 1.02x, not "
        "clearly faster than threads here (the machine was busy: other programs used 1.7 "
        "of 2 cores during these runs)."
    )
    versions = shorter_verdicts("<b>✘</b> ", verdict)
    assert versions[0] == (
        "<b>✘</b> 2 CPU-bound workers one after another: 2.75 s. As threads: 2.91 s, 0.94x: "
        "the threads took turns holding the GIL. As processes (fork): 2.70 s, 1.02x, not "
        "clearly faster than threads here (…)."
    ), "every claim first, only the long aside left out"
    assert versions[1].endswith("holding the GIL. …") and versions[2].endswith("2.75 s. …")
    assert len(versions) == 3
