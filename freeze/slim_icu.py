"""A smaller ICU data library for the frozen app (build time only; used by build.spec).

Qt Core links ICU, and ICU's data library (``libicudata.so.NN``, 31 MB in the
PySide6 wheel) holds data for every locale and legacy text encoding: a fifth of
the onedir. The app's text is English and its files are UTF-8 JSON, read by
Python. ``slim_library`` rebuilds the library with the same soname and symbol
from a filtered copy of its ICU data package: everything but legacy converters
(``*.cnv``: Shift_JIS, EBCDIC, ...), word-break dictionaries (``*.dict``: Thai,
CJK words) and the per-locale files of languages other than English. What stays:
Unicode properties, normalisation, casing (Turkish dotted I too), root collation,
time zones, the root and English locale data. Measured with Qt 6.11: numbers,
dates, casing and collation in de/tr/ja locales are unchanged; the differences are
time-zone *names* shown in English and ``QStringDecoder("Shift_JIS")`` invalid.

The ICU common-data package ("CmnD"): a header of ``headerSize`` bytes, then at
that offset ``count`` (u32) and ``count`` pairs (name offset, data offset), both
relative to that offset; names are sorted (ICU binary-searches them), items are
16-byte aligned and each runs to the next (the last to the package's end).
Needs binutils (objdump, as, ld), which PyInstaller needs on Linux anyway.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

LOCALE_FILE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")  # de.res, zh_Hant_HK.res
KEPT_LANGUAGES = ("en",)  # root.res is no locale file by this pattern: always kept


def keep_item(name: str) -> bool:
    """True for the ICU items the app may need (``name`` as in the package TOC)."""
    base = name.rsplit("/", 1)[-1]
    if base.endswith((".cnv", ".dict")):
        return False
    if LOCALE_FILE.match(base):
        return base.split(".")[0].split("_")[0] in KEPT_LANGUAGES
    return True


def read_items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The package's header and its (name, data) items, in TOC order."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    (count,) = struct.unpack_from("<I", package, header_size)
    toc = [struct.unpack_from("<II", package, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(toc):
        start = header_size + name_offset
        name = package[start : package.index(b"\0", start)].decode("ascii")
        end = toc[i + 1][1] if i + 1 < count else len(package) - header_size
        items.append((name, package[header_size + data_offset : header_size + end]))
    return package[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """A package with ``items`` (kept in the given, sorted, order) after ``header``."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _data in items)
    names_offset = 4 + 8 * len(items)
    data_offset = (names_offset + len(names) + 15) & ~15
    toc = bytearray(struct.pack("<I", len(items)))
    blobs = bytearray()
    name_offset = names_offset
    for name, data in items:
        toc += struct.pack("<II", name_offset, data_offset + len(blobs))
        name_offset += len(name) + 1
        blobs += data.ljust((len(data) + 15) & ~15, b"\0")
    padding = b"\0" * (data_offset - names_offset - len(names))
    return bytes(header) + bytes(toc) + names + padding + bytes(blobs)


def slim_package(package: bytes, keep: Callable[[str], bool] = keep_item) -> bytes:
    header, items = read_items(package)
    return write_package(header, [(name, data) for name, data in items if keep(name)])


def _data_symbol(library: Path) -> tuple[str, int, int]:
    """(symbol, file offset, size) of the ICU data in ``library`` (via objdump)."""
    symbols = subprocess.run(
        ["objdump", "-T", str(library)], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^([0-9a-f]+)\s.*\s(\S+)\s+([0-9a-f]+)\s+(icudt\d+_dat)$", symbols, re.M)
    if match is None:
        raise ValueError(f"no icudtNN_dat symbol in {library}")
    address, section, size, symbol = match.groups()
    headers = subprocess.run(
        ["objdump", "-h", str(library)], capture_output=True, text=True, check=True
    ).stdout
    for line in headers.splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[1] == section:
            vma, file_offset = int(parts[3], 16), int(parts[5], 16)
            return symbol, int(address, 16) - vma + file_offset, int(size, 16)
    raise ValueError(f"no section {section} in {library}")


def slim_library(library: Path, name: str, out_dir: Path) -> Path | None:
    """``out_dir/name`` (also its soname): ``library`` with the filtered data, or None
    if binutils is missing (then the build keeps the full library)."""
    if not all(shutil.which(tool) for tool in ("objdump", "as", "ld")):
        return None
    symbol, offset, size = _data_symbol(library)
    with open(library, "rb") as f:
        f.seek(offset)
        package = f.read(size)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = out_dir / f"{symbol}.dat"
    data.write_bytes(slim_package(package))
    source = out_dir / f"{symbol}.s"
    source.write_text(
        "    .section .rodata\n"
        f"    .globl {symbol}\n"
        f"    .type {symbol}, @object\n"
        "    .balign 16\n"
        f"{symbol}:\n"
        f'    .incbin "{data.name}"\n'
        f"    .size {symbol}, . - {symbol}\n"
        '    .section .note.GNU-stack,"",@progbits\n'
    )
    obj = out_dir / f"{symbol}.o"
    subprocess.run(["as", "-o", obj.name, source.name], cwd=out_dir, check=True)
    target = out_dir / name
    subprocess.run(["ld", "-shared", "-soname", name, "-o", str(target), str(obj)], check=True)
    return target
