"""``concurrency-explorer --self-test``: a top-level flag, not a subcommand.

It has to work on the frozen binary of the double-click app, where there is no
Python to run a script with: CI runs ``ConcurrencyExplorer --self-test``.
The checks live in ``core.selftest``; this module only prints them.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.selftest import Check


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--self-test",
        nargs="?",
        const="text",
        choices=("text", "json"),
        default=None,
        metavar="FORMAT",
        help=(
            "check that workers run in every mode and start method and that no process "
            "is left, then exit 0 (pass) or 1 (fail); '--self-test json' prints one JSON object"
        ),
    )


def handle(args: argparse.Namespace) -> int:
    from ..core.environment import environment
    from ..core.selftest import format_check, format_footer, format_header, run_self_test

    as_json = args.self_test == "json"
    on_check = None
    if not as_json:
        print(format_header(environment()), flush=True)

        def on_check(check: Check) -> None:
            print(format_check(check), flush=True)

    report = run_self_test(on_check)
    if as_json:
        print(json.dumps(report.to_dict()))
    else:
        print(format_footer(report), flush=True)
    sys.stdout.flush()
    return 0 if report.ok else 1
