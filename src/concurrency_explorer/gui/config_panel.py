"""The configuration panel: mode, start method, workers, counts, kind, queue size.

It turns widget values into a core ``RunConfig`` (validation lives in the core)
and back. Tooltips teach the concept behind each choice.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.config import (
    DEFAULT_MODE,
    DEFAULT_QUEUE_SIZE,
    DEFAULT_STEP_SLEEP_S,
    MAX_COUNT,
    MAX_QUEUE_SIZE,
    MAX_WORKERS,
    ConfigError,
    RunConfig,
)
from ..core.engines import availability, get_engine_class, mode_names
from ..core.environment import default_start_method, start_methods
from ..resources import teaching_text

# teaching text: resources/text/*.md
START_METHOD_TIPS = {
    method: teaching_text(f"start-method-{method}") for method in ("fork", "forkserver", "spawn")
}
KIND_TIPS = {key: teaching_text(f"kind-{key}") for key in ("cpu", "io", "nogil")}
DEFAULT_GUI_COUNT = 3000  # 2 cpu processes: a first Run lasts a few visible seconds
PAGE_EXAMPLE: dict[str, Any] = {
    "workers": 2, "counts": (10, 20), "kind": "io", "step_sleep_s": 0.1,
}  # fmt: skip
START_METHOD_TIP = teaching_text("start-method")
HIDDEN_KEYS = (
    "step_iterations", "step_bytes", "report_interval_s", "faults", "echo", "worker_kinds"
)  # fmt: skip
PYTHON_TIP = teaching_text("python")
SWITCH_INTERVAL_TIP = teaching_text("switch-interval")
SCHEDULER_TIP = teaching_text("scheduler")


def _named(widget: QWidget, name: str, accessible: str, tip: str = "") -> QWidget:
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(tip)
    return widget


def parse_counts(text: str, shared: int, workers: int) -> tuple[int, ...]:
    """Per-worker overrides over one shared count: "10,20" or "10,,30" (blank = shared).

    Fewer numbers than workers is fine: the rest count ``shared``.
    """
    text = text.strip()
    if not text:
        return (shared,) * workers
    parts = [part.strip() for part in text.split(",")]
    if parts and parts[-1] == "":
        parts.pop()  # a trailing comma while typing
    if len(parts) > workers:
        raise ConfigError(f"{len(parts)} per-worker counts for {workers} workers")
    counts = []
    for part in parts:
        if not part:
            counts.append(shared)
            continue
        try:
            counts.append(int(part.replace("_", "")))
        except ValueError:
            raise ConfigError(f"per-worker count {part!r} is not a whole number") from None
    counts.extend([shared] * (workers - len(counts)))
    return tuple(counts)


class ConfigPanel(QGroupBox):
    """Widgets for one RunConfig; ``config()`` validates through the core."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Workers", parent)
        self.setObjectName("configPanel")
        self.setAccessibleName("Run configuration")
        self._extra: dict[str, object] = {}  # settings without widgets (scenarios, faults)
        self._build_mode_choice()
        self._build_workload_fields()
        self._build_presets()
        self._build_interpreter_fields()
        self._build_feedback_labels()
        self._build_layout()
        self._connect_changes()
        self._on_changed()

    def _build_mode_choice(self) -> None:
        """Mode and start method: every registered engine, with its tooltip."""
        self.modeCombo = QComboBox()
        _named(self.modeCombo, "modeCombo", "Mode", "How the workers run.")
        avail = availability()
        for mode in mode_names():
            engine = get_engine_class(mode)
            self.modeCombo.addItem(engine.label, mode)
            index = self.modeCombo.count() - 1
            ok, reason = avail[mode]
            tip = engine.tooltip()
            if not ok:
                tip = f"{tip}\nUnavailable here: {reason}"
                model = self.modeCombo.model()  # a QComboBox's own: a QStandardItemModel
                if isinstance(model, QStandardItemModel):
                    model.item(index).setEnabled(False)
            self.modeCombo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.modeCombo.setCurrentIndex(self.modeCombo.findData(DEFAULT_MODE))

        self.startMethodCombo = QComboBox()
        _named(self.startMethodCombo, "startMethodCombo", "Start method", START_METHOD_TIP)
        for method in start_methods():
            label = f"{method} (default)" if method == default_start_method() else method
            self.startMethodCombo.addItem(label, method)
            self.startMethodCombo.setItemData(
                self.startMethodCombo.count() - 1,
                START_METHOD_TIPS.get(method, ""),
                Qt.ItemDataRole.ToolTipRole,
            )

    def _build_workload_fields(self) -> None:
        """How many workers, how far each counts, what a step does, the GIL's switch interval."""
        self.workersSpin = QSpinBox()
        _named(
            self.workersSpin,
            "workersSpin",
            "Workers",
            f"How many workers run: 1 to {MAX_WORKERS}. One progress bar each.",
        )
        self.workersSpin.setRange(1, MAX_WORKERS)
        self.workersSpin.setValue(2)

        self.countSpin = QSpinBox()
        _named(
            self.countSpin,
            "countSpin",
            "Count per worker",
            "How many steps each worker counts down (one shared count; override single "
            "workers in the field below).",
        )
        self.countSpin.setRange(1, min(MAX_COUNT, 2**31 - 1))
        self.countSpin.setGroupSeparatorShown(True)
        self.countSpin.setValue(DEFAULT_GUI_COUNT)

        self.countsEdit = QLineEdit()
        _named(
            self.countsEdit,
            "countsEdit",
            "Per-worker counts",
            "Optional per-worker overrides of the shared count, in worker order: "
            "'10,20' gives worker 0 ten steps and worker 1 twenty; a blank entry ('10,,30') "
            "or a missing one keeps the shared count.",
        )
        self.countsEdit.setPlaceholderText("optional, e.g. 10,20")
        self.countsEdit.setClearButtonEnabled(True)

        self.kindCombo = QComboBox()
        _named(self.kindCombo, "kindCombo", "Kind of work", "What one countdown step does.")
        for kind, tip in KIND_TIPS.items():
            self.kindCombo.addItem(kind, kind)
            self.kindCombo.setItemData(self.kindCombo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)

        self.stepSleepSpin = QDoubleSpinBox()
        _named(
            self.stepSleepSpin,
            "stepSleepSpin",
            "Sleep per io step in milliseconds",
            "How long one io step sleeps (the stand-in for waiting on a disk or network). "
            "Used by the io kind only.",
        )
        self.stepSleepSpin.setRange(0.0, 10_000.0)
        self.stepSleepSpin.setDecimals(1)
        self.stepSleepSpin.setSuffix(" ms")
        self.stepSleepSpin.setValue(DEFAULT_STEP_SLEEP_S * 1000)

        self.queueSizeSpin = QSpinBox()
        _named(
            self.queueSizeSpin,
            "queueSizeSpin",
            "Queue size",
            "Bound of the result queue all workers report through. Progress may fill half "
            "of it: past that it is dropped and counted (the if-then-try put) and workers "
            "report less often until the window catches up. The other half is kept for "
            "start and end messages, which wait for room, never dropped. 0 = unbounded, "
            "which the page warns grows without limit.",
        )
        self.queueSizeSpin.setRange(0, MAX_QUEUE_SIZE)
        self.queueSizeSpin.setGroupSeparatorShown(True)
        self.queueSizeSpin.setValue(DEFAULT_QUEUE_SIZE)
        self.queueSizeSpin.setSpecialValueText("unbounded")

        self.switchIntervalSpin = QDoubleSpinBox()
        _named(
            self.switchIntervalSpin,
            "switchIntervalSpin",
            "GIL switch interval in milliseconds",
            SWITCH_INTERVAL_TIP,
        )
        self.switchIntervalSpin.setRange(0.0, 1000.0)
        self.switchIntervalSpin.setDecimals(1)
        self.switchIntervalSpin.setSuffix(" ms")
        self.switchIntervalSpin.setSpecialValueText("Python's default (5 ms)")

    def _build_presets(self) -> None:
        """The Page example and Defaults buttons."""
        self.pagePresetButton = QPushButton("Page e&xample")
        _named(
            self.pagePresetButton,
            "pagePresetButton",
            "Page example preset",
            "The page's example: 2 workers counting down 10 and 20, one step every 0.1 s, "
            "so you can watch both bars move (about 2 s). Keeps the mode and start method.",
        )
        self.pagePresetButton.clicked.connect(self.apply_page_example)
        self.defaultsButton = QPushButton("&Defaults")
        _named(
            self.defaultsButton,
            "defaultsButton",
            "Default settings",
            "Back to the defaults: 2 cpu workers as processes, 3,000 steps each.",
        )
        self.defaultsButton.clicked.connect(self.restore_defaults)

    def _build_interpreter_fields(self) -> None:
        """Another Python for the workers, and a Dask scheduler."""
        self.pythonEdit = QLineEdit()
        _named(self.pythonEdit, "pythonEdit", "Python interpreter for the workers", PYTHON_TIP)
        self.pythonEdit.setPlaceholderText("this Python; e.g. /usr/bin/python3.14t")
        self.pythonEdit.setClearButtonEnabled(True)
        self.pythonBrowseButton = QPushButton("…")
        _named(
            self.pythonBrowseButton,
            "pythonBrowseButton",
            "Choose a Python interpreter",
            "Choose the Python interpreter that runs the workers (a file picker).",
        )
        self.pythonBrowseButton.setMaximumWidth(32)
        self.pythonBrowseButton.clicked.connect(self.browse_python)
        python_row = QHBoxLayout()
        python_row.setContentsMargins(0, 0, 0, 0)
        python_row.addWidget(self.pythonEdit, 1)
        python_row.addWidget(self.pythonBrowseButton)
        self.pythonRow = QWidget()
        self.pythonRow.setLayout(python_row)
        self.schedulerEdit = QLineEdit()
        _named(self.schedulerEdit, "schedulerEdit", "Dask scheduler address", SCHEDULER_TIP)
        self.schedulerEdit.setPlaceholderText("a LocalCluster; or tcp://HOST:PORT")
        self.schedulerEdit.setClearButtonEnabled(True)

    def _build_feedback_labels(self) -> None:
        """The resulting counts, the other settings and the error line."""
        self.countsPreview = QLabel()
        _named(self.countsPreview, "countsPreview", "Resulting counts")
        self.countsPreview.setWordWrap(True)
        self.extrasLabel = QLabel()
        _named(self.extrasLabel, "extrasLabel", "Other settings")
        self.extrasLabel.setWordWrap(True)
        self.errorLabel = QLabel()
        _named(self.errorLabel, "configError", "Configuration error")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setStyleSheet("color: #c0392b;")

    def _build_layout(self) -> None:
        """One labelled row per setting (each label a buddy), the presets, the feedback."""
        form = QFormLayout()
        rows = (
            ("&Mode", self.modeCombo),
            ("Start me&thod", self.startMethodCombo),
            ("&Workers", self.workersSpin),
            ("&Count", self.countSpin),
            ("&Per-worker", self.countsEdit),
            ("", self.countsPreview),
            ("&Kind", self.kindCombo),
            ("S&leep per step", self.stepSleepSpin),
            ("&Queue size", self.queueSizeSpin),
            ("GIL switch &interval", self.switchIntervalSpin),
            ("P&ython", self.pythonRow),
            ("Sc&heduler", self.schedulerEdit),
        )
        for text, widget in rows:
            if text:
                buddy_label = QLabel(text)
                buddy_label.setBuddy(self.pythonEdit if widget is self.pythonRow else widget)
                form.addRow(buddy_label, widget)
            else:
                form.addRow(widget)
        presets = QHBoxLayout()
        presets.addWidget(self.pagePresetButton)
        presets.addWidget(self.defaultsButton)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(presets)
        layout.addWidget(self.extrasLabel)
        layout.addWidget(self.errorLabel)

    def _connect_changes(self) -> None:
        """Any change re-checks and re-describes the configuration."""
        for combo in (self.modeCombo, self.startMethodCombo, self.kindCombo):
            combo.currentIndexChanged.connect(self._on_changed)
        for spin in (self.workersSpin, self.countSpin, self.queueSizeSpin):
            spin.valueChanged.connect(self._on_changed)
        self.stepSleepSpin.valueChanged.connect(self._on_changed)
        self.switchIntervalSpin.valueChanged.connect(self._on_changed)
        self.countsEdit.textChanged.connect(self._on_changed)
        self.pythonEdit.textChanged.connect(self._on_changed)
        self.schedulerEdit.textChanged.connect(self._on_changed)

    # -- values --------------------------------------------------------------

    @property
    def mode(self) -> str:
        return str(self.modeCombo.currentData())

    def start_method(self) -> str | None:
        """The chosen start method, or None when the mode starts no processes of its own."""
        if not get_engine_class(self.mode).uses_start_method:
            return None
        method = self.startMethodCombo.currentData()
        return method if isinstance(method, str) else None

    def python_path(self) -> str | None:
        """The interpreter in the Python field (whatever the mode), or None when empty."""
        return self.pythonEdit.text().strip() or None

    def scheduler_address(self) -> str | None:
        """The Dask scheduler in its field (whatever the mode), or None when empty."""
        return self.schedulerEdit.text().strip() or None

    def counts(self) -> tuple[int, ...]:
        return parse_counts(
            self.countsEdit.text(), self.countSpin.value(), self.workersSpin.value()
        )

    def config(self) -> RunConfig:
        """The RunConfig the widgets describe; raises ConfigError with a plain message."""
        engine = get_engine_class(self.mode)
        values: dict[str, Any] = dict(self._extra)
        values.update(
            mode=self.mode,
            start_method=self.start_method(),
            workers=self.workersSpin.value(),
            counts=self.counts(),
            kind=self.kindCombo.currentData(),
            step_sleep_s=round(self.stepSleepSpin.value() / 1000, 6),
            queue_size=self.queueSizeSpin.value(),
        )
        for name, edit in (("python", self.pythonEdit), ("scheduler", self.schedulerEdit)):
            text = edit.text().strip()
            if text and name in engine.options:  # other modes ignore the field (it is greyed)
                values[name] = text
        switch_ms = self.switchIntervalSpin.value()
        if switch_ms and "switch_interval_s" in engine.options:
            values["switch_interval_s"] = round(switch_ms / 1000, 6)
        for key in ("faults", "worker_kinds"):  # a preset's, for workers that no longer exist
            mapping = values.get(key)
            if isinstance(mapping, dict):
                values[key] = {k: v for k, v in mapping.items() if k < self.workersSpin.value()}
        return RunConfig(**values)

    def set_config(self, config: RunConfig) -> None:
        """Show ``config`` in the widgets (settings without a widget are kept too)."""
        widgets = (
            self.modeCombo,
            self.startMethodCombo,
            self.workersSpin,
            self.countSpin,
            self.countsEdit,
            self.kindCombo,
            self.stepSleepSpin,
            self.queueSizeSpin,
            self.switchIntervalSpin,
            self.pythonEdit,
            self.schedulerEdit,
        )
        for widget in widgets:
            widget.blockSignals(True)
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
            self.stepSleepSpin.setValue(config.step_sleep_s * 1000)
            self.queueSizeSpin.setValue(config.queue_size)
            self.switchIntervalSpin.setValue((config.switch_interval_s or 0.0) * 1000)
            # remembered choices of this machine: a config without them keeps the fields
            if config.python is not None:
                self.pythonEdit.setText(config.python)
            if config.scheduler is not None:
                self.schedulerEdit.setText(config.scheduler)
            defaults = RunConfig()
            self._extra = {
                key: getattr(config, key)
                for key in HIDDEN_KEYS
                if getattr(config, key) != getattr(defaults, key)
            }
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._on_changed()

    def apply_page_example(self) -> None:
        """2 workers counting 10 and 20, one step per 0.1 s: slow enough to watch."""
        config = RunConfig(
            mode=self.mode,
            start_method=self.start_method(),
            queue_size=self.queueSizeSpin.value(),
            **PAGE_EXAMPLE,
        )
        self.set_config(config)

    def restore_defaults(self) -> None:
        self.set_config(RunConfig.build(count=DEFAULT_GUI_COUNT))
        self.pythonEdit.clear()  # the defaults: this Python, a LocalCluster
        self.schedulerEdit.clear()
        self.startMethodCombo.setCurrentIndex(0)  # the platform default is listed first

    def browse_python(self) -> None:
        """A file picker for the interpreter; cancelling keeps the field as it was."""
        start = self.pythonEdit.text().strip() or "/usr/bin"
        path, _filter = QFileDialog.getOpenFileName(
            self, "Python interpreter for the workers", start
        )
        if path:
            self.pythonEdit.setText(path)

    # -- feedback ------------------------------------------------------------

    def _sync_enabled(self) -> None:
        uses = get_engine_class(self.mode).uses_start_method
        self.startMethodCombo.setEnabled(uses)
        method = self.startMethodCombo.currentData()
        tip = START_METHOD_TIP + "\n\n" + START_METHOD_TIPS.get(method, "")
        if not uses:
            tip = "Only processes have a start method: threads and one-after-another run " + (
                "inside one host process.\n\n" + tip
            )
        self.startMethodCombo.setToolTip(tip)
        mode_tip = self.modeCombo.currentData(Qt.ItemDataRole.ToolTipRole)
        self.modeCombo.setToolTip(f"How the workers run.\n\n{mode_tip}")
        kind_tip = KIND_TIPS.get(self.kindCombo.currentData(), "")
        self.kindCombo.setToolTip(f"What one countdown step does.\n\n{kind_tip}")
        self.stepSleepSpin.setEnabled(self.kindCombo.currentData() == "io")
        options = get_engine_class(self.mode).options
        takes_python = "python" in options
        self.pythonEdit.setEnabled(takes_python)
        self.pythonBrowseButton.setEnabled(takes_python)
        python_modes = ", ".join(m for m in mode_names() if "python" in get_engine_class(m).options)
        python_tip = PYTHON_TIP + f"\n\nModes that honour it: {python_modes}."
        if not takes_python:
            python_tip = f"Not used by this mode ({self.mode}).\n\n" + python_tip
        self.pythonEdit.setToolTip(python_tip)
        self.schedulerEdit.setEnabled("scheduler" in options)
        takes_switch = "switch_interval_s" in options
        self.switchIntervalSpin.setEnabled(takes_switch)
        self.switchIntervalSpin.setToolTip(
            SWITCH_INTERVAL_TIP
            if takes_switch
            else f"Not used by this mode ({self.mode}): its workers do not share one GIL.\n\n"
            + SWITCH_INTERVAL_TIP
        )

    def _describe_extras(self) -> str:
        parts = []
        faults = self._extra.get("faults")
        if isinstance(faults, dict) and faults:
            parts.append(
                "injected faults: "
                + ", ".join(f"worker {k} {v}" for k, v in sorted(faults.items()))
            )
        kinds = self._extra.get("worker_kinds")
        if isinstance(kinds, dict) and kinds:
            pairs = ", ".join(f"worker {k} {v}" for k, v in sorted(kinds.items()))
            parts.append(f"per-worker kinds: {pairs}")
        for key in ("step_iterations", "step_bytes", "report_interval_s", "echo"):
            if key in self._extra:
                parts.append(f"{key.replace('_', ' ')} = {self._extra[key]}")
        return ("Also set (by a preset; Defaults clears): " + "; ".join(parts)) if parts else ""

    def _on_changed(self) -> None:
        self._sync_enabled()
        self.extrasLabel.setText(self._describe_extras())
        self.extrasLabel.setVisible(bool(self.extrasLabel.text()))
        try:
            counts = self.counts()
            self.config()
        except ConfigError as exc:
            self.errorLabel.setText(str(exc))
            self.countsPreview.clear()
        else:
            self.errorLabel.clear()
            if self.countsEdit.text().strip():
                self.countsPreview.setText(
                    "Counts: " + ", ".join(f"{c:,}" for c in counts[:16])
                    + (" …" if len(counts) > 16 else "")
                )  # fmt: skip
            else:
                self.countsPreview.clear()
        self.countsPreview.setVisible(bool(self.countsPreview.text()))
        self.errorLabel.setVisible(bool(self.errorLabel.text()))
        self.changed.emit()
