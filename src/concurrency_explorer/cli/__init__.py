"""The headless command line: the same core as the window, no Qt imported.

Subcommands live in one module each and are listed in ``SUBCOMMANDS``; each has
``add_parser(subparsers)`` and ``handle(args) -> int``. Only the module of the
command given is imported (all of them for ``--help``): ``run`` does not pay for
what ``compare`` or ``scenario`` import. Exit codes: 0 success, 1 a worker failed,
2 bad usage (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import NoReturn

from .. import __version__
from ..core.config import ConfigError
from . import self_test

PROG = "concurrency-explorer"
#: command -> its module in this package, in the order ``--help`` lists them
SUBCOMMANDS: dict[str, str] = {
    "run": "run_cmd",
    "info": "info_cmd",
    "sweep": "sweep_cmd",
    "scenario": "scenario_cmd",
    "compare": "compare_cmd",
}

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def command_modules(argv: Sequence[str] | None = None) -> list[ModuleType]:
    """The module of the command in ``argv``: every command's for help or a mistyped
    command (argparse lists the choices), none when there is no command (the window)."""
    names: list[str] = [] if argv is not None else list(SUBCOMMANDS)
    for arg in argv or ():
        if arg in SUBCOMMANDS:
            names = [arg]
            break
        if arg in ("-h", "--help") or not arg.startswith("-"):
            names = list(SUBCOMMANDS)
            break
    return [importlib.import_module(f".{SUBCOMMANDS[name]}", __name__) for name in names]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv`` (all commands when it is None)."""
    parser = _Parser(
        prog=PROG,
        description=(
            "See Python concurrency: countdown workers as threads or processes, "
            "start methods, the GIL and queues. With no command, opens the window."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    self_test.add_arguments(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in command_modules(argv):
        module.add_parser(subparsers)
    return parser


def one_line(text: str) -> str:
    """``text`` with control characters escaped: a typed argument may hold a newline
    or a carriage return, and the message must stay one visible line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def usage_error(message: str) -> int:
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr)
    return EXIT_USAGE


def main(
    argv: list[str] | None = None, *, open_window: Callable[[], int] | None = None
) -> int:
    """Run the command in ``argv``. With no command, ``open_window`` (the entry point's
    choice: ``app.main`` opens the window); without one, that is a usage error."""
    args_list = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(args_list)
    try:
        args = parser.parse_args(args_list)
    except UsageError as exc:
        return usage_error(str(exc))
    if args.self_test is not None:
        return self_test.handle(args)
    if args.command is None:
        if open_window is None:
            return usage_error(f"a command is needed: {', '.join(SUBCOMMANDS)}")
        return open_window()
    try:
        return int(args.handler(args))
    except (UsageError, ConfigError) as exc:
        return usage_error(str(exc))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    finally:
        from ..core.engines import shutdown_all

        shutdown_all()  # warm process pools, closing clusters: before the CLI exits
