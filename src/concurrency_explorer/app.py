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

    return cli_main(argv, open_window=lambda: gui_main([]))


def gui_main(argv: list[str] | None = None) -> int:
    """The ``concurrency-explorer-gui`` command: always the window."""
    multiprocessing.freeze_support()
    problem = no_display()
    if problem:
        print(f"concurrency-explorer: {problem}", file=sys.stderr)
        return 2
    from .gui.app import run_gui

    return run_gui(sys.argv[1:] if argv is None else argv)


def no_display() -> str | None:
    """Why the window cannot open here, in one line; None when it can (or may).

    Without it Qt prints a paragraph about platform plugins and aborts (SIGABRT).
    Only Linux and the BSDs need a display server; an explicit QT_QPA_PLATFORM
    (offscreen, vnc, eglfs, ...) is the user's choice and is left to Qt.
    """
    import os

    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset): "
        "start it from a desktop session, use the CLI (concurrency-explorer run --help), "
        "or set QT_QPA_PLATFORM=offscreen"
    )
