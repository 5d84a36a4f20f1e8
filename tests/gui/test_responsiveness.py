"""The window keeps ticking while CPU-bound threads run (issue 4, item 7).

Threads run in a host process, so they cannot take the GUI process's GIL. Were they
in the GUI process, the 30 ms timer would tick only every 300-700 ms. The bound here
is loose on purpose (a shared, noisy CI machine); the real p99 targets (<= 50 ms with
4 cpu threads, <= 25 ms with 2 processes) are checked by the benchmarks.
"""

from __future__ import annotations

import os
import time

from .helpers import configure, make_window, state


def test_the_timer_keeps_ticking_while_four_cpu_threads_run(qtbot):
    window = make_window(qtbot)
    configure(window, mode="thread", workers=4, count=1_000_000, kind="cpu")
    window.start_run()
    qtbot.waitUntil(
        lambda: all(state(window, i).startswith("running") for i in range(4)), timeout=30_000
    )
    run = window.controller.run
    assert {w.pid for w in run.workers} != {os.getpid()}, "threads must run in a host process"
    ticks_before = window.controller.ticks
    window.controller.tick_lateness_ms.clear()
    started = time.monotonic()
    qtbot.wait(3000)
    elapsed = time.monotonic() - started
    ticks = window.controller.ticks - ticks_before
    stats = window.controller.lateness_summary()
    window.stop_run()
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=10_000)

    # Starved of the GIL, the timer would manage 3 s / 0.5 s = about 6 ticks.
    assert ticks >= elapsed * 1000 / 30 / 4, (ticks, stats)
    assert stats["p50"] < 100, stats
    assert "Window tick" in window.tickLatenessLabel.text()
    assert "p99" in window.tickLatenessLabel.text()
    assert "GIL" in window.tickLatenessLabel.toolTip()
