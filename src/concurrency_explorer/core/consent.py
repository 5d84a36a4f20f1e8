"""What a file may ask for but never get by itself: a program to run, a peer to contact.

An experiment file (or a run record loaded as one) is data. Two of its fields
name something outside it: ``python`` (a program the app would execute as the
workers' host) and ``scheduler`` (a Dask scheduler the app would connect to and
trust the answers of). A shared ``talk.json`` must not be able to run
``./payload.sh`` or reach ``tcp://elsewhere:8786`` because someone opened it.

So these fields are *asks*: the CLI takes one only when the same value is given
as its flag (``--python PATH``, ``--scheduler URL``), the window only after a
dialog that shows the exact value and defaults to No. Everything else in the
file loads as usual. The words for both live here, once.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
from dataclasses import dataclass

from .config import RunConfig

#: field -> (the flag that allows it, what the app would do with it)
FIELDS: dict[str, tuple[str, str]] = {
    "python": ("--python", "run this program as the workers' Python"),
    "scheduler": ("--scheduler", "connect to this Dask scheduler"),
}


@dataclass(frozen=True)
class Ask:
    """One field of a file that names a program or a peer, and its exact value."""

    field: str
    value: str

    @property
    def flag(self) -> str:
        return FIELDS[self.field][0]

    @property
    def action(self) -> str:
        return FIELDS[self.field][1]

    @property
    def shown(self) -> str:
        """The value as typed, with control characters escaped (it stays one line)."""
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.value)

    @property
    def off_machine(self) -> bool:
        """A scheduler whose host is not (known to be) this machine."""
        return self.field == "scheduler" and not is_on_this_machine(self.value)

    def refusal(self, source: str) -> str:
        """The CLI's one line: which field, what it asks, how to allow it."""
        where = " (not on this machine)" if self.off_machine else ""
        allow = f"{self.flag} {shlex.quote(self.shown)}"
        return (
            f'{source}: field "{self.field}" asks to {self.action}: {self.shown}{where}; '
            f"a file never does that by itself: to allow it, give the same value: {allow}"
        )

    def question(self, source: str) -> str:
        """The window's question (plain text, the value on a line of its own)."""
        lines = [f"The experiment {source} asks to {self.action}:", "", self.shown, ""]
        if self.off_machine:
            lines += [
                "This address is not on this machine: the run's tasks would go to it, "
                "and the app would trust whatever it answers.",
                "",
            ]
        if self.field == "python":
            lines += ["Opening a file never runs a program by itself.", ""]
        lines.append(
            f"Allow it? Say Yes only if you trust the file and this {self.field}. "
            "No keeps everything else the file holds."
        )
        return "\n".join(lines)


def asks(config: RunConfig) -> list[Ask]:
    """The fields of ``config`` (from a file) that need the person's consent."""
    found = []
    for field in FIELDS:
        value = getattr(config, field)
        if value is not None:
            found.append(Ask(field, value))
    return found


def withheld(config: RunConfig) -> RunConfig:
    """``config`` without the fields that need consent (the rest of the file)."""
    return config.replace(**dict.fromkeys(FIELDS))


def is_on_this_machine(address: str) -> bool:
    """True when a ``tcp://HOST:PORT`` address names this machine, decided without
    asking anyone (no DNS lookup: a name that is not this host's is 'not here')."""
    host = address.partition("://")[2].rpartition(":")[0].strip("[]").lower()
    if host in ("localhost", "localhost.localdomain", ""):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host in _own_names()
    return ip.is_loopback or ip.is_unspecified or str(ip) in _own_addresses()


def _own_names() -> set[str]:
    names = {socket.gethostname().lower()}
    names.add(names.copy().pop().split(".")[0])
    return names


def _own_addresses() -> set[str]:
    import psutil

    found = set()
    for entries in psutil.net_if_addrs().values():
        for entry in entries:
            if entry.family in (socket.AF_INET, socket.AF_INET6):
                found.add(entry.address.split("%")[0])
    return found
