"""The record's ``environment``: the same facts ``platform`` gives, without its cost."""

from __future__ import annotations

import platform
import sys

from concurrency_explorer.core import environment as env


def test_the_facts_are_platforms_own():
    """Written out because ``platform`` took 15 ms to import and 16 ms for its first
    ``platform()`` in every CLI run: the text must stay what it was."""
    facts = env.environment()
    assert facts["platform"] == platform.platform()
    assert facts["python"] == platform.python_version()
    assert facts["implementation"] == platform.python_implementation()
    assert facts["executable"] == sys.executable


def test_the_record_lists_the_same_keys():
    assert set(env.environment()) == {
        "python", "implementation", "platform", "cpu_count", "gil_enabled",
        "start_methods", "default_start_method", "executable", "frozen",
    }  # fmt: skip


def test_without_glibc_the_text_comes_from_platform(monkeypatch):
    """musl has no CS_GNU_LIBC_VERSION (ValueError), macOS no such name at all: the
    record then takes ``platform.platform()`` as before, never an exception."""

    def no_such_name(name):
        raise ValueError("unrecognized configuration name")

    monkeypatch.setattr(env.os, "confstr", no_such_name)
    assert env.platform_text() == platform.platform()
    monkeypatch.setattr(env.sys, "platform", "darwin")
    assert env.platform_text() == platform.platform()
