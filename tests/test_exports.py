"""Exports: record JSON, per-worker CSV, Chrome trace; and the CLI's --csv/--trace/--record.

The trace is checked against the Trace Event Format's documented fields (JSON
Object Format; "ph" M / X / C; ts and dur in microseconds; pid/tid per track).
No real trace parser is run: Perfetto's Python trace processor downloads its
``trace_processor_shell`` binary at run time, which this offline machine cannot.
"""

from __future__ import annotations

import csv
import io
import json
import os

import jsonschema
import pytest

from concurrency_explorer.cli import main
from concurrency_explorer.core import exports
from concurrency_explorer.core.config import RunConfig
from concurrency_explorer.core.runner import run_to_completion

# The documented fields of the events we emit (Trace Event Format, JSON Object Format).
_NUM = {"type": "number"}
TRACE_SCHEMA = {
    "type": "object",
    "required": ["traceEvents"],
    "properties": {
        "displayTimeUnit": {"enum": ["ms", "ns"]},
        "otherData": {"type": "object"},
        "traceEvents": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "ph", "pid", "tid"],
                "properties": {
                    "name": {"type": "string"},
                    "cat": {"type": "string"},
                    "ph": {"enum": ["M", "X", "C"]},
                    "pid": {"type": "integer"},
                    "tid": {"type": "integer"},
                    "ts": {**_NUM, "minimum": 0},
                    "dur": {**_NUM, "minimum": 0},
                    "args": {"type": "object"},
                },
                "allOf": [
                    {
                        "if": {"properties": {"ph": {"const": "X"}}},
                        "then": {"required": ["ts", "dur"]},
                    },
                    {
                        "if": {"properties": {"ph": {"const": "C"}}},
                        "then": {
                            "required": ["ts", "args"],
                            "properties": {
                                "args": {"additionalProperties": _NUM, "minProperties": 1}
                            },
                        },
                    },
                    {
                        "if": {"properties": {"ph": {"const": "M"}}},
                        "then": {
                            "required": ["args"],
                            "properties": {
                                "name": {
                                    "enum": [
                                        "process_name",
                                        "thread_name",
                                        "process_sort_index",
                                        "thread_sort_index",
                                    ]
                                }
                            },
                        },
                    },
                ],
            },
        },
    },
}


@pytest.fixture(scope="module")
def finished_run():
    config = RunConfig.build(mode="process", start_method="fork", workers=2, counts=[30, 60])
    return run_to_completion(config)


def test_record_json_is_the_record(finished_run):
    record = finished_run.record()
    assert json.loads(exports.record_json(record)) == json.loads(json.dumps(record))


def test_csv_has_one_row_per_worker_with_the_documented_header(finished_run):
    record = finished_run.record()
    rows = list(csv.DictReader(io.StringIO(exports.workers_csv(record))))
    header = exports.workers_csv(record).splitlines()[0].split(",")
    for column in ("id", "count", "wall_s", "cpu_s", "start_latency_s"):
        assert column in header
    assert [int(r["id"]) for r in rows] == [0, 1]
    assert [int(r["count"]) for r in rows] == [30, 60]
    for row, worker in zip(rows, record["workers"], strict=True):
        assert float(row["wall_s"]) == worker["wall_s"]
        assert float(row["cpu_s"]) == worker["cpu_s"]
        assert int(row["pid"]) == worker["pid"]
        assert row["state"] == "done"
        assert row["error_type"] == ""


