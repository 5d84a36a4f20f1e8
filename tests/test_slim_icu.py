"""freeze/slim_icu.py: the frozen app's English-only ICU data still works for Qt."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("slim_icu", ROOT / "freeze" / "slim_icu.py")
assert spec is not None and spec.loader is not None
slim_icu = importlib.util.module_from_spec(spec)
spec.loader.exec_module(slim_icu)

HEADER = (32).to_bytes(2, "little") + b"\xda\x27" + b"\0" * 8 + b"CmnD" + b"\0" * 16


def test_the_package_keeps_english_root_and_unicode_data_only():
    names = [
        "icudt73l/brkitr/cjdict.dict", "icudt73l/brkitr/root.res", "icudt73l/coll/de.res",
        "icudt73l/coll/root.res", "icudt73l/coll/ucadata.icu", "icudt73l/de.res",
        "icudt73l/en.res", "icudt73l/en_GB.res", "icudt73l/ibm-37_P100-1995.cnv",
        "icudt73l/pool.res", "icudt73l/uprops.icu", "icudt73l/zh_Hant_HK.res",
        "icudt73l/zoneinfo64.res",
    ]  # fmt: skip
    items = [(name, name.encode() * (i + 1)) for i, name in enumerate(names)]
    package = slim_icu.write_package(HEADER, items)
    header, read = slim_icu.read_items(package)
    assert header == HEADER
    # items come back padded to 16 bytes, as ICU stores them
    assert [(n, d[: len(items[i][1])]) for i, (n, d) in enumerate(read)] == items
    kept = [name for name, _ in slim_icu.read_items(slim_icu.slim_package(package))[1]]
    assert kept == [
        "icudt73l/brkitr/root.res", "icudt73l/coll/root.res", "icudt73l/coll/ucadata.icu",
        "icudt73l/en.res", "icudt73l/en_GB.res", "icudt73l/pool.res", "icudt73l/uprops.icu",
        "icudt73l/zoneinfo64.res",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="not an ICU"):
        slim_icu.read_items(b"\0" * 64)


QT_CHECK = """
from PySide6.QtCore import QCollator, QLocale, QTimeZone
c = QCollator(QLocale("de_DE"))
print(",".join(sorted(["Zebra", "Bär", "apfel", "Äpfel"], key=c.sortKey)))
print(QLocale("tr_TR").toUpper("istanbul"), QLocale("de_DE").toString(1234.5, "f", 1))
print(QTimeZone(b"Europe/Berlin").isValid())
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not all(map(shutil.which, ("objdump", "as", "ld"))),
    reason="Linux with binutils only",
)
def test_the_slim_library_replaces_the_wheels_for_qt(tmp_path):
    import PySide6

    libs = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not libs:
        pytest.skip("this PySide6 has no bundled ICU")
    slim = slim_icu.slim_library(libs[0], libs[0].name, tmp_path)
    assert slim is not None and slim.stat().st_size < libs[0].stat().st_size / 3
    env = dict(os.environ, LD_LIBRARY_PATH=str(tmp_path))  # wins over the wheel's RUNPATH
    result = subprocess.run(
        [sys.executable, "-c", QT_CHECK], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["apfel,Äpfel,Bär,Zebra", "İSTANBUL 1.234,5", "True"]
