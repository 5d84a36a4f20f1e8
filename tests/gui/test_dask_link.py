"""The Dask dashboard link: its words for each record, and a real dask run in the window."""

from __future__ import annotations

import pytest

from concurrency_explorer.core.engines import availability
from concurrency_explorer.gui.dask_link import DaskLink, dashboard_text

from .helpers import configure, make_window, run_and_wait

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")
needs_dask = pytest.mark.skipif(not availability()["dask"][0], reason="needs dask")

INFO = {
    "cluster": "external",
    "scheduler": "tcp://127.0.0.1:8786",
    "dashboard": "http://127.0.0.1:8787/status",
    "cluster_start_s": 0.01,
    "workers": {"tcp://127.0.0.1:40001": 4242},
}


def test_a_dashboard_becomes_a_link_and_a_missing_one_says_how_to_get_it():
    text, tip = dashboard_text(INFO, running=False)
    assert "<a href='http://127.0.0.1:8787/status'>" in text and "tcp://127.0.0.1:8786" in text
    assert "task stream" in tip
    local_running, _ = dashboard_text({**INFO, "cluster": "local"}, running=True)
    assert "<a href=" in local_running
    local_over, _ = dashboard_text({**INFO, "cluster": "local"}, running=False)
    assert "<a href=" not in local_over and "closed with the local cluster" in local_over
    none, tip = dashboard_text({**INFO, "dashboard": None}, running=True)
    assert "<a" not in none and "no dashboard" in none
    assert "pip install 'bokeh" in tip
    starting, _ = dashboard_text(None, running=True)
    assert "starting the cluster" in starting


def test_the_link_hides_for_other_modes(qtbot):
    window = make_window(qtbot)
    link = window.extensions.get(DaskLink)
    assert link.objectName() == "daskDashboardLink" and link.openExternalLinks()
    configure(window, mode="thread", count=5)
    run_and_wait(qtbot, window)
    assert link.isHidden()


@needs_dask
def test_a_dask_run_shows_what_its_record_says_about_the_dashboard(qtbot):
    window = make_window(qtbot)
    window.show()
    configure(window, mode="dask", workers=2, count=5)
    link = window.extensions.get(DaskLink)
    record = run_and_wait(qtbot, window, timeout_ms=120_000)
    assert record["ok"], record["workers"]
    assert not link.isHidden()
    text, tip = dashboard_text(record["dask"], running=False)
    assert link.text() == text and link.toolTip() == tip
    if record["dask"]["dashboard"] is None:  # bokeh is not installed here
        assert "pip install bokeh" in link.text()
