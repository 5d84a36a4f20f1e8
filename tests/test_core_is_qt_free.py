"""The core must never import Qt, and worker modules must import nothing heavy."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import concurrency_explorer.core as core

SRC = Path(__file__).resolve().parents[1] / "src"
QT_PREFIXES = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "qtpy")


def _modules_after(code: str) -> list[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    ).stdout
    return json.loads(out)


def core_module_names() -> list[str]:
    names = [core.__name__]
    for info in pkgutil.walk_packages(core.__path__, prefix=core.__name__ + "."):
        if info.name.endswith("_forkserver_preload"):
            continue  # arms the forkserver guard on import: never imported by the app
        names.append(info.name)
    return names


def test_every_core_module_imports_without_qt():
    names = core_module_names()
    assert len(names) > 5
    modules = _modules_after("\n".join(f"import {n}" for n in names))
    qt = [m for m in modules if m.startswith(QT_PREFIXES)]
    assert not qt, f"core pulled in Qt: {qt}"


def test_no_core_source_mentions_qt_imports():
    for path in (SRC / "concurrency_explorer" / "core").rglob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert not any(p in stripped for p in QT_PREFIXES), f"{path}: {line}"


def test_worker_modules_import_only_light_stdlib():
    baseline = set(_modules_after("import multiprocessing.queues, multiprocessing.synchronize"))
    after = set(
        _modules_after(
            "import multiprocessing.queues, multiprocessing.synchronize\n"
            "import concurrency_explorer.core.child.workers\n"
            "import concurrency_explorer.core.child.lifecycle\n"
            "import concurrency_explorer.core.child.pool_worker\n"
            "import concurrency_explorer.core.child.interp_host"
        )
    )
    added = sorted(after - baseline)
    own = [m for m in added if m.startswith("concurrency_explorer")]
    foreign = [m for m in added if not m.startswith("concurrency_explorer")]
    heavy = {"typing", "dataclasses", "inspect", "ctypes", "hashlib", "traceback", "psutil"}
    assert not heavy & set(foreign), f"worker imports something heavy: {heavy & set(foreign)}"
    for name in foreign:
        assert name.split(".")[0] in sys.stdlib_module_names or name.startswith("_"), name
    # which modules are worker-side is one rule, not a list: the core.child package
    # (pyproject.toml's import-linter contract checks the same statically)
    outside = [
        m
        for m in own
        if m not in ("concurrency_explorer", "concurrency_explorer.core")
        and not m.startswith("concurrency_explorer.core.child")
    ]
    assert not outside, f"a worker imported parent-side modules: {outside}"
