"""Figure 5, the queue path: what the GUI's drain handles per tick, and what a read costs.

Uses ``concurrency_explorer.core.queue_bench`` (the "iftry-vs-try" scenario reuses it).
The bare baseline of the if-then-try read is the plain ``try: get_nowait()``.
"""

from __future__ import annotations

from .context import BenchContext
from .harness import Figure

TICK_S = 0.03  # the GUI's poll timer


def run(ctx: BenchContext) -> list[Figure]:
    from concurrency_explorer.core.queue_bench import measure_drain, measure_get_paths
    from concurrency_explorer.core.runner import DRAIN_MAX

    paths = measure_get_paths(0.4 if ctx.quick else 2.0)
    flood = measure_drain(
        producers=2, messages=10_000 if ctx.quick else 50_000, tick_s=TICK_S, max_items=DRAIN_MAX
    )
    e, b = paths["empty"], paths["busy"]
    figures = [
        Figure(
            "queue",
            "final messages lost in a flood",
            float(flood["finals_lost"]),
            "",
            "<= 0",
            f"2 processes flood a {flood['queue_size']}-slot queue; drain(cap {DRAIN_MAX}) every "
            f"{TICK_S * 1e3:.0f} ms; finals {flood['finals_received']}/2, progress received + "
            f"dropped == sent: {flood['accounting_ok']}, dropped {flood['dropped']:,}",
            flood,
        ),
        Figure(
            "queue",
            "messages/s handled at the tick rate",
            flood["messages_per_s"],
            "msg/s",
            "",
            f"during the flood ({flood['wall_s']:.2f} s); ceiling cap/tick = "
            f"{flood['capacity_per_s']:,.0f} msg/s; inside drain calls "
            f"{(flood['drain_items_per_s'] or 0):,.0f} msg/s",
        ),
        Figure(
            "queue",
            "longest drain call in a flood",
            (flood["max_drain_s"] or 0) * 1e3,
            "ms",
            f"<= {TICK_S * 1e3:.0f}",
            f"a drain longer than one tick freezes the window; median "
            f"{(flood['median_drain_s'] or 0) * 1e3:.1f} ms",
        ),
        Figure(
            "queue",
            "if-then-try / try-except, empty queue",
            paths["ratio_iftry_vs_try"]["empty"],
            "x",
            "",
            f"per read: iftry {e['iftry']:.2f} us, try/except {e['try_except']:.2f} us "
            "(get_nowait takes the lock and raises Empty); blocking get waits",
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
    return figures
