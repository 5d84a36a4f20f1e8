"""The CLI: the run record on stdout, exit codes, and one-line usage errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from concurrency_explorer.cli import main

SRC = Path(__file__).resolve().parents[1] / "src"

BAD_USAGE = [
    ["run", "--workers", "0"],
    ["run", "--workers", "-3"],
    ["run", "--workers", "two"],
    ["run", "--workers", "65"],
    ["run", "--count", "0"],
    ["run", "--count", "-1"],
    ["run", "--count", "1e3"],
    ["run", "--counts", "10,x"],
    ["run", "--counts", "10,-20"],
    ["run", "--counts", "10,20,30"],
    ["run", "--count", "5", "--counts", "10,20"],
    ["run", "--mode", "fibers"],
    ["run", "--kind", "quantum"],
    ["run", "--start-method", "teleport"],
    ["run", "--mode", "thread", "--start-method", "spawn"],
    ["run", "--queue-size", "-1"],
    ["run", "--fault", "9:raise"],
    ["run", "--timeout", "nan"],
    ["run", "--nonsense"],
    ["frobnicate"],
]


@pytest.mark.parametrize("argv", BAD_USAGE, ids=[" ".join(a) for a in BAD_USAGE])
def test_bad_usage_exits_2_with_one_line(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("concurrency-explorer: error: ")
    assert "Traceback" not in captured.err


STRICT = [  # loose input once taken silently (issue 16, item 5), and what the line says
    (["run", "--fault", "0:hang", "--fault", "0:raise"], "worker 0 two faults"),
    (["run", "--config", ""], "--config needs a file name"),
    (["run", "--save-config", ""], "--save-config needs a file name"),
    (["run", "--save-config", " "], "--save-config needs a file name"),
    (["run", "--csv", ""], "--csv: needs a file name"),
    (["run", "--stall-after", "1e31"], "at most 86400 seconds"),
    (["run", "--stall-after", "0"], "above 0"),
    (["compare", "--modes", ""], "--modes needs at least one engine"),
    (["compare", "--modes", "thread,,process"], "--modes has an empty name"),
    (["compare", "--modes", "thread,thread"], "--modes names thread more than once"),
]


@pytest.mark.parametrize(("argv", "says"), STRICT, ids=[" ".join(a) for a, _ in STRICT])
def test_loose_input_exits_2_with_one_line_naming_it(argv, says, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing may be written, and nothing run
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], captured.err
    assert list(tmp_path.iterdir()) == []


def test_stall_after_flag_and_files_share_one_limit():
    from concurrency_explorer.core.experiment import MAX_STALL_AFTER_S, schema

    assert schema("experiment")["properties"]["stall_after_s"]["maximum"] == MAX_STALL_AFTER_S
    assert main(["run", "--stall-after", str(MAX_STALL_AFTER_S), "--counts", "1,1"]) == 0


def test_missing_start_method_is_refused(monkeypatch, capsys):
    monkeypatch.setattr(
        "concurrency_explorer.core.config.start_methods", lambda: ["spawn"], raising=True
    )
    assert main(["run", "--start-method", "fork", "--counts", "1,1"]) == 2
    assert "not available on this platform" in capsys.readouterr().err


def test_run_json_prints_exactly_one_record(capsys):
    assert main(["run", "--mode", "thread", "--workers", "2", "--counts", "10,20", "--json"]) == 0
    out = capsys.readouterr().out
    record = json.loads(out)  # exactly one JSON document, nothing else
    assert record["schema"] == "concurrency-explorer/run/1"
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]


def test_run_table_is_readable(capsys):
    assert main(["run", "--mode", "sequential", "--counts", "10,20"]) == 0
    out = capsys.readouterr().out
    assert "finished in" in out and "state" in out and "done" in out


def test_worker_failure_exits_1_and_shows_traceback(capsys):
    assert main(["run", "--count", "50", "--fault", "1:raise"]) == 1
    out = capsys.readouterr().out
    assert "RuntimeError" in out and "Traceback" in out


def test_info_json_is_the_environment(capsys):
    assert main(["info", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cpu_count"] >= 1
    assert data["default_start_method"] in data["start_methods"]
    assert data["modes"]["process"]["available"] is True


def test_real_entry_point_spawn_record():
    """The issue's acceptance command, through ``python -m`` as a user runs it."""
    env = dict(os.environ, PYTHONPATH=str(SRC))
    proc = subprocess.Popen(
        [sys.executable, "-m", "concurrency_explorer", "run", "--mode", "process",
         "--start-method", "spawn", "--workers", "2", "--counts", "10,20", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    record = json.loads(out)
    pids = [w["pid"] for w in record["workers"]]
    assert [w["final_remaining"] for w in record["workers"]] == [0, 0]
    assert len(set(pids)) == 2
    assert proc.pid not in pids and os.getpid() not in pids


def test_real_entry_point_bad_usage_has_no_traceback():
    env = dict(os.environ, PYTHONPATH=str(SRC))
    proc = subprocess.run(
        [sys.executable, "-m", "concurrency_explorer", "run", "--workers", "abc"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


LEAN_RUN_PROBE = """
import sys
from concurrency_explorer.cli import main
main(["run", "--mode", "process", "--workers", "1", "--count", "1"])
print(" ".join(sorted(sys.modules)))
"""


#: each cost a run's start-up 6-16 ms of -X importtime (benchmarks/overhead.py)
STARTUP_HEAVY = ("concurrent", "logging", "dataclasses", "inspect", "platform") + (
    ("psutil",) if sys.platform == "linux" else ()
)


#: what benchmarks/bare.py imports: the script the CLI's overhead is measured against
BARE_PROBE = """
import sys
from benchmarks import bare
sys.argv = ["bare", "--workers", "1", "--count", "1"]
bare.main()
print(" ".join(sorted(sys.modules)))
"""


def _modules_after(probe: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(SRC), str(SRC.parent)))}
    return subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env,
        timeout=120, check=True,
    ).stdout.splitlines()[-1].split()  # fmt: skip


def test_run_imports_neither_other_commands_nor_other_engines():
    """A run pays only for its own command and engine: the CLI overhead benchmark
    (benchmarks/overhead.py) counts every import against bare multiprocessing.
    What the bare script imports too is no cost of the app's (3.14's argparse
    imports dataclasses, for one)."""
    bare = set(_modules_after(BARE_PROBE))
    out = [m for m in _modules_after(LEAN_RUN_PROBE) if m not in bare]
    heavy = [
        m
        for m in out
        if m.split(".")[0] in ("asyncio", "distributed", "dask", "PySide6", "pyqtgraph")
        or m in ("concurrency_explorer.cli.compare_cmd",)
        # stdlib and psutil imports the bare multiprocessing script does not make
        or m.split(".")[0] in STARTUP_HEAVY
        # files: only when a file is read or written (--stall-after, --csv, --record)
        or m in ("concurrency_explorer.core.experiment", "concurrency_explorer.core.exports")
        or m.startswith(("concurrency_explorer.core.scenarios", "concurrency_explorer.gui"))
        or (
            m.startswith("concurrency_explorer.core.engines.")
            and m.rsplit(".", 1)[1] not in ("base", "mp")
        )
    ]
    assert heavy == [], f"imported for a process run: {heavy}"


def test_help_lists_every_command():
    from concurrency_explorer.cli import SUBCOMMANDS, build_parser

    text = build_parser(["--help"]).format_help()
    assert all(name in text for name in SUBCOMMANDS)


def test_without_a_display_the_window_says_so_in_one_line():
    """Qt would print a paragraph about platform plugins and abort (SIGABRT, rc 134)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["PYTHONPATH"] = str(SRC)
    result = subprocess.run(
        [sys.executable, "-m", "concurrency_explorer"], capture_output=True, text=True,
        env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no display" in result.stderr and "QT_QPA_PLATFORM=offscreen" in result.stderr
