"""Before a file may name a program to run or a peer to contact: ask, default No.

Every way a file reaches the window (File > Open, a drop, Open recent, autorun)
goes through ``load_with_consent``: the file's configuration is shown at once
without its ``python`` / ``scheduler`` (``core.consent.withheld``), then one
window-modal question per such field shows the exact value (and whether a
scheduler is on this machine). Yes puts that value in; No, Escape or Enter
leave it out. The words live in ``core.consent``, shared with the CLI.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ..core import consent
from ..core.config import RunConfig

Apply = Callable[[RunConfig], None]


def load_with_consent(
    parent: QWidget,
    config: RunConfig,
    source: str,
    apply: Apply,
    done: Apply | None = None,
) -> RunConfig:
    """``apply`` the file's config without what needs consent, ask about that, then
    ``apply`` again with what was allowed (only if anything was) and call ``done``
    with the final config. Returns the config applied first."""
    pending = consent.asks(config)
    base = consent.withheld(config)
    apply(base)
    allowed: dict[str, str] = {}

    def next_question() -> None:
        if not pending:
            final = base.replace(**allowed) if allowed else base
            if allowed:
                apply(final)
            if done is not None:
                done(final)
            return
        ask = pending.pop(0)
        box = question_box(parent, ask, source)

        def answered(_result: int) -> None:
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
                allowed[ask.field] = ask.value
            box.deleteLater()
            next_question()

        box.finished.connect(answered)
        box.open()

    next_question()
    return base


def question_box(parent: QWidget, ask: consent.Ask, source: str) -> QMessageBox:
    """One question: the exact value as plain text, Yes / No with No the default."""
    box = QMessageBox(parent)
    box.setObjectName("consentDialog")
    box.setAccessibleName(f"Allow the file's {ask.field}?")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(f"Allow the file's {ask.field}?")
    box.setTextFormat(Qt.TextFormat.PlainText)  # a file's text is never markup
    box.setText(ask.question(source))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    no = box.button(QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(no)
    box.button(QMessageBox.StandardButton.Yes).setObjectName("consentYesButton")
    no.setObjectName("consentNoButton")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box
