"""Countdown workers as coroutines on one asyncio event loop (one thread).

Concurrency without parallelism: the coroutines take turns on one thread, and a
turn ends only where a coroutine ``await``s. Each worker awaits after every step:
``asyncio.sleep(0)`` for ``cpu`` and ``nogil`` (hand the loop to the others), and
``asyncio.sleep(step_sleep_s)`` for ``io`` (the waits overlap, like threads'
sleeps). A worker with ``no_yield`` never awaits, and its ``io`` steps block in
``time.sleep``: every other coroutine's bar freezes until it is done. That is the
lesson of cooperative multitasking, made visible.

Imported only by a host running ``--mode asyncio`` (``host_coroutines``).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from .workers import WorkerSpec, countdown


async def run_coroutine(spec: WorkerSpec, q: Any, stop: Any, t_request: float) -> None:
    """One worker: drive its countdown, awaiting between steps unless ``no_yield``."""
    if spec.no_yield:
        await asyncio.sleep(0)  # let the others start, so their bars visibly freeze
        for _ in countdown(spec, q, stop, t_request):
            pass  # never awaits again: the loop (and every other coroutine) waits for it
        return
    if spec.kind == "io":
        delay = spec.step_sleep_s
        for _ in countdown(spec, q, stop, t_request, step=_no_step):
            await asyncio.sleep(delay)
    else:
        for _ in countdown(spec, q, stop, t_request):
            await asyncio.sleep(0)


def _no_step() -> None:
    return None  # the io step is the await in run_coroutine


async def _main(specs: list[WorkerSpec], q: Any, stop: Any) -> None:
    tasks = [
        asyncio.create_task(run_coroutine(spec, q, stop, time.perf_counter())) for spec in specs
    ]
    await asyncio.gather(*tasks)


def host_coroutines(specs: list[WorkerSpec], q: Any, stop: Any, options: dict) -> None:
    """``asyncio``'s host function (``Engine.host_entry``)."""
    run_coroutines(specs, q, stop)


def run_coroutines(specs: list[WorkerSpec], q: Any, stop: Any) -> None:
    """Run every worker as a coroutine on a new event loop in this thread."""
    asyncio.run(_main(specs, q, stop))
