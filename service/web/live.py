"""The live release as seen by one server process: reopened when the live pointer moves."""

from __future__ import annotations

import threading
from typing import Any

from .. import store as stores
from ..config import Settings
from ..errors import OpenbaarError
from ..releases import live_release, live_release_id


class NoRelease(OpenbaarError):
    """Nothing has been built yet, or the live release cannot be opened: the server answers 503."""


class StoreUnavailable(NoRelease):
    """The live pointer names a release whose store cannot be opened (damaged, or no file descriptors left)."""


class LiveStore:
    """One read-only store per process; a readlink per request notices a new release."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._release_id: str | None = None
        self._store: Any = None

    def current(self) -> tuple[str, Any]:
        release_id = live_release_id(self.settings)
        if release_id is None:
            raise NoRelease("no release is live yet: run 'openbaar build'")
        if release_id != self._release_id:
            with self._lock:
                if release_id != self._release_id:
                    release = live_release(self.settings)
                    if release is None:
                        raise NoRelease("the live release is missing on disk")
                    try:
                        self._store = stores.open_read_only(release.store_path)
                    except (OSError, RuntimeError) as exc:
                        raise StoreUnavailable(
                            f"the store of the live release {release.id} cannot be opened ({exc}); "
                            "'openbaar releases --verify' checks it, 'openbaar rollback' goes back"
                        ) from None
                    self._release_id = release.id
        return self._release_id, self._store  # type: ignore[return-value]
