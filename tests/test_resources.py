"""One function finds resources in the source tree, a wheel install and the frozen app."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from concurrency_explorer import resources
from concurrency_explorer.resources import resource_path, resources_root

REPO = Path(__file__).resolve().parents[1]
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


@pytest.fixture(autouse=True)
def fresh_root_cache():
    resources_root.cache_clear()
    yield
    resources_root.cache_clear()


def test_source_tree_lookup_finds_the_top_level_resources():
    assert resources_root() == REPO / "resources"
    assert resource_path("icons", "concurrency-explorer.svg").is_file()


@pytest.mark.parametrize("size", ICON_SIZES)
def test_every_icon_size_is_a_png_of_that_size(size):
    data = resource_path("icons", f"concurrency-explorer-{size}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (size, size)


def test_desktop_entry_names_the_icon_and_the_gui_command():
    text = resource_path("linux", "concurrency-explorer.desktop").read_text()
    lines = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    assert lines["Type"] == "Application"
    assert lines["Icon"] == "concurrency-explorer"
    assert lines["Exec"] == "concurrency-explorer-gui"
    assert lines["Terminal"] == "false"


def test_missing_resource_names_the_path():
    with pytest.raises(FileNotFoundError, match=r"no-such-file\.txt"):
        resource_path("no-such-file.txt")


def test_frozen_bundle_wins(monkeypatch, tmp_path):
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "icons" / "x.png").write_bytes(b"png")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.candidate_roots()[0] == tmp_path / "resources"
    assert resource_path("icons", "x.png") == tmp_path / "resources" / "icons" / "x.png"


def test_no_root_at_all_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(resources, "candidate_roots", lambda: [tmp_path / "nowhere"])
    with pytest.raises(FileNotFoundError, match="no resources directory found"):
        resources_root()


def test_a_built_package_carries_its_resources(tmp_path):
    """setup.py's build step copies resources/ into the package; the copy is found
    from a plain install layout, far from the source tree."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(REPO / name, project / name)
    shutil.copytree(REPO / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "resources", project / "resources")
    build_lib = tmp_path / "site"
    subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(build_lib)],
        cwd=project,
        check=True,
        capture_output=True,
    )
    shutil.rmtree(project)  # the install must not lean on a source tree
    copied = build_lib / "concurrency_explorer" / "_resources" / "icons"
    assert (copied / "concurrency-explorer-256.png").is_file()
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "from concurrency_explorer.resources import resource_path as r;"
            "print(r('icons', 'concurrency-explorer-256.png'))",
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(build_lib), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert Path(found) == copied / "concurrency-explorer-256.png"


def test_teaching_texts_load_as_paragraphs():
    names = sorted(p.stem for p in (REPO / "resources" / "text").glob("*.md"))
    assert len(names) >= 10
    for name in names:
        text = resources.teaching_text(name)
        assert text and "  " not in text and not text.startswith(" "), name
        assert all(p.strip() == p for p in text.split("\n\n")), name
    assert "<h3>" in resources.teaching_html("concepts")


def test_a_missing_teaching_text_names_its_path():
    with pytest.raises(FileNotFoundError, match="no-such-text"):
        resources.teaching_text("no-such-text")
