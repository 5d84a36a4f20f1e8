"""The person's choices that outlive a session (QSettings), applied by the app shell.

``MainWindow()`` itself starts from fixed defaults, so tests and embedders get the
same window every time; ``run_gui`` applies and saves these preferences.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from .main_window import MainWindow

MEASURE_BASELINE_KEY = "run/measureBaseline"
PYTHON_KEY = "run/python"  # the interpreter for the workers (--python), this machine's
SCHEDULER_KEY = "run/scheduler"  # a Dask scheduler address (--scheduler)


def apply_preferences(window: MainWindow, settings: QSettings) -> None:
    """Restore saved choices into ``window`` and save them again whenever they change.

    "Time one after another first" defaults to on for a person at the app: the
    first Run then shows the workers one after another, then the chosen mode, and
    its speedup is measured rather than estimated.
    """
    check = window.measureBaselineCheck
    check.setChecked(bool(settings.value(MEASURE_BASELINE_KEY, True, type=bool)))
    check.toggled.connect(lambda on: settings.setValue(MEASURE_BASELINE_KEY, on))
    panel = window.configPanel
    for key, edit in ((PYTHON_KEY, panel.pythonEdit), (SCHEDULER_KEY, panel.schedulerEdit)):
        saved = str(settings.value(key, "") or "")
        if saved:
            edit.setText(saved)  # a path that is gone now shows as a configuration error
        edit.textChanged.connect(lambda text, key=key: settings.setValue(key, text.strip()))
