"""A flood of progress through the window: >= 20,000 progress messages shown on 64 bars.

This is the test that catches the PySide6 6.12.0 + Python 3.11 abort ("Fatal Python
error: none_dealloc": each call of a void Qt method such as ``QProgressBar.setValue``
drops one reference to ``None`` too many, and after some thousand calls the process
aborts), which is why pyproject.toml pins PySide6 below 6.12 there. Every bar update
here is several void calls (``setValue``, the state label's ``setText``), and the
whole suite adds its own.
It also shows the poll loop's promises hold under load: at most ``DRAIN_PER_TICK``
messages per tick, at most one ``setValue`` per bar per tick, and the timer keeps
ticking.
"""

from __future__ import annotations

import time

import pytest

from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.gui.run_controller import DRAIN_PER_TICK

from .helpers import make_window

WORKERS = 64
TARGET = 20_000  # progress messages read and applied by the window
MIN_SET_VALUES = 5_000  # at most one per bar per tick: 64 bars x ~80 ticks
STALL_S = 30  # no 500 new messages in this long: the window stopped taking them


@pytest.mark.timeout(900)  # a hang guard only: progress is what the test waits on
def test_twenty_thousand_progress_updates_through_the_window(qtbot):
    window = make_window(qtbot)
    # 64 threads (one host process, cheap to start), io steps that barely sleep and a
    # report every millisecond: thousands of messages a second, far more than needed.
    config = RunConfig(
        mode="thread",
        workers=WORKERS,
        counts=(10_000_000,) * WORKERS,
        kind="io",
        step_sleep_s=0.0005,
        report_interval_s=0.001,
    )
    window.configPanel.set_config(config)
    assert window.configPanel.config() == config

    per_tick: list[int] = []
    calls_per_tick: list[int] = []
    last = [0]

    def on_updated(run, messages):
        per_tick.append(len(messages))
        total = window.workersView.value_updates
        calls_per_tick.append(total - last[0])
        last[0] = total

    # Connected after the window's own slot, so this sees the bars already updated.
    window.controller.updated.connect(on_updated)
    before = window.workersView.value_updates
    started = time.monotonic()
    window.start_run()

    def reached() -> bool:
        return (
            sum(per_tick) >= TARGET
            and window.workersView.value_updates - before >= MIN_SET_VALUES
        )

    try:
        # ~10 s on an idle 2-core machine, minutes on a very busy one: what must hold is
        # that messages keep arriving, so the wait fails only when none came for STALL_S.
        while not reached():
            seen = sum(per_tick)
            qtbot.waitUntil(
                lambda seen=seen: reached() or sum(per_tick) > seen + 500,
                timeout=STALL_S * 1000,
            )
    finally:
        window.stop_run()
        qtbot.waitUntil(lambda: not window.controller.is_running, timeout=15_000)
    elapsed = time.monotonic() - started

    messages = window.controller.run.messages
    set_values = window.workersView.value_updates - before
    assert messages >= TARGET, messages
    assert set_values >= MIN_SET_VALUES, set_values
    assert max(per_tick) <= DRAIN_PER_TICK, "a tick must never drain more than its cap"
    assert max(calls_per_tick) <= WORKERS, "updates are coalesced: one setValue per bar"
    assert len(per_tick) >= 0.1 * elapsed * 1000 / 30, "the poll timer kept ticking"
    record = window.controller.history[-1]
    assert {w["state"] for w in record["workers"]} == {"stopped"}
    assert str(record["queue"]["messages"]) in window.resultsView.toPlainText().replace(",", "")
