"""In dask mode each bar names the Dask worker that ran it, and its pid (issue 10)."""

from __future__ import annotations

from types import SimpleNamespace

from concurrency_explorer.core.metrics import WorkerState
from concurrency_explorer.gui.worker_rows import WorkersView


class _DaskLikeEngine:
    uses_start_method = False

    def __init__(self) -> None:
        self.addresses: dict[int, str] = {}

    def worker_places(self):  # DaskEngine.worker_places: each worker's Dask worker
        return dict(self.addresses)


def test_rows_show_the_dask_worker_address_and_pid(qtbot):
    view = WorkersView()
    qtbot.addWidget(view)
    engine = _DaskLikeEngine()
    workers = [WorkerState(i, 10, 10) for i in range(2)]
    run = SimpleNamespace(config=SimpleNamespace(mode="dask"), engine=engine, workers=workers)
    view.show_run(run)
    assert view.rows[0].label.text() == "worker 0\nnot started"
    workers[0].pid, workers[0].thread_id = 4242, 77
    engine.addresses[0] = "tcp://127.0.0.1:40123"
    view.refresh(run)
    assert view.rows[0].label.text() == "worker 0\ntcp://127.0.0.1:40123 · pid 4242"
    assert "tcp://127.0.0.1:40123" in view.rows[0].label.toolTip()
    # on stage beside a chart page the rows are one line: the address stays in the tooltip
    bar_height = view.rows[0].bar.minimumHeight()
    assert view.set_one_line(True) and not view.set_one_line(True)
    assert view.rows[0].label.text() == "worker 0 · pid 4242"
    assert view.rows[1].label.text() == "worker 1 · not started"
    assert "tcp://127.0.0.1:40123" in view.rows[0].label.toolTip()
    view.bar_lines = 2.0  # presentation mode's tall bars ...
    view.recolour()
    assert view.rows[0].bar.minimumHeight() == bar_height, "... are normal ones on one line"
    view.show_run(run)  # a new run's rows: one line too
    assert view.rows[0].label.text() == "worker 0 · pid 4242"
    assert view.set_one_line(False)
    assert view.rows[0].label.text() == "worker 0\ntcp://127.0.0.1:40123 · pid 4242"
    assert view.rows[0].bar.minimumHeight() > bar_height, "two lines: the tall bars again"
