"""GUI responsiveness probe, run as its own process: ``python -m benchmarks.gui_probe``.

Offscreen Qt. A probe ``QTimer`` (30 ms, precise, like the window's poll timer)
records when it fires; lateness = actual interval - 30 ms. Meanwhile a run goes on:
with ``--harness window`` (the default when it imports) the real ``MainWindow`` is
configured through its config panel, its baseline option unticked and its Run
button pressed, so its ``RunController`` polls and paints as for a person; with
``--harness core`` a stand-in does what the controller does (a 30 ms timer polling a
core ``Run`` and setting one progress bar per worker).

Prints one JSON object: {"scenario", "harness", "lateness_ms": [...], "ticks", ...}.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time

INTERVAL_MS = 30
SCENARIOS = ("idle", "processes2", "threads4", "threads4_timeline")


def _scenario_config(name: str, count: int, step_iterations: int):
    from concurrency_explorer.core import RunConfig

    if name == "idle":
        return None
    if name == "processes2":
        return RunConfig.build(
            mode="process", workers=2, count=count, kind="cpu", step_iterations=step_iterations
        )
    if name in ("threads4", "threads4_timeline"):
        return RunConfig.build(
            mode="thread", workers=4, count=count, kind="cpu", step_iterations=step_iterations
        )
    raise ValueError(f"unknown scenario {name!r}")


class CoreHarness:
    """The window's poll loop without the window: a QTimer polling a core Run."""

    def __init__(self, config) -> None:
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtWidgets import QProgressBar, QVBoxLayout, QWidget

        from concurrency_explorer.core.runner import DRAIN_MAX, Run

        self.widget = QWidget()
        layout = QVBoxLayout(self.widget)
        self.bars = []
        self.run = None
        if config is not None:
            for count in config.counts:
                bar = QProgressBar()
                bar.setMaximum(count)
                layout.addWidget(bar)
                self.bars.append(bar)
            self.run = Run(config)
        self.widget.show()
        self.cap = DRAIN_MAX  # the controller's DRAIN_PER_TICK has the same value
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        if self.run is not None:
            self.run.start()
        self.timer.start()

    def tick(self) -> None:
        if self.run is None or self.run.finished:
            return
        self.run.poll(self.cap)
        for bar, worker in zip(self.bars, self.run.workers, strict=True):
            bar.setValue(worker.count - worker.remaining)  # one setValue per bar per tick

    def stop(self) -> dict:
        self.timer.stop()
        out = {}
        if self.run is not None:
            self.run.close()
            out = {"messages": self.run.messages, "polls": self.run.polls}
        self.widget.close()
        return out


class WindowHarness:
    """The real window: configured through its panel, started with its Run button.

    ``tab``: the view tab shown during the run (a chart tab is built before Run).
    """

    def __init__(self, config, tab: str | None = None) -> None:
        from PySide6.QtWidgets import QApplication

        from concurrency_explorer.gui import MainWindow

        self.window = MainWindow()
        self.config = config
        if config is not None:
            self.window.configPanel.set_config(config)
        self.window.measureBaselineCheck.setChecked(False)
        if tab is not None:
            tabs = self.window.viewTabs
            titles = [tabs.tabText(i).replace("&", "") for i in range(tabs.count())]
            tabs.setCurrentIndex(titles.index(tab))
        self.window.show()
        QApplication.processEvents()  # a chart tab builds on show: not part of the run

    def start(self) -> None:
        if self.config is not None:
            self.window.runButton.click()
            if not self.window.controller.is_running:
                raise RuntimeError(f"the window did not start: {self.window.statusLabel.text()}")

    def stop(self) -> dict:
        from PySide6.QtWidgets import QApplication

        controller = self.window.controller
        summary = controller.lateness_summary() if self.config is not None else {}
        self.window.stop_run()
        deadline = time.perf_counter() + 10
        while controller.is_running and time.perf_counter() < deadline:
            QApplication.processEvents()
            time.sleep(0.01)
        controller.shutdown()
        self.window.close()
        return {"controller_lateness": summary}


def measure(
    scenario: str, seconds: float, count: int, step_iterations: int, harness_name: str
) -> dict:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    config = _scenario_config(scenario, count, step_iterations)
    if harness_name == "auto":
        try:
            import concurrency_explorer.gui.main_window  # noqa: F401
        except ImportError:
            harness_name = "core"
        else:
            harness_name = "window"
    tab = "Timeline" if scenario.endswith("_timeline") else None
    harness = WindowHarness(config, tab) if harness_name == "window" else CoreHarness(config)
    stamps: list[float] = []
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(INTERVAL_MS)
    probe.timeout.connect(lambda: stamps.append(time.perf_counter()))
    harness.start()
    settle_s = 0.3  # let the workers get going before measuring
    QTimer.singleShot(int(settle_s * 1000), probe.start)
    QTimer.singleShot(int((settle_s + seconds) * 1000), app.quit)
    app.exec()
    probe.stop()
    extra = harness.stop()
    lateness = [max(0.0, (b - a) * 1e3 - INTERVAL_MS) for a, b in itertools.pairwise(stamps)]
    return {
        "scenario": scenario,
        "harness": harness_name,
        "lateness_ms": lateness,
        "ticks": len(stamps),
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", required=True, choices=SCENARIOS)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--step-iterations", type=int, default=20_000)
    parser.add_argument("--harness", choices=("auto", "window", "core"), default="auto")
    args = parser.parse_args()
    result = measure(args.scenario, args.seconds, args.count, args.step_iterations, args.harness)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
