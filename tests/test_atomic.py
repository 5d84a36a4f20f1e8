"""Every write respects its target (issue 16, item 2): one helper, ``core.atomic``.

A FIFO, a device, a socket or a folder at the target is refused with one line and
left as it was; a symlink is written through (the link stays a link); an
overwritten file keeps its permission bits (and owner, as root); a new file gets
``0666 & ~umask``. The CLI refuses such targets before it runs anything.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest

from concurrency_explorer.cli import main
from concurrency_explorer.core.atomic import (
    UnsafeTarget,
    atomic_write_bytes,
    atomic_write_text,
    check_target,
)

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="making a device node needs root")


def fifo(tmp_path: Path, name: str = "pipe") -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


def device(tmp_path: Path, name: str = "full") -> Path:
    """A character device like /dev/full (1, 7), made here: /dev itself is not touched."""
    path = tmp_path / name
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    return path


def unix_socket(tmp_path: Path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    path = tmp_path / "sock"
    sock.bind(str(path))
    return sock, path


def same_node(path: Path, before: os.stat_result) -> bool:
    after = os.lstat(path)
    return (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_a_fifo_is_refused_at_once_and_left_alone(tmp_path):
    target = fifo(tmp_path)
    before = os.lstat(target)
    with pytest.raises(UnsafeTarget, match="FIFO"):
        atomic_write_text(target, "data")  # would hang for ever if it opened the FIFO
    assert same_node(target, before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temp file left


@needs_root
def test_a_device_node_is_refused_and_stays_a_device(tmp_path):
    target = device(tmp_path)
    before = os.lstat(target)
    with pytest.raises(UnsafeTarget, match="character device"):
        atomic_write_text(target, "data")
    assert same_node(target, before) and stat.S_ISCHR(os.lstat(target).st_mode)


def test_a_socket_and_a_folder_are_refused(tmp_path):
    sock, path = unix_socket(tmp_path)
    try:
        with pytest.raises(UnsafeTarget, match="socket"):
            atomic_write_bytes(path, b"x")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        sock.close()
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(UnsafeTarget, match="a folder"):
        atomic_write_bytes(folder, b"x")


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "talks" / "x.json"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "current.json"
    link.symlink_to(real)
    assert atomic_write_text(link, "new") == link
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["x.json"]


def test_a_link_to_nothing_or_to_a_fifo_is_refused(tmp_path):
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere" / "x.json")
    with pytest.raises(UnsafeTarget, match="does not exist"):
        atomic_write_text(dangling, "x")
    assert dangling.is_symlink()
    to_fifo = tmp_path / "to-fifo.json"
    to_fifo.symlink_to(fifo(tmp_path))
    with pytest.raises(UnsafeTarget, match=r"FIFO .*through the link"):
        atomic_write_text(to_fifo, "x")
    assert to_fifo.is_symlink()


def test_an_overwritten_file_keeps_its_permission_bits(tmp_path):
    target = tmp_path / "shared.json"
    target.write_text("old")
    target.chmod(0o664)
    atomic_write_text(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o664 and target.read_text() == "new"


def test_a_new_file_gets_what_the_umask_allows(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "new.json", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640


@needs_root
def test_root_overwriting_a_users_file_leaves_it_theirs(tmp_path):
    target = tmp_path / "theirs.json"
    target.write_text("old")
    os.chown(target, 1234, 1234)
    atomic_write_text(target, "new")
    info = target.stat()
    assert (info.st_uid, info.st_gid) == (1234, 1234) and target.read_text() == "new"


def test_check_target_says_the_same_in_one_line(tmp_path):
    assert check_target(tmp_path / "new.json") is None
    problem = check_target(fifo(tmp_path))
    assert problem is not None and "FIFO" in problem and "\n" not in problem
    assert "does not exist" in (check_target(tmp_path / "no" / "x.json") or "")
    assert check_target("") is not None


# -- the CLI's writers: refused before anything runs, one line, exit 2 --------------


def make_target(kind: str, tmp_path: Path) -> Path:
    if kind == "fifo":
        return fifo(tmp_path)
    if kind == "device":
        if not ROOT:
            pytest.skip("making a device node needs root")
        return device(tmp_path)
    if kind == "link-to-fifo":
        link = tmp_path / "link.json"
        link.symlink_to(fifo(tmp_path))
        return link
    folder = tmp_path / "folder"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("kind", ["fifo", "device", "link-to-fifo", "folder"])
@pytest.mark.parametrize("flag", ["--save-config", "--record", "--csv", "--trace"])
def test_cli_writers_refuse_unsafe_targets_before_running(
    flag, kind, tmp_path, capsys, monkeypatch
):
    target = make_target(kind, tmp_path)
    before = os.lstat(target)
    monkeypatch.chdir(tmp_path)  # a relative name, as typed: "./pipe"
    assert main(["run", "--mode", "thread", "--counts", "2,2", flag, f"./{target.name}"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing ran
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "nothing written" in lines[0], captured.err
    assert lines[0].count(f"{target.name}:") == 1, "the file is named once"
    assert same_node(target, before)


def test_cli_writes_through_a_link_and_keeps_permissions(tmp_path, capsys):
    real = tmp_path / "record.json"
    real.write_text("{}")
    real.chmod(0o644)
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    argv = ["run", "--mode", "thread", "--counts", "2,2", "--record", str(link)]
    assert main([*argv, "--save-config", str(tmp_path / "e.json")]) == 0
    capsys.readouterr()
    assert link.is_symlink()
    assert json.loads(real.read_text())["schema"] == "concurrency-explorer/run/1"
    assert stat.S_IMODE(real.stat().st_mode) == 0o644
