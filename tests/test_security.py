"""Security promises: no network listener while workers run; nothing from a file or
the user is ever unpickled or evaluated (issue 8, promise 8)."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import psutil
import pytest

from concurrency_explorer.core import RunConfig
from concurrency_explorer.core.environment import start_methods
from concurrency_explorer.core.runner import Run

SRC = Path(__file__).resolve().parents[1] / "src" / "concurrency_explorer"
MODES = [("process", m) for m in start_methods()] + [("thread", None)]


def inet_sockets(pids: list[int]) -> list[tuple[int, str, object]]:
    """TCP listeners and bound UDP sockets (IPv4 and IPv6) of the given processes."""
    found = []
    for pid in pids:
        try:
            connections = psutil.Process(pid).net_connections(kind="inet")
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        for conn in connections:
            if conn.status == psutil.CONN_LISTEN or conn.status == psutil.CONN_NONE:
                found.append((pid, conn.status, conn.laddr))
    return found


def test_the_socket_check_sees_a_listener():
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert [s[1] for s in inet_sockets([psutil.Process().pid])] == [psutil.CONN_LISTEN]


@pytest.mark.parametrize(("mode", "method"), MODES, ids=[f"{m}-{s}" for m, s in MODES])
def test_no_listening_socket_while_a_run_is_going(mode, method):
    """multiprocessing talks over pipes (and the forkserver over a local AF_UNIX socket
    protected by an auth key and file permissions); nothing may listen on a network."""
    run = Run(RunConfig.build(mode=mode, start_method=method, workers=2, count=10_000_000))
    run.start()
    try:
        deadline = time.monotonic() + 60
        while not all(w.state == "running" for w in run.workers):
            assert time.monotonic() < deadline, "workers did not start"
            run.poll()
            time.sleep(0.02)
        me = psutil.Process()
        tree = [me.pid] + [p.pid for p in me.children(recursive=True)]
        assert len(tree) >= 2
        assert {w.pid for w in run.workers} <= set(tree)
        assert inet_sockets(tree) == []
    finally:
        run.close()


# Calls that turn bytes or text into objects or code. multiprocessing's own pickling
# of our messages happens inside the standard library, not in our source.
FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_ATTRIBUTES = {
    ("pickle", "load"), ("pickle", "loads"), ("pickle", "Unpickler"),
    ("marshal", "load"), ("marshal", "loads"), ("shelve", "open"),
    ("yaml", "load"), ("yaml", "unsafe_load"), ("dill", "load"), ("dill", "loads"),
}  # fmt: skip


def forbidden_calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_NAMES:
                found.append(f"line {node.lineno}: {func.id}()")
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and (func.value.id, func.attr) in FORBIDDEN_ATTRIBUTES
            ):
                found.append(f"line {node.lineno}: {func.value.id}.{func.attr}()")
        if isinstance(node, ast.ImportFrom) and node.module in {"pickle", "marshal", "shelve"}:
            found.append(f"line {node.lineno}: from {node.module} import ...")
    return found


def test_the_scanner_finds_what_it_looks_for():
    bad = "import pickle\npickle.loads(b'')\neval('1')\nfrom marshal import loads\n"
    assert len(forbidden_calls(ast.parse(bad))) == 3


def test_source_never_unpickles_or_evaluates():
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 20
    problems = {}
    for path in files:
        found = forbidden_calls(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if found:
            problems[str(path.relative_to(SRC))] = found
    assert not problems, f"unpickling or evaluating in the source: {problems}"
