"""The window's extensions, found by their type: ``window.extensions.get(CompareView)``.

An extension (``extensions.INSTALLERS``) registers the object others may need
(``window.extensions.add(view)``); another extension or a test asks for it by
class and gets it typed. Nothing is attached to the window as an ad-hoc attribute,
and nobody looks an extension up by a string.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")


class ExtensionRegistry:
    """One object per class; ``get`` says which installer was missing when it fails."""

    def __init__(self) -> None:
        self._objects: dict[type, object] = {}

    def add(self, obj: T) -> T:
        """Register ``obj`` under its own class; two of one class would be ambiguous."""
        kind = type(obj)
        if kind in self._objects:
            raise ValueError(f"the window has a {kind.__name__} already")
        self._objects[kind] = obj
        return obj

    def find(self, kind: type[T]) -> T | None:
        """The registered ``kind`` (or a subclass of it), or None if none was installed."""
        obj = self._objects.get(kind)
        if obj is None:
            obj = next((o for o in self._objects.values() if isinstance(o, kind)), None)
        return obj if isinstance(obj, kind) else None

    def get(self, kind: type[T]) -> T:
        """The registered ``kind``; LookupError if its installer did not run."""
        obj = self.find(kind)
        if obj is None:
            raise LookupError(
                f"no {kind.__name__} in this window: is its install() in extensions.INSTALLERS?"
            )
        return obj

    def __contains__(self, kind: object) -> bool:
        return isinstance(kind, type) and self.find(kind) is not None

    def __iter__(self) -> Iterator[object]:
        return iter(list(self._objects.values()))

    def __len__(self) -> int:
        return len(self._objects)
