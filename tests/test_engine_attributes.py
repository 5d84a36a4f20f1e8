"""What differs per mode is said by its engine (RULES), not by comparing mode names in
the core: the attributes the core asks, and that it asks them instead of the names."""

from __future__ import annotations

import re
from pathlib import Path

from concurrency_explorer.core import exports
from concurrency_explorer.core.engines import get_engine_class, is_baseline_mode, mode_names

CORE = Path(exports.__file__).resolve().parent
NAME_COMPARED = re.compile(r"""mode\)?\s*(?:==|!=)\s*["']([\w-]+)["']""")


def test_the_core_asks_engines_not_mode_names():
    """Engines and scenarios name their own modes; nothing else in the core compares one."""
    names = set(mode_names())
    found = []
    for path in sorted(CORE.rglob("*.py")):
        part = path.relative_to(CORE).parts[0]
        if part in ("engines", "scenarios"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in NAME_COMPARED.findall(line):
                if name in names:
                    found.append(f"core/{path.relative_to(CORE)}:{number}: {line.strip()}")
    assert not found, "mode names compared in the core:\n" + "\n".join(found)


def test_the_attributes_say_what_the_names_said():
    """Behaviour unchanged: each attribute is true for exactly the mode it replaced."""
    modes = mode_names()
    assert [m for m in modes if is_baseline_mode(m)] == ["sequential"]
    assert [m for m in modes if get_engine_class(m).process_per_worker] == ["process"]
    assert [m for m in modes if get_engine_class(m).thread_per_worker] == ["thread"]


def _record(mode: str) -> dict:
    worker = {"id": 0, "pid": 4242, "thread_id": 77, "count": 1, "final_remaining": 0}
    return {"config": {"mode": mode}, "workers": [worker]}


def test_a_trace_names_a_process_per_worker_by_pid_and_the_others_by_thread():
    def track(mode: str) -> str:
        events = exports.chrome_trace(_record(mode))["traceEvents"]
        return next(e["args"]["name"] for e in events if e["name"] == "thread_name")

    assert track("process") == "worker 0 (pid 4242)"
    for mode in ("thread", "sequential", "pool-process", "from-a-newer-version"):
        assert track(mode) == "worker 0 (tid 77)", mode
