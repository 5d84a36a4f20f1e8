"""The Dask dashboard link above the bars while a ``dask`` run goes (issue 10).

The dashboard (task stream, per-worker CPU and memory) is served by the scheduler
only when bokeh is installed where the scheduler runs; the engine's record extras
(``record["dask"]["dashboard"]``) carry its address. A LocalCluster's dashboard
lives as long as the run; an external scheduler's outlives it.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout

from ..core.engines import engine_for, get_engine_class
from ..core.runner import Run
from ..resources import teaching_text
from .capped_label import CappedLabel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

STARTING_TEXT = "Dask: starting the cluster (or connecting to the scheduler)…"
DASHBOARD_TIP = teaching_text("dask-dashboard")
NO_DASHBOARD_TIP = teaching_text("dask-no-dashboard")


def dashboard_text(info: dict[str, Any] | None, *, running: bool) -> tuple[str, str]:
    """(rich text, tooltip) for a dask run's ``record["dask"]``; None: not up yet."""
    if not info:
        return html.escape(STARTING_TEXT), DASHBOARD_TIP
    scheduler = html.escape(str(info.get("scheduler") or "?"))
    local = info.get("cluster") == "local"
    where = f"local cluster, scheduler {scheduler}" if local else f"scheduler {scheduler}"
    url = info.get("dashboard")
    if not url:
        return (
            f"Dask ({where}): no dashboard; <i>pip install bokeh</i> to get one.",
            NO_DASHBOARD_TIP,
        )
    if local and not running:
        return (
            f"Dask ({where}): the dashboard closed with the local cluster "
            f"(it was at {html.escape(url)}).",
            DASHBOARD_TIP + " A local cluster and its dashboard end with the run.",
        )
    link = f"<a href='{html.escape(url, quote=True)}'>Open the Dask dashboard</a>"
    return f"{link} ({where})", DASHBOARD_TIP + f"\n\n{url}"


class DaskLink(CappedLabel):
    """Hidden unless the run is a dask run; follows the controller's signals (one line
    above the bars while a chart is on stage)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(compact_lines=1)
        self.setObjectName("daskDashboardLink")
        self.setAccessibleName("Dask dashboard")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setOpenExternalLinks(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setWordWrap(True)
        self.hide()
        self._shown_info: dict[str, Any] | None = None
        window.controller.started.connect(self._on_started)
        window.controller.updated.connect(self._on_updated)
        window.controller.finished.connect(self._on_finished)

    def show_info(self, info: dict[str, Any] | None, *, running: bool) -> None:
        text, tip = dashboard_text(info, running=running)
        self.setText(text)
        self.setToolTip(tip)
        self.show()

    def _on_started(self, run: Run) -> None:
        self._shown_info = None
        if not get_engine_class(run.config.mode).has_dashboard:
            self.hide()
            return
        self.show_info(None, running=True)

    def _on_updated(self, run: Run, _messages: list[Any]) -> None:
        if not get_engine_class(run.config.mode).has_dashboard or self._shown_info:
            return
        # the engine sets its extras once, on the launcher thread, when the cluster is up
        info = run.engine.record_extras().get("dask")
        if info:
            self._shown_info = info
            self.show_info(info, running=True)

    def _on_finished(self, record: dict[str, Any]) -> None:
        engine = engine_for(record["config"]["mode"])
        if engine is not None and engine.has_dashboard:
            self.show_info(record.get("dask"), running=False)


def install(window: MainWindow) -> None:
    link = DaskLink(window)
    window.extensions.add(link)
    pane = window.phaseLabel.parentWidget()  # the run area: phase line above the bars
    layout = pane.layout() if pane is not None else None
    if not isinstance(layout, QBoxLayout):
        raise TypeError("the phase line is not in a box layout: where do the bars start?")
    layout.insertWidget(1, link)
