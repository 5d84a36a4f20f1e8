"""``concurrency-explorer scenario``: the page's lessons, listed, run and printed headless.

``scenario list [--json]``, ``scenario run ID [--json]`` (exit 0 when the scenario
showed what it teaches, 1 when not) and ``scenario code ID`` (the standalone
script). An unknown id is bad usage: one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_OK, EXIT_NOT_SHOWN, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "scenario",
        help="the page's lessons: list them, run one and get a measured verdict, print its code",
        description="Scenarios for talks and labs: one lesson each, judged by what this "
        "machine measures.",
    )
    actions = parser.add_subparsers(dest="scenario_action", metavar="ACTION")
    listing = actions.add_parser("list", help="list the scenarios")
    listing.add_argument("--json", action="store_true", help='print [{"id", "title"}, ...]')
    running = actions.add_parser("run", help="run one scenario and print its verdict")
    running.add_argument("id", metavar="ID", help="a scenario id (see: scenario list)")
    running.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"id", "ok", "verdict", "runs", "measurements", ...}',
    )
    code = actions.add_parser("code", help="print the scenario's standalone script")
    code.add_argument("id", metavar="ID", help="a scenario id (see: scenario list)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from ..core.scenarios import SCENARIOS, UnknownScenario, get_scenario

    action = args.scenario_action
    if action is None or action == "list":
        as_json = getattr(args, "json", False)
        if as_json:
            print(json.dumps([{"id": s.id, "title": s.title} for s in SCENARIOS]))
        else:
            width = max(len(s.id) for s in SCENARIOS)
            for s in SCENARIOS:
                print(f"{s.id:<{width}}  {s.title}")
        return EXIT_OK
    try:
        scenario = get_scenario(args.id)
    except UnknownScenario as exc:
        print(f"concurrency-explorer: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if action == "code":
        sys.stdout.write(scenario.code())
        return EXIT_OK
    from ..core.scenarios import Context

    def progress(text: str) -> None:
        if not args.json:
            print(f"  … {text}", file=sys.stderr)

    result = scenario.run(Context(progress=progress))
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(f"{scenario.title}  [{'ok' if result.ok else 'NOT SHOWN'}, {result.wall_s:.1f} s]")
        print(result.verdict)
    return EXIT_OK if result.ok else EXIT_NOT_SHOWN
