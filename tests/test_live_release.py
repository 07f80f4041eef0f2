"""One live release per server process: every route reads the same read-only store handle.

Each gunicorn worker opens the live store once (``service.live``), whatever routes it answers: pages,
documents, the catalogue, the register, and queries it evaluates in-process. Query processes are
separate processes with their own handle, so they are left out.
"""

from __future__ import annotations

import collections

import psutil
import pytest
import requests

from .conftest import Served

pytestmark = pytest.mark.slow

#: Routes that read the store in the server process (the SELECT is bounded: it runs in-process).
ROUTES = (
    "/readyz",
    "/",
    "/doc/boom/100008.ttl",
    "/doc/boom/100008",
    "/catalog?format=ttl",
    "/register?format=nt",
    "/sparql?format=ttl",
    "/sparql?query=SELECT+*+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D+LIMIT+3",
    "/search?q=plataan",
)


def store_handles(process: psutil.Process) -> collections.Counter[str]:
    """How often the process has each store file open: once per open store."""
    return collections.Counter(f.path for f in process.open_files() if "/store/" in f.path)


def test_each_server_process_opens_the_live_store_once(server: Served) -> None:
    for _ in range(6):  # enough to reach every worker
        for route in ROUTES:
            assert requests.get(server.url + route, timeout=60).status_code == 200, route
    workers = [
        p
        for p in psutil.Process(server.process.pid).children(recursive=True)
        if "service.query.worker" not in " ".join(p.cmdline())
    ]
    opened = [store_handles(p) for p in workers]
    assert any(opened), "no server process has the store open"
    for handles in opened:
        assert max(handles.values(), default=0) == (1 if handles else 0), handles.most_common(2)
