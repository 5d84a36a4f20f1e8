"""Where the code under test lives, and the environment every probe runs in.

The benchmarks measure *this checkout*: ``src/`` goes first on ``sys.path`` and on
``PYTHONPATH``. The environment variable matters: a forkserver ignores the parent's
``sys.path`` (CPython 3.11 passes it but never applies it), so without it the app's
forkserver preload fails silently and every forkserver child starts cold.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
RESULTS = Path(__file__).resolve().parent / "results"


def child_env(**extra: str) -> dict[str, str]:
    """``os.environ`` with ``src`` and the repository root first on PYTHONPATH."""
    env = dict(os.environ)
    parts = [str(SRC), str(REPO)]
    old = env.get("PYTHONPATH", "")
    parts += [p for p in old.split(os.pathsep) if p and p not in parts]
    env["PYTHONPATH"] = os.pathsep.join(parts)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update(extra)
    return env


def precompile() -> None:
    """Write the ``.pyc`` files an installed app would have.

    With ``PYTHONDONTWRITEBYTECODE`` set (as on the dev machines) nothing is cached,
    and every spawned child compiles each module it imports from source: over 10 ms
    per child for the app's modules, a cost no installed or frozen app pays.
    """
    import compileall

    for path in (SRC, REPO / "benchmarks"):
        compileall.compile_dir(str(path), quiet=1)


def prepare() -> None:
    """Make this process and its children import the checkout's code."""
    precompile()
    for path in (str(REPO), str(SRC)):
        if path in sys.path:
            sys.path.remove(path)
        sys.path.insert(0, path)
    os.environ.update(child_env())


def python() -> str:
    return sys.executable
