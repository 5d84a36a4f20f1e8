"""Write a file so that it is either the old one or the new one, never half of each."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write_text(path: str | os.PathLike[str], text: str, newline: str | None = "\n") -> Path:
    """Write ``text`` to a temporary file beside ``path``, fsync it, then rename over.

    ``newline=""`` writes line endings untouched (CSV brings its own ``\r\n``)."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _about(exc, target) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _about(exc, target) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def _about(exc: OSError, target: Path) -> OSError:
    """The same error, naming the file the person chose, not our temporary one."""
    return type(exc)(exc.errno, exc.strerror, str(target))
