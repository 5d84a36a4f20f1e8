"""Every file the app writes goes through here: whole or not at all, and never at the
cost of what is already at the target.

- A target that exists and is not a regular file (a FIFO, a device such as
  ``/dev/full``, a socket, a folder) is refused with one plain line
  (``UnsafeTarget``): replacing it would destroy it, writing into it could hang.
- A symbolic link is written *through*: the file it points to gets the new
  content and the link stays a link (a person's ``current-talk.json -> talks/x.json``
  keeps working). A link to nothing, or to something that is not a regular file,
  is refused like that thing would be.
- An overwritten file keeps its permission bits (and, when we may, its owner); a
  new file gets the usual ``0666 & ~umask``, as any editor would make it.
- Regular files stay atomic: a temporary file beside the target, fsync, rename
  over it. A crash or a full disk leaves the old file or the new one.

``check_target`` gives the same verdict without writing, so the CLI can refuse a
bad ``--record`` path before the run rather than after it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnsafeTarget(OSError):
    """A target the app will not write: ``strerror`` is the one plain line why."""


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def resolve_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` lands in (through any links), or ``UnsafeTarget``."""
    given = Path(path)
    if not os.fspath(path).strip():
        raise UnsafeTarget(errno.EINVAL, "no file name given", os.fspath(path))
    real = Path(os.path.realpath(given))
    try:
        info = os.stat(real)
    except FileNotFoundError:
        if given.is_symlink():
            raise UnsafeTarget(
                errno.ENOENT,
                f"is a link to {real}, which does not exist; nothing written",
                str(given),
            ) from None
        return real  # a new file
    except OSError as exc:
        raise UnsafeTarget(exc.errno, f"cannot be checked: {exc.strerror}", str(given)) from None
    if not stat.S_ISREG(info.st_mode):
        through = f" (through the link to {real})" if real != given.absolute() else ""
        raise UnsafeTarget(
            errno.EEXIST,
            f"is {_kind(info.st_mode)}{through}, not a regular file; nothing written",
            str(given),
        )
    return real


def check_target(path: str | os.PathLike[str]) -> str | None:
    """None if ``path`` may be written, else one plain line saying why not."""
    try:
        real = resolve_target(path)
    except UnsafeTarget as exc:
        return f"{exc.filename}: {exc.strerror}"
    folder = real.parent
    if not folder.is_dir():
        return f"folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"folder {folder} is not writable"
    return None


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` by the rules above; returns the path as given."""
    target = Path(path)
    real = resolve_target(target)
    try:
        old: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        old = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as exc:
        raise _about(exc, target) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            _keep_mode(handle.fileno(), old)
            os.fsync(handle.fileno())
        os.replace(tmp, real)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _about(exc, target) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, newline: str | None = "\n") -> Path:
    """``atomic_write_bytes`` of UTF-8 text; ``newline=""`` leaves line endings as they
    are (CSV brings its own ``\\r\\n``), ``"\\n"`` writes them as given too."""
    if newline is None:
        newline = os.linesep
    if newline not in ("", "\n"):
        text = text.replace("\n", newline)
    return atomic_write_bytes(path, text.encode("utf-8"))


def _keep_mode(fd: int, old: os.stat_result | None) -> None:
    """The new file gets the old one's permission bits (and owner, when we may), or
    what a plain ``open`` would have given a new file."""
    if old is None:
        os.fchmod(fd, 0o666 & ~_umask())
        return
    if hasattr(os, "fchown"):
        with contextlib.suppress(OSError):  # only root may give a file away
            os.fchown(fd, old.st_uid, old.st_gid)
    os.fchmod(fd, stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits


def _umask() -> int:
    """The process's umask, read without changing it where the OS allows (Linux)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    umask = os.umask(0o022)  # elsewhere: set and restore (briefly process-wide)
    os.umask(umask)
    return umask


def _about(exc: OSError, target: Path) -> OSError:
    """The same error, naming the file the person chose, not our temporary one."""
    return type(exc)(exc.errno, exc.strerror, str(target))
