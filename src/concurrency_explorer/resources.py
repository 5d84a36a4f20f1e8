"""Where the app's files (icons, themes, scenario texts) are, however it was installed.

One lookup for every layout, so no other module ever builds a resource path itself:

1. the frozen app: ``<sys._MEIPASS>/resources`` (build.spec puts them there);
2. a wheel install: ``concurrency_explorer/_resources`` next to this module
   (setup.py copies the top-level ``resources/`` there at build time);
3. the source tree (a checkout, ``PYTHONPATH=src`` or an editable install):
   ``<repo>/resources``.

Qt-free and standard library only: the CLI and the self-test use it too.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLE_DIRNAME = "resources"  # inside the frozen bundle
INSTALLED_DIRNAME = "_resources"  # inside the installed package


def candidate_roots() -> list[Path]:
    """Every place a resources directory may be, most specific first."""
    roots = []
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        roots.append(Path(bundle) / BUNDLE_DIRNAME)
    roots.append(PACKAGE_DIR / INSTALLED_DIRNAME)
    roots.append(PACKAGE_DIR.parent.parent / BUNDLE_DIRNAME)  # src/concurrency_explorer -> repo
    return roots


@functools.cache
def resources_root() -> Path:
    """The first resources directory that exists; FileNotFoundError if none does."""
    roots = candidate_roots()
    for root in roots:
        if root.is_dir():
            return root
    tried = ", ".join(str(r) for r in roots)
    raise FileNotFoundError(f"no resources directory found (looked in: {tried})")


def resource_path(*parts: str) -> Path:
    """The path of one resource, e.g. ``resource_path("icons", "app-256.png")``.

    Raises FileNotFoundError (naming the path) when it does not exist, so a
    missing file is reported where it is asked for, not as a blank icon later.
    """
    path = resources_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"resource not found: {path}")
    return path
