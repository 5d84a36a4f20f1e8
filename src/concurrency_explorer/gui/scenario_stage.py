"""A scenario's runs play on the main stage: the window's bars, Results and charts.

The scenario itself runs on its own thread (``ScenarioRunner``). Each run it asks for
comes here (``StageRunHook``, the core's ``RunHook``): the request hops to the GUI
thread, where the window's RunController runs it like any other run, so the main bars
move for it, Results, the Timeline, the CPU chart and History show it, and the Workers
panel shows its configuration. The scenario's thread waits for the finished Run. A
caption above the bars says which scenario and which of its runs is playing. Once
it ends, every view (bars, Results, charts, exports) shows the run its verdict is
about, and says so.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from ..core.config import RunConfig
from ..core.runner import Run
from ..core.scenarios import ScenarioCancelled, ScenarioResult
from .cpu_monitor import CpuMonitor
from .worker_rows import state_colour

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow
    from .scenario_browser import ScenarioBrowser

GIVE_UP_AFTER_CANCEL_S = 5.0  # a window that no longer answers must not hang the thread


@dataclass
class _Request:
    config: RunConfig
    label: str
    baseline_wall_s: float | None
    timeout_s: float
    on_poll: Callable[[Any], None]
    done: threading.Event = field(default_factory=threading.Event)
    started: Run | None = None  # the controller's run for it
    run: Run | None = None  # set once it has finished
    error: str = ""


class StageRunHook(QObject):
    """Plays a running scenario's runs on the window's controller, one at a time."""

    _requested = Signal(object)  # a _Request, from the scenario's thread

    def __init__(self, window: MainWindow, browser: ScenarioBrowser) -> None:
        super().__init__(window)
        self.window_ = window
        self.browser = browser
        self.part = 0  # runs of the current scenario so far
        self.played: list[tuple[str, Run]] = []  # (label, finished run) per part, in order
        self._current: _Request | None = None
        self._requested.connect(self._start, Qt.ConnectionType.QueuedConnection)
        controller = window.controller
        controller.updated.connect(self._on_updated)
        controller.finished.connect(self._on_finished)
        controller.runningChanged.connect(self._keep_run_disabled)
        browser.runner.runningChanged.connect(self._on_scenario_running)
        browser.runner.progress.connect(self._on_progress)
        browser.runner.finished.connect(self._on_scenario_finished)
        browser.runner.failed.connect(self._on_scenario_failed)
        window.stopAction.triggered.connect(self._stop_scenario)
        window.stopButton.clicked.connect(self._stop_scenario)

    # -- the scenario's thread -------------------------------------------------------

    def __call__(
        self,
        config: RunConfig,
        label: str,
        *,
        baseline_wall_s: float | None,
        timeout_s: float,
        on_poll: Callable[[Any], None],
        cancel: threading.Event,
    ) -> Run:
        request = _Request(config, label, baseline_wall_s, timeout_s, on_poll)
        self._requested.emit(request)
        waited_cancelled = 0.0
        while not request.done.wait(0.05):
            if cancel.is_set():  # Stop reaches the run through on_poll; this is a backstop
                waited_cancelled += 0.05
                if waited_cancelled > GIVE_UP_AFTER_CANCEL_S:
                    raise ScenarioCancelled("the window did not end the run")
        if request.run is None:
            raise RuntimeError(request.error or "the run did not start")
        return request.run

    # -- the GUI thread --------------------------------------------------------------

    def _start(self, request: _Request) -> None:
        window = self.window_
        if window.controller.is_running:
            request.error = "another run was going in the window"
            request.done.set()
            return
        self.part += 1
        self._current = request
        window.configPanel.set_config(request.config)  # the panel says what the bars show
        try:
            run = window.controller.start(request.config, baseline_wall_s=request.baseline_wall_s)
        except Exception as exc:  # a config the engine refuses: the scenario says so
            self._current = None
            request.error = f"{type(exc).__name__}: {exc}"
            request.done.set()
            return
        request.started = run
        self._caption(request)

    def _mine(self, run: Run | None) -> bool:
        return self._current is not None and run is not None and run is self._current.started

    def _on_updated(self, run: Run, _messages: list[Any]) -> None:
        request = self._current
        if request is not None and self._mine(run):
            request.on_poll(run)
            if run.wall_s and run.wall_s > request.timeout_s and not run.finished:
                run.stop()  # as run_to_completion does headless

    def _on_finished(self, _record: dict[str, Any]) -> None:
        request = self._current
        run = self.window_.controller.run
        if request is None or not self._mine(run) or run is None or not run.finished:
            return
        request.on_poll(run)  # the last lines printed
        self._current = None
        self.played.append((request.label, run))
        request.run = run
        request.done.set()

    def caption(self, label: str) -> str:
        if self.browser.runner.scenario is None:
            return ""
        return f"{self.scenario_name()}: run {self.part}, {label}."

    def scenario_name(self) -> str:
        """How the captions name the playing scenario: "Scenario 3, <title>"."""
        scenario = self.browser.runner.scenario
        if scenario is None:
            return "The scenario"
        return f"Scenario {self.browser.scenarios.index(scenario) + 1}, {scenario.title}"

    def _caption(self, request: _Request) -> None:
        text = f"{self.caption(request.label)} {self.window_.phaseLabel.text()}"
        self.window_.phaseLabel.setText(text)
        self.window_.statusLabel.setText(text)

    def _on_progress(self, text: str) -> None:
        """Between runs (or in a scenario without any), the stage says what happens."""
        if self.browser.runner.is_running and not self.window_.controller.is_running:
            scenario = self.browser.runner.scenario
            if scenario is not None:
                self.window_.phaseLabel.setText(f"Scenario {scenario.title}: {text}")

    def _on_scenario_finished(self, result: ScenarioResult) -> None:
        """The lesson's verdict takes the stage (the lesson's dock may be hidden)."""
        scenario = self.browser.runner.scenario
        if scenario is None:
            return
        runs = f"{self.part} run{'s' if self.part != 1 else ''} on the bars, " if self.part else ""
        self.window_.phaseLabel.setText(
            f"{self.scenario_name()}: finished ({runs}{result.wall_s:.1f} s in all)."
        )
        mark = "✔ Shown" if result.ok else "✘ Not shown"
        colour = state_colour("done" if result.ok else "failed")
        head = f"<span style='color:{colour}'>{mark}</span> — "
        self._show_verdict(head + html.escape(result.verdict), f"{mark} — {result.verdict}")
        self.window_.verdictLabel.set_shorter(shorter_verdicts(head, result.verdict))
        self._show_main_run(result)

    def _show_main_run(self, result: ScenarioResult) -> None:
        """The bars, the Workers panel, Results, the charts and File > Export show the
        run the verdict is about (the scenario's ``main_run``), not whichever ran last:
        gil-cpu times its baseline again at the end, and its bars and timeline must not
        stay beside "processes 1.9x"."""
        index = result.main_run
        if index is None or not self.played:
            return
        started_at = result.runs[index].get("started_at")
        found = [
            (part, label, run)
            for part, (label, run) in enumerate(self.played, 1)
            if run.epoch0 == started_at
        ]
        if not found:
            return
        part, label, run = found[0]
        window = self.window_
        window.workersView.show_run(run)
        window.configPanel.set_config(run.config)
        record = next(
            (r for r in reversed(window.controller.history) if r.get("started_at") == started_at),
            result.runs[index],
        )
        caption = f"{self.main_run_text(part, label)} {result.main_run_note()}".strip()
        window.resultsView.show_record(record, caption=caption)
        window.pastRunShown.emit(run, record, self.chart_caption(part, label))
        window.phaseLabel.setText(
            f"{window.phaseLabel.text()} The bars and charts show run {part}, {label}."
        )
        window.statusLabel.setText(
            f"{self.scenario_name()}: finished. The bars, Results and charts show run "
            f"{part}, {label}."
        )

    def chart_caption(self, part: int, label: str) -> str:
        """A chart's first words after a scenario: which of its runs it draws (briefly:
        on stage every line is taken from the chart)."""
        name = self.scenario_name().split(",", 1)[0]  # "Scenario 3"
        return f"{name}, run {part} of {len(self.played)}: {label}, the run the verdict is about."

    def main_run_text(self, part: int, label: str) -> str:
        """Results' first line after a scenario: which of its runs these numbers are."""
        others = [f"run {n}, {other}" for n, (other, _) in enumerate(self.played, 1) if n != part]
        text = (
            f"{self.scenario_name()}: these are the numbers of run {part} of "
            f"{len(self.played)}, {label}: the run the verdict is about."
        )
        if others:
            text += f" The other runs ({'; '.join(others)}) are in the History tab."
        text += " The Timeline, CPU cores, GIL and Queue tabs and File > Export show it too"
        monitor = self.window_.extensions.find(CpuMonitor)
        run = self.played[part - 1][1]
        if monitor is not None and monitor.samples_of(run) is None:
            text += " (but its CPU samples are no longer kept: no CPU chart of it)"
        return text + "."

    def _on_scenario_failed(self, message: str) -> None:
        scenario = self.browser.runner.scenario
        title = scenario.title if scenario is not None else "The scenario"
        self.window_.phaseLabel.setText(f"{title}: {message}.")

    def _show_verdict(self, rich: str, plain: str) -> None:
        self.window_.show_verdict_text(rich, plain)  # the stage fits the bars to it

    def _on_scenario_running(self, running: bool) -> None:
        if running:
            self.part = 0
            self.played = []
        elif self.part:
            self.browser.remember_panel()  # it shows the run the bars show
        self._keep_run_disabled(self.window_.controller.is_running)

    def _keep_run_disabled(self, _running: bool) -> None:
        """Between a scenario's runs the window's own Run stays off: it is not over."""
        if self.browser.runner.is_running:
            self.window_.runButton.setEnabled(False)
            self.window_.runAction.setEnabled(False)

    def _stop_scenario(self, *_: object) -> None:
        if self.browser.runner.is_running:
            self.browser.runner.cancel()


def install(window: MainWindow, browser: ScenarioBrowser) -> StageRunHook:
    hook = StageRunHook(window, browser)
    browser.runner.run_hook = hook
    return hook


LONG_ASIDE = re.compile(r"\s*\([^()]{20,}\)")  # "(fork)" stays, "(the machine was busy: …)" goes


def shorter_verdicts(head: str, verdict: str) -> list[str]:
    """Shorter verdicts for a label short of room, longest first: every sentence with its
    long asides left out ("(…)": the busy machine's details, often the bulk),
    then its first sentences; the tooltip and the lesson keep the whole verdict."""
    brief = LONG_ASIDE.sub(" (…)", verdict.strip())
    versions = [brief] if brief != verdict.strip() else []
    sentences = [s for s in re.split(r"(?<=[.:;!?])\s+(?=[A-Z])", brief) if s]
    versions += [" ".join(sentences[:n]) + " …" for n in range(len(sentences) - 1, 0, -1)]
    return [head + html.escape(version) for version in versions]
