"""Benchmarks: every speed claim of the app, measured against bare Python in the same run.

Run ``python -m benchmarks`` from the repository root (``--quick`` for a short pass,
``--only NAME`` for some figures). Each figure is a ratio or a latency next to its
goal; results are saved as JSON under ``benchmarks/results/``.

Kept import-free: spawned children of the probes import this package.
"""
