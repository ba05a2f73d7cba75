"""A bounded map of recent answers, the cache every part of the search keeps."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class _Recent(OrderedDict[K, V], Generic[K, V]):
    """A bounded map of recent answers (least recently used dropped first). Keys carry what
    the answer depends on (the store's version), or the owner clears it when that changes."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get(self, key: K, default: None = None) -> V | None:  # type: ignore[override]
        value = super().get(key, default)
        if value is not default:
            self.move_to_end(key)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        if key in self:
            self.move_to_end(key)
        super().__setitem__(key, value)  # a new key goes to the end
        if len(self) > self.size:
            self.popitem(last=False)
