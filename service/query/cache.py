"""Result documents of identical queries, kept per release within a byte budget (least recently used go first).

A release never changes, so a document stays right for as long as its release is live; a new
release empties the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class ResultCache(Generic[V]):
    """Thread-safe LRU keyed by anything hashable, bounded by the total size of the stored documents."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._release: str | None = None
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._bytes

    def _switch(self, release_id: str) -> None:
        if release_id != self._release:
            self._entries.clear()
            self._bytes = 0
            self._release = release_id

    def get(self, release_id: str, key: Hashable) -> V | None:
        with self._lock:
            self._switch(release_id)
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, release_id: str, key: Hashable, value: V, size: int) -> None:
        """Documents larger than a quarter of the budget are not kept: they would push out everything else."""
        if size > self.max_bytes // 4:
            return
        with self._lock:
            self._switch(release_id)
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
