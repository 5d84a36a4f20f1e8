"""Code that runs inside a worker: standard library only.

A ``spawn`` child imports these modules before it can run anything, so it must start
as fast as bare Python: no typing, no third-party packages, nothing from the rest of
the core. The import-linter contracts in pyproject.toml check that as one rule.
"""
