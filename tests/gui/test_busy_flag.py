"""The window follows the honest-numbers rules (issue 15): Results, Compare and Sweep show
the busy flag beside REAL busy-loop programs, and a kept baseline is never silently reused."""

from __future__ import annotations

import pytest

from busyloops import busy_loops
from concurrency_explorer.gui.compare_view import CompareView
from concurrency_explorer.gui.history_view import HistoryView
from concurrency_explorer.gui.sweep_view import SweepView

from .helpers import configure, make_window, run_and_wait, select_tab

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_results_compare_and_sweep_say_the_machine_was_busy(qtbot):
    window = make_window(qtbot)
    window.show()
    configure(window, mode="thread", workers=2, count=60)
    with busy_loops():
        record = run_and_wait(qtbot, window)
        assert record["load"]["busy"] and not record["speedup_reliable"]
        text = window.resultsView.toPlainText()
        assert "Busy machine" in text and "other programs used" in text
        assert "NOT reliable" in text and "Cores used" in text

        compare = window.extensions.get(CompareView)
        with qtbot.waitSignal(compare.driver.ended, timeout=120_000):
            assert compare.start_comparison(["thread"])
        assert compare.loadFlag.isVisible() and compare.loadFlag.busy
        assert compare.loadFlag.text().startswith("Busy machine: other programs used up to")
        trust = [compare.table.item(row, 6).text() for row in range(compare.table.rowCount())]
        assert trust == ["busy machine", "busy machine"]
        assert "busy" in compare.statusLabel.text()

        sweep = window.extensions.get(SweepView)
        sweep.maxWorkersSpin.setValue(2)
        sweep.countSpin.setValue(40)
        with qtbot.waitSignal(sweep.driver.ended, timeout=120_000):
            assert sweep.start_sweep()
        assert sweep.loadFlag.isVisible() and sweep.loadFlag.busy
        assert "not reliable" in sweep.statusLabel.text()
        xs, _ys = sweep.unreliableCurve.getData()
        assert list(xs) == [1, 2], "every point of a busy sweep is ringed as not reliable"
    select_tab(window, "History")
    runs = window.extensions.get(HistoryView).historyList
    titles = [runs.item(i).text() for i in range(runs.count())]
    assert any("busy machine" in title for title in titles)


def test_a_kept_baseline_shows_its_age_and_load_and_can_be_re_measured(qtbot):
    window = make_window(qtbot)
    configure(window, mode="thread", workers=2, count=20)
    window.measureBaselineCheck.setChecked(True)
    first = run_and_wait(qtbot, window)
    assert first["baseline"]["reused"] is False and first["speedup_basis"] == "measured"
    assert "Baseline kept" not in window.resultsView.toPlainText()

    phases: list[str] = []
    window.controller.phaseChanged.connect(phases.append)
    again = run_and_wait(qtbot, window)  # the kept baseline: said so, never silently
    assert phases == ["run", "idle"]
    assert again["baseline"]["reused"] is True and again["baseline"]["age_s"] >= 0
    assert "others_cores" in again["baseline"]["load"]
    text = window.resultsView.toPlainText()
    assert "Baseline kept from" in text and "ago" in text and "Re-measure it" in text

    phases.clear()
    records: list[dict] = []
    window.controller.finished.connect(records.append)
    window.resultsView.remeasureRequested.emit()  # the link beside the kept baseline
    qtbot.waitUntil(lambda: not window.controller.is_running and len(records) == 2, timeout=60_000)
    assert phases == ["baseline", "run", "idle"]
    assert records[-1]["baseline"]["reused"] is False


def test_an_old_kept_baseline_makes_the_speedup_unreliable(qtbot):
    import dataclasses

    from concurrency_explorer.core.reliability import KEPT_BASELINE_MAX_AGE_S

    window = make_window(qtbot)
    configure(window, mode="thread", workers=2, count=20)
    window.measureBaselineCheck.setChecked(True)
    run_and_wait(qtbot, window)
    kept = window.controller._baselines
    for key, baseline in kept.items():  # as if measured minutes ago
        earlier = baseline.measured_at - KEPT_BASELINE_MAX_AGE_S - 60
        kept[key] = dataclasses.replace(baseline, measured_at=earlier)
    record = run_and_wait(qtbot, window)
    assert record["baseline"]["reused"] and not record["speedup_reliable"]
    assert "baseline was timed 3 min" in record["speedup_note"]
    assert "re-measure it" in window.resultsView.toPlainText()
