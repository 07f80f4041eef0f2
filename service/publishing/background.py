"""Build steps that read the new store in a thread while the store compacts.

pyoxigraph evaluates queries and iterates quads without holding the GIL for the store's own work, and
the compaction runs in Rust: a step that only reads the store can overlap it on the second core.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """One function run in its own thread; ``result()`` waits for it and re-raises its error."""

    def __init__(self, name: str, function: Callable[..., T], *args: Any) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._future = self._pool.submit(function, *args)

    def result(self) -> T:
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()

    def abandon(self) -> None:
        """After a failed build: wait for the thread, ignoring its outcome, so that it holds no store or file."""
        with contextlib.suppress(Exception):
            self.result()
