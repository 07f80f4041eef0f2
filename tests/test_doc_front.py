"""The WSGI front for /doc/….<rdf> answers exactly as the Flask route does: same bytes, same headers.

Two real servers on one release: the default one (front on) and one with ``OPENBAAR_DOC_FRONT=0``
(every request through Flask). Each request goes to both over HTTP and the answers are compared.
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from service import create_app
from service.config import Settings
from service.web.linked.front import DocumentFront
from tests.conftest import Served, serve, stop

pytestmark = pytest.mark.slow

TREE = "/doc/boom/100008"
#: Many trees link to it, so its document holds hydra page links.
BUSY_BUURT = "/doc/buurt/BU00140106"
#: A reference the mapper percent-encodes (65+).
ENCODED = "/doc/bevolking/BU00140304/2021/65%2B"
EXTENSIONS = ("ttl", "jsonld", "nt", "rdf", "trig", "nq")
#: Headers that may differ between two servers: the clock.
CLOCK = {"date"}


@pytest.fixture(scope="module")
def flask_only(built: Settings) -> Iterator[Served]:
    served = serve(built, env={"OPENBAAR_DOC_FRONT": "0"})
    yield served
    stop(served)


def fetch(server: Served, path: str, method: str = "GET", **headers: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers (name lower-cased, sorted, clock left out) and the raw body bytes (still gzipped)."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    # One Host for both servers, so that redirects name the same place.
    sent = {"Host": "openbaar.test", **{k.replace("_", "-"): v for k, v in headers.items()}}
    conn.request(method, path, headers=sent)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    kept = sorted((k.lower(), v) for k, v in response.getheaders() if k.lower() not in CLOCK)
    return response.status, kept, body


def same(server: Served, flask_only: Served, path: str, method: str = "GET", **headers: str) -> dict[str, str]:
    ours = fetch(server, path, method, **headers)
    reference = fetch(flask_only, path, method, **headers)
    assert ours[0] == reference[0], (path, headers)
    assert ours[1] == reference[1], (path, headers)
    assert ours[2] == reference[2], (path, headers)
    return dict(ours[1])


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_every_rdf_format_is_the_same_bytes_and_headers(server, flask_only, ext: str) -> None:  # type: ignore[no-untyped-def]
    for path in (TREE, BUSY_BUURT, ENCODED, "/doc/dataset/bomen"):
        headers = same(server, flask_only, f"{path}.{ext}")
        assert headers["access-control-allow-origin"] == "*" and headers["etag"]
        assert headers["content-location"].endswith(f".{ext}")


def test_gzip_head_cors_and_languages_match(server, flask_only) -> None:  # type: ignore[no-untyped-def]
    gzipped = same(server, flask_only, f"{TREE}.ttl", Accept_Encoding="gzip, deflate")
    assert gzipped["content-encoding"] == "gzip" and gzipped["etag"].endswith('-gz"')
    head = same(server, flask_only, f"{TREE}.ttl", "HEAD", Accept_Encoding="gzip")
    assert "content-encoding" not in head and int(head["content-length"]) > 1000
    same(server, flask_only, f"{BUSY_BUURT}.nt", "HEAD")
    same(server, flask_only, f"{TREE}.jsonld", Origin="https://example.org", Accept="text/html")
    same(server, flask_only, f"{TREE}.ttl", Cookie="lang=en", Accept_Language="en")
    same(server, flask_only, f"{TREE}.ttl", Accept_Encoding="gzip;q=0.5, br")


def test_revalidation_gets_the_same_304(server, flask_only) -> None:  # type: ignore[no-untyped-def]
    plain = same(server, flask_only, f"{TREE}.ttl")
    gzipped = same(server, flask_only, f"{TREE}.ttl", Accept_Encoding="gzip")
    for etag, encoding in ((plain["etag"], "identity"), (gzipped["etag"], "gzip"), ("*", "gzip")):
        status, headers, body = fetch(server, f"{TREE}.ttl", If_None_Match=etag, Accept_Encoding=encoding)
        assert status == 304 and body == b"" and "content-type" not in headers
        same(server, flask_only, f"{TREE}.ttl", If_None_Match=etag, Accept_Encoding=encoding)
    since = same(server, flask_only, f"{TREE}.nq", If_Modified_Since=plain["last-modified"])
    assert "last-modified" not in since and since["x-openbaar-release"]
    changed = same(server, flask_only, f"{TREE}.ttl", If_None_Match='"not-this-one"')
    assert changed["etag"] == plain["etag"]


def test_what_the_front_leaves_to_flask_is_unchanged(server, flask_only) -> None:  # type: ignore[no-untyped-def]
    for path in (
        f"{TREE}.ttl?format=nt",
        f"{BUSY_BUURT}.ttl?in=https%3A%2F%2Fdata.groningen.nl%2Fdef%2FligtInBuurt&page=2",
        "/doc/boom/does-not-exist.ttl",
        "/doc/a%3E%20%7D%3B%20DROP.ttl",
        "/doc//boom/100008.ttl",
    ):
        same(server, flask_only, path)
    status, _, _ = fetch(server, f"{TREE}.ttl", Range="bytes=0-10")
    assert status == fetch(flask_only, f"{TREE}.ttl", Range="bytes=0-10")[0]
    assert fetch(server, f"{TREE}.ttl", "POST")[0] == 405


def test_front_answers_the_hot_case_and_passes_on_the_rest(built: Settings) -> None:
    """The comparisons above would pass if the front never answered: check in-process that it does."""
    app = create_app(built)
    front = app.wsgi_app
    assert isinstance(front, DocumentFront)

    def environ(path: str, method: str = "GET", query: str = "", **extra: str) -> dict[str, object]:
        return {"REQUEST_METHOD": method, "PATH_INFO": path, "RAW_URI": path, "QUERY_STRING": query, **extra}

    assert front._answer(environ(f"{TREE}.ttl")) is not None
    assert front._answer(environ(f"{TREE}.nq", "HEAD")) is not None
    assert front._answer(environ("/doc/bevolking/BU00140304/2021/65+.ttl", RAW_URI=f"{ENCODED}.ttl")) is not None
    for passed_on in (
        environ(TREE),
        environ(f"{TREE}.html"),
        environ(f"{TREE}.ttl", query="format=nt"),
        environ(f"{TREE}.ttl", "POST"),
        environ(f"{TREE}.ttl", HTTP_RANGE="bytes=0-1"),
        environ("/doc/boom/does-not-exist.ttl"),
        environ("/id/boom/100008.ttl"),
    ):
        assert front._answer(passed_on) is None, passed_on


def test_front_answers_are_counted_in_metrics(server) -> None:  # type: ignore[no-untyped-def]
    def counted() -> float:
        text = fetch(server, "/metrics")[2].decode()
        found = re.search(r'openbaar_http_requests_total\{route="/doc/<path:rest>",status="200"\} (\S+)', text)
        return float(found.group(1)) if found else 0.0

    before = counted()
    for _ in range(3):
        fetch(server, f"{TREE}.ttl")
    assert counted() >= before + 3


def test_the_front_counts_what_it_answers_and_what_it_hands_to_flask(server: Served) -> None:
    """``openbaar_doc_front`` tells the two paths apart: a test of the front can see it answered."""
    from tests.support.metrics import metric

    before = {o: metric(server.url, "openbaar_doc_front", outcome=o) for o in ("answered", "handed_on", "failed")}
    for _ in range(3):
        assert fetch(server, f"{TREE}.ttl")[0] == 200  # the front's own case
    assert fetch(server, TREE, Accept="text/html")[0] == 200  # HTML: Flask's
    assert fetch(server, "/doc/boom/bestaat-niet.ttl")[0] == 404  # unknown: Flask's
    after = {o: metric(server.url, "openbaar_doc_front", outcome=o) for o in before}
    assert {o: after[o] - before[o] for o in before} == {"answered": 3, "handed_on": 2, "failed": 0}


def test_a_document_is_rendered_once_per_release_then_served_from_the_shared_cache(
    built: Settings, server: Served, flask_only: Served
) -> None:
    """Releases never change: the second request for a document (to any worker) is a cache hit with the same
    bytes and headers as Flask's rendering, and the cache lives outside the release (which stays sealed)."""
    import sqlite3

    from service.releases import live_release
    from tests.support.metrics import metric

    release = live_release(built)
    assert release is not None
    files = sorted((built.home / "cache" / "documents").glob(f"{release.id}.sqlite"))
    path = "/doc/boom/100013.ttl"
    before = {o: metric(server.url, "openbaar_doc_cache", outcome=o) for o in ("hit", "miss")}
    for _ in range(4):  # two workers: by the fourth request both have read it from the shared file
        assert same(server, flask_only, path)["etag"]
        assert same(server, flask_only, path, Accept_Encoding="gzip")["content-encoding"] == "gzip"
    after = {o: metric(server.url, "openbaar_doc_cache", outcome=o) for o in before}
    assert (after["miss"] - before["miss"], after["hit"] - before["hit"]) == (1, 7), (before, after)
    files = sorted((built.home / "cache" / "documents").glob(f"{release.id}.sqlite"))
    assert len(files) == 1 and not any(release.path.rglob("*.sqlite-wal"))
    db = sqlite3.connect(f"file:{files[0]}?mode=ro", uri=True)
    (body,) = db.execute("SELECT body FROM document WHERE key = ?", (f"{built.public_base} {path} {path}",)).fetchone()
    db.close()
    assert body == fetch(flask_only, path)[2]
