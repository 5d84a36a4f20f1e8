"""A file never runs a program or contacts a peer by itself (issue 16, item 1).

``python`` and ``scheduler`` in an experiment file (or a run record loaded as one)
are taken only when the command line says the same; otherwise exit 2 with one line
naming the field and the flag that allows it. No test here contacts anything: the
only scheduler addresses are refused before a connection, or never dialled.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from concurrency_explorer.cli import main
from concurrency_explorer.core import RunConfig, consent
from concurrency_explorer.core.experiment import EXPERIMENT_SCHEMA, RUN_SCHEMA

OFF_MACHINE = "tcp://192.0.2.7:8786"  # TEST-NET-1: never routed, never dialled here


def payload(tmp_path: Path) -> tuple[Path, Path]:
    """An executable that leaves a mark when run, then behaves as a real Python."""
    mark = tmp_path / "RAN"
    script = tmp_path / "payload.sh"
    script.write_text(f'#!/bin/sh\ntouch {shlex.quote(str(mark))}\nexec {sys.executable} "$@"\n')
    script.chmod(0o755)
    return script, mark


def experiment(tmp_path: Path, name: str = "talk.json", **config) -> Path:
    path = tmp_path / name
    data = {"mode": "thread", "workers": 2, "counts": [5, 5], **config}
    path.write_text(json.dumps({"schema": EXPERIMENT_SCHEMA, "config": data}))
    return path


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def test_a_file_naming_a_program_does_not_run_it(tmp_path, capsys):
    script, mark = payload(tmp_path)
    path = experiment(tmp_path, python=str(script))
    assert main(["run", "--config", str(path)]) == 2
    line = one_error_line(capsys)
    assert 'field "python"' in line and str(script) in line
    assert f"--python {script}" in line  # how to allow it, ready to copy
    assert not mark.exists()


def test_the_same_value_on_the_command_line_is_consent(tmp_path, capsys):
    script, mark = payload(tmp_path)
    path = experiment(tmp_path, python=str(script))
    assert main(["run", "--config", str(path), "--python", str(script), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["config"]["python"] == str(script)
    assert mark.exists()  # the person allowed it, so it ran


def test_another_python_on_the_command_line_replaces_the_files(tmp_path, capsys):
    script, mark = payload(tmp_path)
    path = experiment(tmp_path, python=str(script))
    assert main(["run", "--config", str(path), "--python", sys.executable, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["config"]["python"] == sys.executable
    assert not mark.exists()


def test_a_file_naming_a_scheduler_is_not_contacted(tmp_path, capsys, monkeypatch):
    import socket

    def no_connections(*args, **kwargs):
        raise AssertionError("a file's scheduler was contacted")

    monkeypatch.setattr(socket, "create_connection", no_connections)
    path = experiment(tmp_path, mode="dask", scheduler=OFF_MACHINE)
    assert main(["run", "--config", str(path)]) == 2
    line = one_error_line(capsys)
    assert 'field "scheduler"' in line and OFF_MACHINE in line
    assert "not on this machine" in line and f"--scheduler {OFF_MACHINE}" in line


def test_a_run_record_loaded_as_a_config_asks_the_same(tmp_path, capsys):
    script, mark = payload(tmp_path)
    config = RunConfig.build(mode="thread", counts=[5, 5], python=str(script)).to_dict()
    record = {"schema": RUN_SCHEMA, "config": config, "environment": {}, "wall_s": 1.0,
              "speedup": None, "workers": []}  # fmt: skip
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    assert main(["run", "--config", str(path)]) == 2
    assert 'field "python"' in one_error_line(capsys)
    assert not mark.exists()


def test_save_config_from_a_refused_file_writes_nothing(tmp_path, capsys):
    script, _ = payload(tmp_path)
    path = experiment(tmp_path, python=str(script))
    out = tmp_path / "copy.json"
    assert main(["run", "--config", str(path), "--save-config", str(out)]) == 2
    one_error_line(capsys)
    assert not out.exists()


@pytest.mark.parametrize(
    ("address", "here"),
    [
        ("tcp://127.0.0.1:8786", True),
        ("tcp://localhost:8786", True),
        ("tcp://[::1]:8786", True),
        ("tcp://0.0.0.0:8786", True),
        (OFF_MACHINE, False),
        ("tcp://scheduler.example.org:8786", False),  # a name: never looked up
    ],
)
def test_is_on_this_machine_decides_without_asking_anyone(address, here, monkeypatch):
    import socket

    def no_lookups(*args, **kwargs):
        raise AssertionError("looked a name up")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookups)
    monkeypatch.setattr(socket, "gethostbyname", no_lookups)
    assert consent.is_on_this_machine(address) is here
    assert consent.Ask("scheduler", address).off_machine is not here


def test_this_hosts_own_name_is_on_this_machine():
    import socket

    assert consent.is_on_this_machine(f"tcp://{socket.gethostname()}:8786")


def test_asks_and_withheld():
    config = RunConfig.build(mode="dask", counts=[1, 1], scheduler="tcp://127.0.0.1:1")
    assert consent.asks(config) == [consent.Ask("scheduler", "tcp://127.0.0.1:1")]
    assert consent.withheld(config).scheduler is None
    assert consent.withheld(config).replace(scheduler=None) == consent.withheld(config)
    assert consent.asks(RunConfig.build(mode="thread", workers=1, counts=[1])) == []
    shown = consent.Ask("python", "/tmp/a\nb").shown
    assert "\n" not in shown and "\\n" in shown
