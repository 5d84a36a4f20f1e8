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
import re
import sys
import time

INTERVAL_MS = 30
SCENARIO_HELP = (
    "idle; processesN[_METHOD][_timeline] (N cpu processes, start method fork/forkserver/"
    "spawn); threadsN[_timeline]; bareN (a bare PySide6 window beside N busy-loop "
    "processes started with subprocess)"
)
SCENARIO_RE = re.compile(
    r"^(?:idle|bare(?P<bare>\d+)|(?P<mode>processes|threads)(?P<n>\d+)"
    r"(?:_(?P<method>fork|forkserver|spawn))?(?P<timeline>_timeline)?)$"
)


def parse_scenario(name: str) -> re.Match[str]:
    match = SCENARIO_RE.match(name)
    if match is None:
        raise argparse.ArgumentTypeError(f"unknown scenario {name!r}: {SCENARIO_HELP}")
    return match


def longest_still(samples: list[tuple[float, list[int | None]]]) -> list[float]:
    """Per worker, the longest time its shown count stayed the same while it counted.

    ``samples``: ``(t, [each worker's bar value, None while not running])`` at each probe
    tick. A stretch starts at the tick a worker's count was first shown and ends at the
    tick it changed, or at its last running sample: how long a bar stood still on screen.
    """
    if not samples:
        return []
    longest = [0.0] * len(samples[0][1])
    since: list[tuple[float, int] | None] = [None] * len(longest)
    for t, values in samples:
        for i, value in enumerate(values):
            held = since[i]
            if value is None:
                since[i] = None
                continue
            if held is None or held[1] != value:
                since[i] = (t, value)
            longest[i] = max(longest[i], t - (since[i] or (t, 0))[0])
    return longest


def _scenario_config(name: str, count: int, step_iterations: int):
    from concurrency_explorer.core import RunConfig

    match = parse_scenario(name)
    if not match["mode"]:
        return None
    mode = "process" if match["mode"] == "processes" else "thread"
    return RunConfig.build(
        mode=mode,
        workers=int(match["n"]),
        count=count,
        kind="cpu",
        step_iterations=step_iterations,
        start_method=match["method"],
    )


class BareHarness:
    """The baseline of issue 21: a bare PySide6 window, N busy-loop processes beside it.

    The busy loops are started with ``subprocess`` (not from Qt's thread, not with
    multiprocessing), so what is left is what the CPU alone does to a window's timer.
    """

    def __init__(self, busy: int) -> None:
        from PySide6.QtWidgets import QLabel, QMainWindow

        self.busy = busy
        self.procs: list = []
        self.window = QMainWindow()
        self.window.setCentralWidget(QLabel("bare PySide6 window"))
        self.window.resize(1600, 1000)
        self.window.show()

    def start(self) -> None:
        import subprocess
        import sys

        loop = "while True: pass"
        self.procs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(self.busy)]

    def stop(self) -> dict:
        for proc in self.procs:
            proc.kill()
        for proc in self.procs:
            proc.wait()
        self.window.close()
        return {}


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
        self.window.resize(1600, 1000)  # issue 21's window: 64 rows and lanes at this size
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

    def bars(self) -> list[int | None] | None:
        """Each worker's bar value as its row shows it (None while not running)."""
        if self.config is None or self.window.controller.run is None:
            return None
        rows = self.window.workersView.rows
        run = self.window.controller.run
        return [
            row.bar.value() if worker.state == "running" else None
            for row, worker in zip(rows, run.workers, strict=False)
        ]

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
    scenario: str,
    seconds: float,
    count: int,
    step_iterations: int,
    harness_name: str,
    settle_s: float = 0.3,
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
    bare = parse_scenario(scenario)["bare"]
    if bare:
        harness_name = "bare"
        harness = BareHarness(int(bare))
    elif harness_name == "window":
        harness = WindowHarness(config, tab)
    else:
        harness = CoreHarness(config)
    stamps: list[float] = []
    cpu: list[tuple[float, float]] = []  # (window thread, whole process) CPU at each tick
    bars: list[tuple[float, list[int | None]]] = []  # what each bar showed, at each tick
    read_bars = getattr(harness, "bars", None)

    def on_probe() -> None:
        stamps.append(time.perf_counter())
        cpu.append((time.thread_time(), time.process_time()))
        shown = read_bars() if read_bars is not None else None
        if shown is not None:
            bars.append((stamps[-1], shown))

    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(INTERVAL_MS)
    probe.timeout.connect(on_probe)
    t_run = time.perf_counter()
    harness.start()
    click_s = time.perf_counter() - t_run  # Run's click handler: the window cannot tick meanwhile
    print("probe: run started", file=sys.stderr, flush=True)  # for a profiler to attach

    # settle_s: let the workers get going before measuring (0: the starts are measured too)
    def start_probe() -> None:
        probe.start()
        on_probe()  # the first interval counts from here: a window frozen at once is late too

    QTimer.singleShot(int(settle_s * 1000), start_probe)
    QTimer.singleShot(int((settle_s + seconds) * 1000), app.quit)
    app.exec()
    probe.stop()
    extra = harness.stop()
    lateness = [max(0.0, (b - a) * 1e3 - INTERVAL_MS) for a, b in itertools.pairwise(stamps)]
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    # the window's own appetite: CPU its thread (and its whole process) used per second
    # of wall time; on 2 cores beside 64 busy processes its fair share is about 3 %
    share = {
        key: round((cpu[-1][i] - cpu[0][i]) / span, 4) if span else None
        for i, key in enumerate(("window_thread_cpu_share", "process_cpu_share"))
    }
    # CPU the window's thread used between two probe ticks: what it asks of a core,
    # whatever the load (lateness is that demand stretched by the others' share)
    burst = sorted((b[0] - a[0]) * 1e3 for a, b in itertools.pairwise(cpu))
    still = sorted(longest_still(bars))
    return {
        # per worker, the longest a bar stood still while its worker ran (seconds)
        "bar_still_s": {
            "p50": round(still[len(still) // 2], 3) if still else None,
            "max": round(still[-1], 3) if still else None,
        },
        "window_cpu_ms_between_ticks": {
            "p50": round(burst[len(burst) // 2], 2) if burst else None,
            "p99": round(burst[min(len(burst) - 1, int(0.99 * len(burst)))], 2) if burst else None,
            "max": round(burst[-1], 2) if burst else None,
        },
        "scenario": scenario,
        "harness": harness_name,
        "lateness_ms": lateness,
        "ticks": len(stamps),
        "stamps_s": [round(t - t_run, 4) for t in stamps],  # since Run was pressed
        "click_s": round(click_s, 4),
        **share,
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", required=True, help=SCENARIO_HELP)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--step-iterations", type=int, default=20_000)
    parser.add_argument("--harness", choices=("auto", "window", "core"), default="auto")
    parser.add_argument(
        "--settle", type=float, default=0.3, help="seconds after Run before measuring (0: from Run)"
    )
    args = parser.parse_args()
    parse_scenario(args.scenario)
    result = measure(
        args.scenario, args.seconds, args.count, args.step_iterations, args.harness, args.settle
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
