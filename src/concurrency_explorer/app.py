"""Entry points. ``freeze_support()`` runs first, before anything imports Qt.

In a frozen app a spawn or forkserver child is the app binary itself, started
again with special arguments; ``freeze_support`` turns it into a worker before
it can open a window. This module imports nothing heavy at the top: spawned
children import the main module of the parent.
"""

from __future__ import annotations

import multiprocessing
import sys


def main(argv: list[str] | None = None) -> int:
    """The ``concurrency-explorer`` command: a CLI, or the window with no subcommand."""
    multiprocessing.freeze_support()
    from .cli import main as cli_main

    return cli_main(argv)


def gui_main(argv: list[str] | None = None) -> int:
    """The ``concurrency-explorer-gui`` command: always the window."""
    multiprocessing.freeze_support()
    from .gui.app import run_gui

    return run_gui(sys.argv[1:] if argv is None else argv)
