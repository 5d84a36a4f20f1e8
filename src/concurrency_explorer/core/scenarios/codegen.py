"""The current configuration as a standalone script: what the window runs, in plain Python.

Built from fixed snippets (one per kind of step; each mode's comes from its engine,
``Engine.script_run_all``) with the configuration's values written in as literals;
nothing a person typed is ever executed, and the script imports only the standard
library.
"""

from __future__ import annotations

import json

from ..config import RunConfig
from ..engines import get_engine_class

HEADER = '''\
"""Concurrency Explorer: {what}, as a standalone script.

Configuration: {config_json}
Runs with plain Python 3.11+, standard library only.
"""

{imports}

COUNTS = {counts!r}
'''

STEPS = {
    "cpu": """\
STEP_ITERATIONS = {step_iterations!r}


def step():
    n = STEP_ITERATIONS  # pure Python: holds the GIL
    while n > 0:
        n -= 1
""",
    "io": """\
STEP_SLEEP_S = {step_sleep_s!r}


def step():
    time.sleep(STEP_SLEEP_S)  # waiting releases the GIL
""",
    "nogil": """\
BUFFER = bytes({step_bytes!r})


def step():
    hashlib.sha256(BUFFER).digest()  # C code that releases the GIL
""",
}

COUNTDOWN = """

def countdown(worker_id, count):
    t0 = time.perf_counter()
    while count > 0:{echo}
        step()
        count -= 1
    return worker_id, time.perf_counter() - t0
"""

ECHO = '\n        print(f"worker {worker_id}: Count value {count}", flush=True)'

MAIN = """

if __name__ == "__main__":
    t0 = time.perf_counter()
    for worker_id, result in run_all():
        print(f"worker {{worker_id}}: {{result}}")
    print(f"{what}: {{time.perf_counter() - t0:.3f}} s")
"""


class NoScript(ValueError):
    """This configuration has no standalone equivalent (an engine without a snippet)."""


def script_for_config(config: RunConfig) -> str:
    """A standalone script doing what ``config`` does (without the app's reporting)."""
    engine = get_engine_class(config.mode)
    if engine.script_run_all is None:
        raise NoScript(f"mode {config.mode!r} has no standalone script yet")
    method = config.effective_start_method
    what = f"{config.workers} {config.kind} workers, mode {config.mode}" + (
        f" ({method})" if method else ""
    )
    plain = {"import time", *(line for line in engine.script_imports if line.startswith("import "))}
    if config.kind == "nogil":
        plain.add("import hashlib")
    lines = sorted(plain) + [line for line in engine.script_imports if line not in plain]
    config_json = json.dumps(config.to_dict(), sort_keys=True)
    return "".join(
        [
            HEADER.format(
                what=what,
                config_json=config_json,
                imports="\n".join(lines),
                counts=list(config.counts),
            ),
            STEPS[config.kind].format(
                step_iterations=config.step_iterations,
                step_sleep_s=config.step_sleep_s,
                step_bytes=config.step_bytes,
            ),
            COUNTDOWN.format(echo=ECHO if config.echo else ""),
            engine.script_run_all.format(start_method=method),
            MAIN.format(what=what),
        ]
    )
