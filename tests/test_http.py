"""Shared HTTP behaviour over the real server: CORS on every answer, preflight, and gzip on request."""

from __future__ import annotations

import gzip

import pytest
import requests

pytestmark = pytest.mark.slow


def test_cors_on_success_and_error(server) -> None:  # type: ignore[no-untyped-def]
    ok = requests.get(f"{server.url}/healthz", timeout=10)
    missing = requests.get(f"{server.url}/assets/nothing-here", timeout=10)
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    assert missing.status_code == 404
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in ok.headers["Access-Control-Expose-Headers"]


def test_preflight_allows_post_with_content_type(server) -> None:  # type: ignore[no-untyped-def]
    response = requests.options(
        f"{server.url}/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    assert response.status_code == 200
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_gzip_only_when_asked(server) -> None:  # type: ignore[no-untyped-def]
    url = f"{server.url}/assets/openbaar.css"
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=10)
    raw = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True)
    body = raw.raw.read(decode_content=False)
    assert "Content-Encoding" not in plain.headers
    assert raw.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == plain.content
    assert "Accept-Encoding" in raw.headers["Vary"]
