"""A query process: evaluates one query at a time over a read-only release, and can be killed at any moment.

Run as ``python -m service.query.worker [STORE]`` by the pool. Before anything else it leaves the
network (a fresh network namespace without interfaces), so that no query can make it fetch a URL,
whatever the checks in front of it miss. Without CAP_SYS_ADMIN it first enters a new user namespace,
which Linux allows unprivileged processes where user namespaces are enabled.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, Protocol

from .frames import read_frame, write_frame

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000


def leave_network() -> str | None:
    """How this process lost its network ('network namespace' or 'user and network namespace'), or None.

    Must run while the process has a single thread: the kernel refuses a new user namespace otherwise.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWNET) == 0:
            return "network namespace"
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
            return "user and network namespace"
    except (OSError, AttributeError):
        pass
    return None


def _exit_with_parent() -> None:
    """A query process outlives its server only until it notices (the parent may have been killed)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


class StoreSource(Protocol):
    """Where ``handle`` gets the open store of a release path."""

    def get(self, path: str) -> Any: ...


class Releases:
    """The one release store a process has open; reopened when the live release changes.

    Opened on first use and kept; thread-safe, so a caller may share it between threads.
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


def handle(releases: StoreSource, request: dict[str, Any]) -> dict[str, Any]:
    """Check the query's parse, then evaluate it; every outcome is a reply, so the process survives it."""
    from .. import sparql_store
    from .algebra import QueryRefused, inspect

    started = time.perf_counter()
    try:
        checked = inspect(request["query"], request["max_regex_chars"], sparql_store.regex_compiles)
        store = releases.get(request["store"])

        def run() -> Any:
            return sparql_store.evaluate(
                store,
                request["query"],
                default_graphs=request["default_graphs"],
                named_graphs=request["named_graphs"],
                union_default=not checked.dataset_clause,
                base_iri=request["base_iri"],
            )

        doc = sparql_store.document(run(), request["bindings_media"], request["graph_media"], request["row_limit"])
    except (QueryRefused, sparql_store.QueryInputError) as exc:
        return {"ok": False, "status": 400, "message": str(exc)}
    except sparql_store.NotAcceptable as exc:
        return {"ok": False, "status": 406, "kind": exc.kind, "message": ""}
    except OSError as exc:
        return {"ok": False, "status": 503, "message": f"the release store could not be read: {exc}"}
    except (RuntimeError, ValueError) as exc:
        if isinstance(exc, RuntimeError) and str(exc).startswith(("Corruption", "IO error")):
            return {"ok": False, "status": 503, "message": f"the release store could not be read: {exc}"}
        # raised by the engine while it produced the results (an unknown function, a type error): the query's fault
        return {"ok": False, "status": 400, "message": f"the query engine stopped with an error: {exc}"}
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
    write_frame(outbox, {"ready": True, "isolation": isolated, "pid": os.getpid()})
    while (request := read_frame(inbox)) is not None:
        write_frame(outbox, handle(releases, request))


if __name__ == "__main__":
    main(sys.argv[1:])
