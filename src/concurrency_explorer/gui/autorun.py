"""Start a run as soon as the window is up, from an experiment file named in the
environment: ``CONCURRENCY_EXPLORER_AUTORUN=path/to/experiment.json``.

For scripted demos, kiosk setups and the tests that must drive the real app from
outside (tests/test_parent_death.py SIGKILLs the window mid-run). The file goes
through the same defensive loader as File > Open; a bad file shows the usual
one-line message in the status bar and nothing runs. A file that names a program
or a peer (``python``, ``scheduler``) gets the same question as File > Open, and
the run starts once it is answered.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QTimer

from ..core import consent
from ..core.experiment import ExperimentError, load_experiment_file
from .consent_dialog import load_with_consent

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .main_window import MainWindow

ENV = "CONCURRENCY_EXPLORER_AUTORUN"


def start(window: MainWindow, path: str) -> bool:
    """Load ``path`` into the panel and press Run. False (and a message) if unusable;
    True once the run started, or while it waits for the person's answer."""
    try:
        experiment = load_experiment_file(path)
    except ExperimentError as exc:
        window.statusLabel.setText(f"Autorun: {exc}")
        return False
    if experiment.stall_after_s is not None:
        window.controller.stall_after_s = experiment.stall_after_s
    # Run exactly what the file says: no one-after-another baseline first, whatever
    # the person's preference (a scripted demo or a test must get the run it asked for).
    window.measureBaselineCheck.setChecked(False)
    started: list[bool] = []
    load_with_consent(
        window,
        experiment.config,
        Path(path).name,
        window.configPanel.set_config,
        lambda _config: started.append(window.start_run() is not None),
    )
    return bool(consent.asks(experiment.config)) or started == [True]


def install(window: MainWindow) -> None:
    path = os.environ.get(ENV)
    if path:
        QTimer.singleShot(0, lambda: start(window, path))  # once the event loop runs
