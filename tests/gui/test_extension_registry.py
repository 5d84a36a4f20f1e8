"""Extensions reach each other through ``window.extensions``, typed, never as ad-hoc
window attributes or by a string (issue 19)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from concurrency_explorer.gui import extensions
from concurrency_explorer.gui.compare_view import CompareView
from concurrency_explorer.gui.cpu_monitor import CpuMonitor
from concurrency_explorer.gui.extension_registry import ExtensionRegistry
from concurrency_explorer.gui.presentation import Presentation
from concurrency_explorer.gui.scenario_browser import ScenarioBrowser

from .helpers import make_window

GUI = Path(extensions.__file__).parent


class Base:
    pass


class Derived(Base):
    pass


def test_the_registry_finds_by_class_and_refuses_two_of_one():
    registry = ExtensionRegistry()
    thing = registry.add(Derived())
    assert registry.get(Derived) is thing
    assert registry.get(Base) is thing, "a subclass answers for its base"
    assert registry.find(int) is None and int not in registry
    with pytest.raises(LookupError, match="no int in this window"):
        registry.get(int)
    with pytest.raises(ValueError, match="has a Derived already"):
        registry.add(Derived())
    assert list(registry) == [thing] and len(registry) == 1


def test_extensions_add_no_attributes_to_the_window(qtbot, monkeypatch):
    bare_attributes = set(vars(make_window_without_extensions(qtbot, monkeypatch)))
    window = make_window(qtbot)
    assert set(vars(window)) == bare_attributes, "an extension set an attribute on the window"
    for kind in (CompareView, CpuMonitor, Presentation, ScenarioBrowser):
        assert isinstance(window.extensions.get(kind), kind)
    dock = window.extensions.get(ScenarioBrowser).dock
    assert dock is not None and dock.objectName() == "scenarioBrowserDock"


def make_window_without_extensions(qtbot, monkeypatch):
    from concurrency_explorer.gui import main_window

    monkeypatch.setattr(main_window, "INSTALLERS", [])
    window = make_window(qtbot)
    monkeypatch.undo()
    return window


def test_actions_are_made_one_way_and_extensions_are_found_by_type():
    """``MainWindow.add_action`` makes every action; no module looks another up by name."""
    for path in sorted(GUI.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "main_window.py":
            assert "QAction(" not in text, f"{path.name} makes an action of its own"
        assert not re.search(r"getattr\((self\.)?window_?\b", text), f"{path.name}: getattr"
        assert not re.search(r"^\s*window\.\w+ = ", text, re.M), f"{path.name} sets an attribute"
