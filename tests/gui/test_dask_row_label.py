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
