"""A query process: evaluates one query at a time over a read-only release, and can be killed at any moment.

Run as ``python -m service.query.worker [STORE]`` by the pool. Before anything else it leaves the
network (a fresh network namespace without interfaces, where the OS allows it), so that no query can
make it fetch a URL, whatever the text checks in front of it miss.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .frames import read_frame, write_frame

_CLONE_NEWNET = 0x40000000


def leave_network() -> bool:
    """True when this process can no longer open any network connection."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.unshare(_CLONE_NEWNET) == 0)
    except (OSError, AttributeError):
        return False


def _exit_with_parent() -> None:
    """A query process outlives its server only until it notices (the parent may have been killed)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


class Releases:
    """The one release store a process has open; reopened when the live release changes.

    Thread-safe: a server process shares one among the threads that evaluate bounded queries in-process.
    """

    def __init__(self) -> None:
        self._open: tuple[str, Any] | None = None
        self._lock = threading.Lock()

    def get(self, path: str) -> Any:
        from .. import sparql_store

        current = self._open
        if current is not None and current[0] == path:
            return current[1]
        with self._lock:
            if self._open is None or self._open[0] != path:
                self._open = None  # let go of the old release before opening the new one
                self._open = (path, sparql_store.open_release(Path(path)))
            return self._open[1]


def handle(releases: Releases, request: dict[str, Any]) -> dict[str, Any]:
    from .. import sparql_store

    started = time.perf_counter()
    try:
        store = releases.get(request["store"])

        def run() -> Any:
            return sparql_store.evaluate(
                store,
                request["query"],
                default_graphs=request["default_graphs"],
                named_graphs=request["named_graphs"],
                union_default=request["union_default"],
            )

        media = (request["bindings_media"], request["graph_media"], request["row_limit"])
        if request.get("bounded"):
            doc = sparql_store.small_document(run, *media)
        else:
            doc = sparql_store.document(run(), *media)
    except sparql_store.QueryInputError as exc:
        return {"ok": False, "status": 400, "message": str(exc)}
    except sparql_store.NotAcceptable as exc:
        return {"ok": False, "status": 406, "kind": exc.kind, "message": ""}
    except (OSError, RuntimeError) as exc:
        return {"ok": False, "status": 503, "message": f"the release store could not be read: {exc}"}
    return {
        "ok": True,
        "media": doc.media,
        "body": doc.body,
        "truncated": doc.truncated,
        "seconds": time.perf_counter() - started,
    }


def main(argv: list[str]) -> None:
    isolated = leave_network()
    _exit_with_parent()
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must never corrupt the frame stream
    releases = Releases()
    if argv and argv[0]:
        with contextlib.suppress(OSError, RuntimeError):  # reported on the first query that needs it
            releases.get(argv[0])
    write_frame(outbox, {"ready": True, "isolated": isolated, "pid": os.getpid()})
    while (request := read_frame(inbox)) is not None:
        write_frame(outbox, handle(releases, request))


if __name__ == "__main__":
    main(sys.argv[1:])
