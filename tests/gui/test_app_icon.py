"""The app icon carries every size, so no size is a blurry scale-down of another."""

from __future__ import annotations

from PySide6.QtCore import QSize

from concurrency_explorer.gui.app_icon import ICON_SIZES, app_icon


def test_icon_has_every_size(qtbot):
    icon = app_icon()
    assert not icon.isNull()
    assert {QSize(s, s) for s in ICON_SIZES} <= set(icon.availableSizes())
    image = icon.pixmap(64, 64).toImage()
    centre = image.pixelColor(32, 32)
    corner = image.pixelColor(0, 0)
    assert corner.alpha() == 0  # rounded corners are transparent
    assert centre.alpha() == 255
