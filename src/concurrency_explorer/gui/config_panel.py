"""The configuration panel: mode, start method, workers, counts, kind, queue size.

It turns widget values into a core ``RunConfig`` (validation lives in the core)
and back. Tooltips teach the concept behind each choice.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.config import (
    DEFAULT_QUEUE_SIZE,
    MAX_COUNT,
    MAX_QUEUE_SIZE,
    MAX_WORKERS,
    ConfigError,
    RunConfig,
)
from ..core.engines import availability, get_engine_class, mode_names
from ..core.environment import default_start_method, start_methods

START_METHOD_TIPS = {
    "fork": (
        "fork: the child is a copy of this process at the moment of the call (fast, "
        "about 2 ms). It copies every lock in the state it was in; a lock held by another "
        "thread at that moment stays locked forever in the child."
    ),
    "forkserver": (
        "forkserver: a clean server process is started once; each child is forked from it, "
        "not from the app. Safe with threads, warm after the first start."
    ),
    "spawn": (
        "spawn: a brand-new Python interpreter per child, which imports the worker module. "
        "Slowest to start, safest, the only method on Windows."
    ),
}
KIND_TIPS = {
    "cpu": "cpu: a pure-Python countdown loop. It holds the GIL, so threads take turns.",
    "io": "io: each step sleeps. Sleeping releases the GIL, so threads overlap.",
    "nogil": "nogil: each step hashes a buffer in C code that releases the GIL.",
}
MODE_TIPS = {
    "sequential": "One worker after another: the baseline every speedup is measured against.",
    "thread": (
        "Threads share one interpreter and, in CPython, one GIL: only one runs Python "
        "bytecode at a time, so CPU-bound threads do not run faster than one after another."
    ),
    "process": (
        "Processes each have their own interpreter and GIL: CPU-bound work runs in "
        "parallel on several cores, at the price of start-up and copying data."
    ),
}
DEFAULT_GUI_COUNT = 2000
PAGE_EXAMPLE = {"workers": 2, "counts": (10, 20), "kind": "io", "step_sleep_s": 0.1}


def _named(widget: QWidget, name: str, accessible: str, tip: str = "") -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(tip)
    return widget


class ConfigPanel(QGroupBox):
    """Widgets for one RunConfig; ``config()`` validates through the core."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Workers", parent)
        self.setObjectName("configPanel")
        self._extra: dict[str, object] = {}  # settings without widgets (e.g. step sleep)

        self.modeCombo = QComboBox()
        _named(self.modeCombo, "modeCombo", "Mode", "How the workers run.")
        avail = availability()
        for mode in mode_names():
            engine = get_engine_class(mode)
            self.modeCombo.addItem(engine.label, mode)
            index = self.modeCombo.count() - 1
            ok, reason = avail[mode]
            tip = MODE_TIPS.get(mode, engine.description)
            if not ok:
                tip = f"{tip}\nUnavailable here: {reason}"
                self.modeCombo.model().item(index).setEnabled(False)
            self.modeCombo.setItemData(index, tip, role=3)  # Qt.ToolTipRole
        self.modeCombo.setCurrentIndex(self.modeCombo.findData("process"))

        self.startMethodCombo = QComboBox()
        _named(
            self.startMethodCombo,
            "startMethodCombo",
            "Start method",
            "How a new process is made. Only the methods this platform offers are listed.",
        )
        for method in start_methods():
            label = f"{method} (default)" if method == default_start_method() else method
            self.startMethodCombo.addItem(label, method)
            self.startMethodCombo.setItemData(
                self.startMethodCombo.count() - 1, START_METHOD_TIPS.get(method, ""), role=3
            )

        self.workersSpin = QSpinBox()
        _named(self.workersSpin, "workersSpin", "Workers", f"1 to {MAX_WORKERS} workers.")
        self.workersSpin.setRange(1, MAX_WORKERS)
        self.workersSpin.setValue(2)

        self.countSpin = QSpinBox()
        _named(
            self.countSpin,
            "countSpin",
            "Count per worker",
            "How many steps each worker counts down (one shared count).",
        )
        self.countSpin.setRange(1, min(MAX_COUNT, 2**31 - 1))
        self.countSpin.setValue(DEFAULT_GUI_COUNT)

        self.countsEdit = QLineEdit()
        _named(
            self.countsEdit,
            "countsEdit",
            "Per-worker counts",
            "Optional per-worker counts, e.g. 10,20: one number per worker overrides the "
            "shared count.",
        )
        self.countsEdit.setPlaceholderText("e.g. 10,20 (optional)")

        self.kindCombo = QComboBox()
        _named(self.kindCombo, "kindCombo", "Kind of work", "What one countdown step does.")
        for kind, tip in KIND_TIPS.items():
            self.kindCombo.addItem(kind, kind)
            self.kindCombo.setItemData(self.kindCombo.count() - 1, tip, role=3)

        self.queueSizeSpin = QSpinBox()
        _named(
            self.queueSizeSpin,
            "queueSizeSpin",
            "Queue size",
            "Bound of the result queue. Progress that finds it full is dropped and counted; "
            "final messages wait. 0 = unbounded, which the page warns grows without limit.",
        )
        self.queueSizeSpin.setRange(0, MAX_QUEUE_SIZE)
        self.queueSizeSpin.setValue(DEFAULT_QUEUE_SIZE)
        self.queueSizeSpin.setSpecialValueText("unbounded")

        self.pagePresetButton = QPushButton("Page example")
        _named(
            self.pagePresetButton,
            "pagePresetButton",
            "Page example preset",
            "The page's example: 2 workers counting 10 and 20, slow enough to watch.",
        )
        self.pagePresetButton.clicked.connect(self.apply_page_example)

        self.errorLabel = QLabel()
        _named(self.errorLabel, "configError", "Configuration error")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setStyleSheet("color: #c0392b;")

        form = QFormLayout()
        form.addRow("&Mode", self.modeCombo)
        form.addRow("Start &method", self.startMethodCombo)
        form.addRow("&Workers", self.workersSpin)
        form.addRow("&Count", self.countSpin)
        form.addRow("Per-worker", self.countsEdit)
        form.addRow("&Kind", self.kindCombo)
        form.addRow("&Queue size", self.queueSizeSpin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pagePresetButton)
        layout.addWidget(self.errorLabel)

        for combo in (self.modeCombo, self.startMethodCombo, self.kindCombo):
            combo.currentIndexChanged.connect(self._on_changed)
        for spin in (self.workersSpin, self.countSpin, self.queueSizeSpin):
            spin.valueChanged.connect(self._on_changed)
        self.countsEdit.textChanged.connect(self._on_changed)
        self._sync_enabled()

    # -- values --------------------------------------------------------------

    @property
    def mode(self) -> str:
        return str(self.modeCombo.currentData())

    def counts(self) -> tuple[int, ...]:
        text = self.countsEdit.text().strip()
        workers = self.workersSpin.value()
        if not text:
            return (self.countSpin.value(),) * workers
        try:
            values = [int(part) for part in text.replace(" ", "").split(",") if part]
        except ValueError:
            raise ConfigError(f"per-worker counts must be whole numbers, got {text!r}") from None
        if len(values) != workers:
            raise ConfigError(f"{len(values)} per-worker counts for {workers} workers")
        return tuple(values)

    def config(self) -> RunConfig:
        """The RunConfig the widgets describe; raises ConfigError with a plain message."""
        engine = get_engine_class(self.mode)
        values: dict[str, object] = dict(self._extra)
        values.update(
            mode=self.mode,
            start_method=self.startMethodCombo.currentData() if engine.uses_start_method else None,
            workers=self.workersSpin.value(),
            counts=self.counts(),
            kind=self.kindCombo.currentData(),
            queue_size=self.queueSizeSpin.value(),
        )
        return RunConfig(**values)  # type: ignore[arg-type]

    def set_config(self, config: RunConfig) -> None:
        """Show ``config`` in the widgets (settings without a widget are kept too)."""
        self.blockSignals(True)
        try:
            self.modeCombo.setCurrentIndex(self.modeCombo.findData(config.mode))
            if config.effective_start_method:
                self.startMethodCombo.setCurrentIndex(
                    self.startMethodCombo.findData(config.effective_start_method)
                )
            self.workersSpin.setValue(config.workers)
            if len(set(config.counts)) == 1:
                self.countSpin.setValue(config.counts[0])
                self.countsEdit.clear()
            else:
                self.countsEdit.setText(",".join(map(str, config.counts)))
            self.kindCombo.setCurrentIndex(self.kindCombo.findData(config.kind))
            self.queueSizeSpin.setValue(config.queue_size)
            data = config.to_dict()
            self._extra = {
                key: getattr(config, key)
                for key in ("step_iterations", "step_sleep_s", "step_bytes", "report_interval_s",
                            "faults", "echo")
                if key in data
            }  # fmt: skip
        finally:
            self.blockSignals(False)
        self._on_changed()

    def apply_page_example(self) -> None:
        """2 workers counting 10 and 20, one step per 0.1 s: slow enough to watch."""
        config = RunConfig(
            mode=self.mode,
            start_method=(
                self.startMethodCombo.currentData()
                if get_engine_class(self.mode).uses_start_method
                else None
            ),
            **PAGE_EXAMPLE,  # type: ignore[arg-type]
        )
        self.set_config(config)

    def _sync_enabled(self) -> None:
        uses = get_engine_class(self.mode).uses_start_method
        self.startMethodCombo.setEnabled(uses)

    def _on_changed(self) -> None:
        self._sync_enabled()
        try:
            self.config()
        except ConfigError as exc:
            self.errorLabel.setText(str(exc))
        else:
            self.errorLabel.clear()
        self.changed.emit()
