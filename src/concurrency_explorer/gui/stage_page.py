"""What a tab page may tell the stage: how tall it must be to stay legible there.

A chart tab (Compare engines, Sweep) inherits ``StagePage`` next to ``QWidget``. In
presentation mode the stage (``stage.py``) calls ``set_staged`` on every such page and,
for the page shown, gives it ``stage_height()`` pixels before the bars take the rest
(the bars keep at least the verdict and one row). Its labels made as ``CappedLabel``
take their ``compact_lines`` there.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLayout, QWidget


class StagePage:
    """A tab page that lays itself out for a projector."""

    staged = False

    def set_staged(self, staged: bool) -> None:
        """Presentation mode entered (True) or left (False)."""
        self.staged = staged

    def fit_stage(self, room: int | None = None) -> None:
        """Lay out for the stage now (shown, at the stage's font), before ``stage_height``.

        ``room``: the pixels that leave the bars their first rows; a page that can get
        smaller (its names in a smaller font, down to a floor) fits itself into it."""

    def stage_height(self) -> int:
        """Pixels the page needs on stage to stay legible at this width (0: no claim)."""
        return 0


def height_besides(layout: QLayout, width: int, skip: QWidget) -> int:
    """Height a vertical ``layout`` needs for everything but ``skip`` at ``width``."""
    total = 0
    items = 0
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is None or item.isEmpty() or item.widget() is skip:
            continue
        items += 1
        hint = item.heightForWidth(width) if item.hasHeightForWidth() else -1
        total += hint if hint >= 0 else item.sizeHint().height()
    margins = layout.contentsMargins()
    return total + max(0, layout.spacing()) * items + margins.top() + margins.bottom()
