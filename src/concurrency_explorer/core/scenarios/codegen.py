"""The current configuration as a standalone script: what the window runs, in plain Python.

Built from fixed snippets (one per kind of step, one per mode) with the
configuration's values written in as literals; nothing a person typed is ever
executed, and the script imports only the standard library.
"""

from __future__ import annotations

import json

from ..config import RunConfig

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

RUNS = {
    "sequential": """

def run_all():
    return [countdown(i, count) for i, count in enumerate(COUNTS)]
""",
    "thread": """

def run_all():
    results = []
    threads = [
        threading.Thread(target=lambda i=i, c=c: results.append(countdown(i, c)))
        for i, c in enumerate(COUNTS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)
""",
    "process": """

def run_all():
    ctx = multiprocessing.get_context({start_method!r})  # per run; never set_start_method
    processes = [ctx.Process(target=countdown, args=(i, c)) for i, c in enumerate(COUNTS)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    return [(i, f"exit code {{p.exitcode}}") for i, p in enumerate(processes)]
""",
    "pool-thread": """

def run_all():
    with ThreadPoolExecutor(max_workers=len(COUNTS)) as pool:
        return list(pool.map(countdown, range(len(COUNTS)), COUNTS))
""",
    "pool-process": """

def run_all():
    ctx = multiprocessing.get_context({start_method!r})
    with ProcessPoolExecutor(max_workers=len(COUNTS), mp_context=ctx) as pool:
        return list(pool.map(countdown, range(len(COUNTS)), COUNTS))
""",
}

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
    if config.mode not in RUNS:
        raise NoScript(f"mode {config.mode!r} has no standalone script yet")
    method = config.effective_start_method
    what = f"{config.workers} {config.kind} workers, mode {config.mode}" + (
        f" ({method})" if method else ""
    )
    imports = ["time"]
    if config.kind == "nogil":
        imports.append("hashlib")
    if config.mode in ("process", "pool-process"):
        imports.append("multiprocessing")
    if config.mode == "thread":
        imports.append("threading")
    lines = [f"import {name}" for name in sorted(imports)]
    if config.mode == "pool-thread":
        lines.append("from concurrent.futures import ThreadPoolExecutor")
    if config.mode == "pool-process":
        lines.append("from concurrent.futures import ProcessPoolExecutor")
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
            RUNS[config.mode].format(start_method=method),
            MAIN.format(what=what),
        ]
    )
