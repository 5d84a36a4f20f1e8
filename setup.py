"""Build hook: ship the top-level ``resources/`` inside the installed package.

Everything else is in pyproject.toml. ``resources/`` stays at the top of the
repository (the frozen build and the source tree use it there); a wheel carries
a copy as ``concurrency_explorer/_resources``, which ``resource_path`` finds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RESOURCES = ROOT / "resources"


class build_py_with_resources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads <repo>/resources directly
        target = Path(self.build_lib) / "concurrency_explorer" / "_resources"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(RESOURCES, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": build_py_with_resources})
