"""Start a run as soon as the window is up, from an experiment file named in the
environment: ``CONCURRENCY_EXPLORER_AUTORUN=path/to/experiment.json``.

For scripted demos, kiosk setups and the tests that must drive the real app from
outside (tests/test_parent_death.py SIGKILLs the window mid-run). The file goes
through the same defensive loader as File > Open; a bad file shows the usual
one-line message in the status bar and nothing runs.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QTimer

from ..core.experiment import ExperimentError, load_experiment_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

ENV = "CONCURRENCY_EXPLORER_AUTORUN"


def start(window: MainWindow, path: str) -> bool:
    """Load ``path`` into the panel and press Run. False (and a message) if unusable."""
    try:
        experiment = load_experiment_file(path)
    except ExperimentError as exc:
        window.statusLabel.setText(f"Autorun: {exc}")
        return False
    window.configPanel.set_config(experiment.config)
    if experiment.stall_after_s is not None:
        window.controller.stall_after_s = experiment.stall_after_s
    # Run exactly what the file says: no one-after-another baseline first, whatever
    # the person's preference (a scripted demo or a test must get the run it asked for).
    window.measureBaselineCheck.setChecked(False)
    return window.start_run() is not None


def install(window: MainWindow) -> None:
    path = os.environ.get(ENV)
    if path:
        QTimer.singleShot(0, lambda: start(window, path))  # once the event loop runs
