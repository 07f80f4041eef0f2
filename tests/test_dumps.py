"""Dumps over real HTTP: checksums match, only listed files are served, Range and conditional requests."""

from __future__ import annotations

import gzip
import hashlib
import http.client
from urllib.parse import urlsplit

import pytest
import requests

from service.config import Settings
from service.releases import live_release

pytestmark = pytest.mark.slow


def raw_status(base: str, path: str) -> int:
    """Send the path exactly as written (requests would normalise the dots away); follow one redirect
    (a doubled slash is redirected to its single-slash form)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        location = response.getheader("Location")
        response.read()
        if response.status in (301, 308) and location:
            return raw_status(base, urlsplit(location).path)
        return response.status
    finally:
        conn.close()


def test_every_listed_dump_matches_its_checksum_and_size(server, built: Settings) -> None:  # type: ignore[no-untyped-def]
    release = live_release(built)
    assert release is not None
    dumps = release.manifest["dumps"]
    names = {d["name"] for d in dumps}
    for slug in release.manifest["datasets"]:
        assert {f"{slug}.nt.gz", f"{slug}.nq.gz", f"{slug}.ttl.gz"} <= names
    assert {"openbaar.nt.gz", "openbaar.nq.gz"} <= names
    for dump in dumps:
        response = requests.get(f"{server.url}/dumps/{dump['name']}", timeout=60)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/gzip"
        assert len(response.content) == dump["bytes"]
        assert hashlib.sha256(response.content).hexdigest() == dump["sha256"]
        on_disk = (release.path / "dumps" / dump["name"]).read_bytes()
        assert hashlib.sha256(on_disk).hexdigest() == dump["sha256"]


def test_dump_contents_match_the_graphs(server, built: Settings) -> None:  # type: ignore[no-untyped-def]
    release = live_release(built)
    assert release is not None
    graph = built.graph_base + "bomen"
    triples = release.manifest["graphs"][graph]
    nt = gzip.decompress(requests.get(f"{server.url}/dumps/bomen.nt.gz", timeout=60).content).decode()
    nq = gzip.decompress(requests.get(f"{server.url}/dumps/bomen.nq.gz", timeout=60).content).decode()
    assert len(nt.splitlines()) == len(nq.splitlines()) == triples
    assert all(line.endswith(f"<{graph}> .") for line in nq.splitlines())
    full = gzip.decompress(requests.get(f"{server.url}/dumps/openbaar.nq.gz", timeout=60).content)
    without_catalogue = sum(n for g, n in release.manifest["graphs"].items() if not g.endswith("/catalog"))
    assert len(full.splitlines()) == without_catalogue
    ttl = gzip.decompress(requests.get(f"{server.url}/dumps/bomen.ttl.gz", timeout=60).content).decode()
    assert "@prefix" in ttl or ttl.startswith("<")


def test_tampered_paths_get_404(server, built: Settings) -> None:  # type: ignore[no-untyped-def]
    release = live_release(built)
    assert release is not None
    for path in (
        "/dumps/..%2Frelease.json",
        "/dumps/../release.json",
        f"/dumps/{release.id}/..%2F..%2Frelease.json",
        f"/dumps/{release.id}/release.json",
        "/dumps/bomen.nt",
        "/dumps/%2Fetc%2Fpasswd",
        "/dumps/no-such-release/bomen.nt.gz",
        f"/dumps/{release.id}/store",
    ):
        assert raw_status(server.url, path) == 404, path
    assert raw_status(server.url, f"/dumps/{release.id}/bomen.nt.gz") == 200


def test_range_and_conditional_requests(server, built: Settings) -> None:  # type: ignore[no-untyped-def]
    release = live_release(built)
    assert release is not None
    whole = (release.path / "dumps" / "bomen.nq.gz").read_bytes()
    url = f"{server.url}/dumps/bomen.nq.gz"
    part = requests.get(url, headers={"Range": "bytes=100-199"}, timeout=30)
    assert part.status_code == 206
    assert part.content == whole[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole)}"
    first = requests.get(url, timeout=30)
    etag = first.headers["ETag"]
    assert hashlib.sha256(whole).hexdigest() in etag
    again = requests.get(url, headers={"If-None-Match": etag}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    resumed = requests.get(url, headers={"Range": "bytes=100-", "If-Range": etag}, timeout=30)
    assert resumed.status_code == 206 and resumed.content == whole[100:]


def test_dump_list_page(server) -> None:  # type: ignore[no-untyped-def]
    page = requests.get(f"{server.url}/dumps", timeout=30)
    assert page.status_code == 200 and 'href="/dumps/openbaar.nq.gz"' in page.text
