"""Subinterpreters (3.14+): each worker logs its own GIL; two at once is parallelism."""

from __future__ import annotations

import pytest

from concurrency_explorer.core import RunConfig, run_to_completion
from concurrency_explorer.core.engines import get_engine_class
from concurrency_explorer.core.gil import describe

available, reason = get_engine_class("interpreter").availability()


@pytest.mark.skipif(not available, reason=reason or "no subinterpreters")
def test_each_interpreter_logs_its_own_gil():
    config = RunConfig.build(mode="interpreter", workers=2, count=400, kind="cpu")
    run = run_to_completion(config, timeout_s=120)
    record = run.record()
    assert run.ok, record["workers"]
    gil = record["gil"]
    assert gil["shared"] is False
    assert all(gil["intervals"][w] for w in ("0", "1"))
    assert all(h > 0 for h in gil["held_s"])
    assert "its own GIL" in describe(gil, record["wall_s"])
    assert gil["overlap_s"] > 0  # both held a GIL at once: their own
    print("interpreter gil:", {k: v for k, v in gil.items() if k not in ("intervals", "method")})
