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
