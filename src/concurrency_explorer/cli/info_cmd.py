"""``concurrency-explorer info``: what this interpreter and platform offer."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..core.engines import availability, get_engine_class
from ..core.environment import environment


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "info", help="show Python, cores, GIL, start methods and available modes"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=handle)


def info() -> dict[str, Any]:
    """The environment object, plus every mode with its availability."""
    data = dict(environment())
    data["modes"] = {
        mode: {"available": ok, "reason": reason, "label": get_engine_class(mode).label}
        for mode, (ok, reason) in availability().items()
    }
    return data


def handle(args: argparse.Namespace) -> int:
    data = info()
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    width = max(len(k) for k in data)
    for key, value in data.items():
        if key == "modes":
            continue
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        print(f"{key:<{width}}  {value}")
    print("modes")
    for mode, entry in data["modes"].items():
        state = "available" if entry["available"] else f"unavailable: {entry['reason']}"
        print(f"  {mode:<{width - 2}}  {entry['label']} ({state})")
    return 0
