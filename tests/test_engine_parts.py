"""Every registered engine owns every part of its mode (CONTRIBUTING.md, "Adding an engine").

The window and the CLI ask the engine for its words, its explanations, its standalone
script, its child entry point and its shutdown; none of them knows a mode by name.
"""

from __future__ import annotations

import ast
from types import SimpleNamespace

import pytest

from concurrency_explorer.core.child.workers import KINDS, host_function
from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.engines import (
    Engine,
    get_engine_class,
    mode_names,
    shutdown_all,
)
from concurrency_explorer.core.engines.mp import HostEngine
from concurrency_explorer.core.scenarios.codegen import script_for_config


def _config(engine: type[Engine], kind: str) -> SimpleNamespace:
    """What ``expectation`` reads of a config, also for a mode unavailable here."""
    method = "spawn" if engine.uses_start_method else None
    return SimpleNamespace(
        mode=engine.mode, workers=3, kind=kind, effective_start_method=method, python=None
    )


@pytest.mark.parametrize("mode", mode_names())
def test_every_engine_says_what_its_mode_is(mode):
    engine = get_engine_class(mode)
    assert engine.mode == mode
    for text in (engine.label, engine.description, engine.tooltip(), engine.unit, engine.noun):
        assert text.strip(), f"{mode}: an empty name or description"
    assert engine.ran_as.strip(), f"{mode}: no words for how its workers ran"
    for kind in KINDS:
        expectation = engine.expectation(_config(engine, kind))
        assert expectation.endswith("."), (mode, kind, expectation)
        note = engine.running_note(kind, 2)
        assert note.endswith("."), (mode, kind, note)


@pytest.mark.parametrize("mode", mode_names())
def test_every_engine_has_a_standalone_script_or_says_it_has_none(mode):
    engine = get_engine_class(mode)
    if engine.script_run_all is None:
        return  # NoScript: the window says so instead of showing code
    if not engine.availability()[0]:
        pytest.skip(f"{mode} is not available here")
    for kind in KINDS:
        source = script_for_config(RunConfig.build(mode=mode, workers=2, kind=kind))
        tree = ast.parse(source)  # a script that is not Python would be a defect
        names = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert {"countdown", "run_all", "step"} <= names, (mode, kind)


@pytest.mark.parametrize("mode", mode_names())
def test_every_engine_names_how_its_workers_start_in_a_child(mode):
    engine = get_engine_class(mode)
    if issubclass(engine, HostEngine):
        assert callable(host_function(engine.host_entry)), mode
    else:  # it starts its own units (processes, pool tasks, cluster tasks)
        assert engine.start is not Engine.start, mode


def test_a_host_runs_nothing_outside_the_child_package():
    for entry in ("os:system", "..runner:run", "workers:nothing", "workers"):
        with pytest.raises(ValueError):
            host_function(entry)


@pytest.mark.parametrize("mode", mode_names())
def test_every_engine_can_be_shut_down(mode):
    assert get_engine_class(mode).shutdown(5.0) is True  # nothing kept: ends at once
    assert shutdown_all(5.0) == []