def test_trace_matches_the_documented_format(finished_run):
    record = finished_run.record()
    trace = exports.chrome_trace(record, exports.run_samples(finished_run))
    jsonschema.validate(json.loads(json.dumps(trace)), TRACE_SCHEMA)
    events = trace["traceEvents"]
    names = {(e["tid"], e["args"]["name"]) for e in events if e["name"] == "thread_name"}
    assert {tid for tid, _ in names} == {1, 2}, "one named track per worker"
    for w in record["workers"]:
        tid = w["id"] + 1
        assert any(str(w["pid"]) in name for t, name in names if t == tid)
        spans = [e for e in events if e["ph"] == "X" and e["tid"] == tid]
        whole = next(e for e in spans if e["name"] == f"worker {w['id']}")
        run = next(e for e in spans if e["cat"] == "run")
        # microseconds: the run span is the worker's started..ended, x 1e6
        assert run["ts"] == pytest.approx(w["started_at_s"] * 1e6, abs=1)
        assert run["dur"] == pytest.approx((w["ended_at_s"] - w["started_at_s"]) * 1e6, abs=1)
        assert whole["ts"] <= run["ts"]
        assert whole["ts"] + whole["dur"] >= run["ts"] + run["dur"] - 1
        startup = next(e for e in spans if e["name"] == "start-up")
        assert startup["dur"] == pytest.approx(w["start_latency_s"] * 1e6, abs=1)
        counters = [e for e in events if e["ph"] == "C" and e["tid"] == tid]
        assert counters, "remaining is plotted as a counter"
        assert counters[0]["args"]["remaining"] == w["count"]
        assert counters[-1]["args"]["remaining"] == 0


def test_trace_thins_counters_to_a_bound():
    record = {
        "config": {"mode": "thread", "start_method": None},
        "workers": [{"id": 0, "pid": 5, "thread_id": 7, "requested_at_s": 0.0,
                     "started_at_s": 0.001, "ended_at_s": 9.0, "state": "done"}],
    }  # fmt: skip
    samples = {0: [(i / 1000, 10_000 - i) for i in range(10_000)]}
    events = exports.chrome_trace(record, samples)["traceEvents"]
    counters = [e for e in events if e["ph"] == "C"]
    assert len(counters) == exports.COUNTER_LIMIT
    assert counters[-1]["args"]["remaining"] == 10_000 - 9_999
    jsonschema.validate(json.loads(json.dumps({"traceEvents": events})), TRACE_SCHEMA)


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    exports.write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("good")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports.os, "replace", broken_replace)
    with pytest.raises(OSError):
        exports.write_atomic(target, "half")
    assert target.read_text() == "good"
    assert os.listdir(tmp_path) == ["out.json"]


def test_cli_run_writes_csv_trace_and_record(tmp_path, capsys):
    csv_path, trace_path, record_path = (tmp_path / n for n in ("w.csv", "t.json", "r.json"))
    code = main(
        ["run", "--mode", "thread", "--workers", "2", "--counts", "10,20", "--json",
         "--csv", str(csv_path), "--trace", str(trace_path), "--record", str(record_path)]
    )  # fmt: skip
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert json.loads(record_path.read_text()) == printed
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    assert [int(r["count"]) for r in rows] == [10, 20]
    trace = json.loads(trace_path.read_text())
    jsonschema.validate(trace, TRACE_SCHEMA)
    tracks = [e["args"]["name"] for e in trace["traceEvents"] if e["name"] == "thread_name"]
    assert sum(name.startswith("worker") for name in tracks) == 2
    assert sum(name.startswith("GIL") for name in tracks) == 1  # threads: the GIL's own track


@pytest.mark.parametrize("flag", ["--csv", "--trace", "--record"])
def test_cli_refuses_an_unwritable_path_before_running(flag, tmp_path, capsys):
    code = main(["run", "--counts", "1,1", flag, str(tmp_path / "missing" / "x")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0]


def test_a_failed_write_names_the_chosen_file_not_the_temporary_one(tmp_path):
    """QA: exporting onto a folder said '.../.x.csv.v6d1gedo.tmp: Is a directory'."""
    (tmp_path / "x.csv").mkdir()
    with pytest.raises(OSError, match="is a folder") as caught:  # core.atomic.UnsafeTarget
        exports.write_atomic(tmp_path / "x.csv", "a\n")
    assert caught.value.filename == str(tmp_path / "x.csv")
    assert ".tmp" not in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]
