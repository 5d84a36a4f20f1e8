"""Figure 5, the queue path: what a drain per tick handles, and what one read costs.

Uses ``concurrency_explorer.core.queue_bench`` (the "iftry-vs-try" scenario reuses it).
Two producers flood a bounded queue twice: once drained with the runner's fixed cap
(what the CLI does), once with the window's policy, a cap fitted each tick to a time
budget (``RunController._adapt_drain_cap``, called on a stand-in so this follows the
window if it changes). The bare baseline of an if-then-try read is the plain
``try: get_nowait()``.
"""

from __future__ import annotations

import types

from .context import BenchContext
from .harness import Figure

TICK_S = 0.03  # the window's poll timer
LATENESS_GOAL_MS = 25  # issue 4's p99 goal while processes run: one drain must fit in it


def window_cap_policy():
    """(first cap, next_cap) of the window's RunController, without a window."""
    from concurrency_explorer.gui import run_controller as rc

    stand_in = types.SimpleNamespace(drain_cap=rc.DRAIN_PER_TICK // 4)
    first = stand_in.drain_cap

    def next_cap(cap: int, drained: int, seconds: float) -> int:
        stand_in.drain_cap = cap
        rc.RunController._adapt_drain_cap(stand_in, drained, seconds)
        return stand_in.drain_cap

    return first, next_cap


def run(ctx: BenchContext) -> list[Figure]:
    from concurrency_explorer.core.queue_bench import measure_drain, measure_get_paths
    from concurrency_explorer.core.runner import DRAIN_MAX

    paths = measure_get_paths(0.4 if ctx.quick else 2.0)
    messages = 10_000 if ctx.quick else 40_000
    cli = measure_drain(producers=2, messages=messages, tick_s=TICK_S, max_items=DRAIN_MAX)
    first, policy = window_cap_policy()
    gui = measure_drain(
        producers=2, messages=messages, tick_s=TICK_S, max_items=first, next_cap=policy
    )
    lost = cli["finals_lost"] + gui["finals_lost"]
    accounted = cli["accounting_ok"] and gui["accounting_ok"]
    e, b = paths["empty"], paths["busy"]
    caps = gui["caps"] or {}
    return [
        Figure(
            "queue",
            "final messages lost in floods",
            float(lost),
            "",
            "<= 0",
            f"2 processes x {messages:,} progress + 1 final each, {cli['queue_size']}-slot "
            f"queue, drained every {TICK_S * 1e3:.0f} ms, twice (runner cap, window policy); "
            f"received + dropped == sent: {accounted}; dropped {cli['dropped']:,} and "
            f"{gui['dropped']:,} progress (counted)",
            {"cli": cli, "window": gui},
        ),
        Figure(
            "queue",
            "messages/s handled, window's drain policy",
            gui["messages_per_s"],
            "msg/s",
            "",
            f"cap fitted to the budget: {caps.get('first')} first, {caps.get('min')}-"
            f"{caps.get('max')} seen; inside drain calls "
            f"{(gui['drain_items_per_s'] or 0):,.0f} msg/s",
        ),
        Figure(
            "queue",
            "longest drain call, window's drain policy",
            (gui["max_drain_s"] or 0) * 1e3,
            "ms",
            f"<= {LATENESS_GOAL_MS}",
            f"one drain longer than the p99 lateness goal breaks it; median "
            f"{(gui['median_drain_s'] or 0) * 1e3:.1f} ms",
        ),
        Figure(
            "queue",
            "longest drain call, runner's fixed cap (CLI)",
            (cli["max_drain_s"] or 0) * 1e3,
            "ms",
            "",
            f"cap {DRAIN_MAX}; {cli['messages_per_s']:,.0f} msg/s handled; the CLI can "
            "afford it, a window could not",
        ),
        Figure(
            "queue",
            "if-then-try / try-except, empty queue",
            paths["ratio_iftry_vs_try"]["empty"],
            "x",
            "",
            f"per read: iftry {e['iftry']:.2f} us, try/except {e['try_except']:.2f} us "
            "(get_nowait takes the lock and raises Empty); a blocking get waits",
            paths,
        ),
        Figure(
            "queue",
            "if-then-try / try-except, busy queue",
            paths["ratio_iftry_vs_try"]["busy"],
            "x",
            "",
            f"per read: iftry {b['iftry']:.2f} us, try/except {b['try_except']:.2f} us, "
            f"blocking get {b['blocking']:.2f} us ({paths['items']} items waiting)",
        ),
    ]
