"""Concurrency Explorer: see Python concurrency (threads, processes, the GIL, queues) live.

Kept import-free on purpose: spawned workers import this package, and every
module loaded here would be paid again by each child.
"""

__version__ = "0.1.0"
