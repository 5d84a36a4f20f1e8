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


@functools.cache
def teaching_text(name: str) -> str:
    """Teaching text from ``resources/text/<name>.md``: paragraphs (separated by blank
    lines) kept, the lines of each joined by spaces. The words live in files that can be
    edited without touching code; the widgets hold layout."""
    raw = resource_path("text", f"{name}.md").read_text(encoding="utf-8")
    blocks = raw.split("\n\n")
    paragraphs = (" ".join(line.strip() for line in block.splitlines()) for block in blocks)
    return "\n\n".join(p for p in paragraphs if p)


@functools.cache
def teaching_html(name: str) -> str:
    """Rich text from ``resources/text/<name>.html``, as written."""
    return resource_path("text", f"{name}.html").read_text(encoding="utf-8")
