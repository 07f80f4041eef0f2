"""Content negotiation is the same on every route: one formats table, one negotiator, tested once for all.

Each route says what it offers (``service.formats``); over real HTTP every route then answers the same
way: no Accept or ``*/*`` gives its first offer, ``*/*;q=0`` gives 406, every ``?format=`` word and
media type of an offer gives that format, an unknown word gives 400, and every negotiated answer (errors
included) carries ``Vary: Accept``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import requests

from service import formats
from service.formats import Format
from tests.conftest import Served

pytestmark = pytest.mark.slow

ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT WHERE { ?s a ?o } LIMIT 3"
#: (path, query parameters, offers in the route's order: its default first).
ROUTES: list[tuple[str, dict[str, str], Sequence[Format]]] = [
    ("/doc/boom/100008", {}, formats.PAGE_AND_RDF),
    ("/def/Boom", {}, formats.PAGE_AND_RDF),
    ("/def/", {}, formats.PAGE_AND_RDF),
    ("/catalog", {}, formats.PAGE_AND_TRIPLES),
    ("/register", {}, formats.PAGE_AND_TRIPLES),
    ("/register/horecavergunningen", {}, formats.PAGE_AND_TRIPLES),
    ("/releases", {}, formats.PAGE_AND_TRIPLES),
    ("/queries", {}, (formats.HTML,)),
    ("/queries/boomsoorten", {}, (formats.HTML, formats.SPARQL_QUERY, *formats.RESULTS)),
    ("/dumps", {}, (formats.HTML,)),
    ("/.well-known/void", {}, formats.TRIPLES),  # and HTML, answered in Turtle: VoID has no page
    # A protocol endpoint: machine formats first, the editor only when a browser likes it better.
    ("/sparql", {}, (*formats.RDF, formats.HTML)),
    ("/sparql", {"query": ASK}, formats.RESULTS),
    ("/sparql", {"query": CONSTRUCT}, formats.RDF),
]
IDS = [f"{path}?{'&'.join(params)}" if params else path for path, params, _ in ROUTES]


def fetch(server: Served, path: str, params: dict[str, str], accept: str | None, **extra: str) -> requests.Response:
    return requests.get(server.url + path, params={**params, **extra}, headers={"Accept": accept}, timeout=60)


def media(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0]


def varies(response: requests.Response) -> bool:
    return "accept" in {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}


@pytest.mark.parametrize(("path", "params", "offers"), ROUTES, ids=IDS)
def test_default_without_accept_and_for_any(
    server: Served, path: str, params: dict[str, str], offers: Sequence[Format]
) -> None:
    for accept in (None, "*/*"):
        r = fetch(server, path, params, accept)
        assert (r.status_code, media(r)) == (200, offers[0].media_type), accept
        assert varies(r), (accept, r.headers.get("Vary"))


@pytest.mark.parametrize(("path", "params", "offers"), ROUTES, ids=IDS)
def test_nothing_acceptable_is_406(server: Served, path: str, params: dict[str, str], offers: Sequence[Format]) -> None:
    for accept in ("*/*;q=0", "application/x-unknown"):
        r = fetch(server, path, params, accept)
        assert r.status_code == 406, (accept, r.status_code)
        assert varies(r)
        assert offers[-1].media_type in r.text or offers[-1].word in r.text  # says what is offered


@pytest.mark.parametrize(("path", "params", "offers"), ROUTES, ids=IDS)
def test_wildcard_type_varies(server: Served, path: str, params: dict[str, str], offers: Sequence[Format]) -> None:
    expected = next((f for f in offers if f.media_type.startswith("text/")), None)
    r = fetch(server, path, params, "text/*")
    if expected is None:
        assert r.status_code == 406
    else:
        assert (r.status_code, media(r)) == (200, expected.media_type)
    assert varies(r)


@pytest.mark.parametrize(("path", "params", "offers"), ROUTES, ids=IDS)
def test_every_offer_by_word_media_type_and_accept(
    server: Served, path: str, params: dict[str, str], offers: Sequence[Format]
) -> None:
    for fmt in offers:
        for word in {fmt.word, fmt.extension, *fmt.words, fmt.media_type}:
            r = fetch(server, path, params, "application/x-unknown", format=word)
            assert (r.status_code, media(r)) == (200, fmt.media_type), word
        r = fetch(server, path, params, f"application/x-unknown;q=0.9, {fmt.media_type}")
        assert (r.status_code, media(r)) == (200, fmt.media_type), fmt.media_type
        assert varies(r)


@pytest.mark.parametrize(("path", "params", "offers"), ROUTES, ids=IDS)
def test_format_word_errors(server: Served, path: str, params: dict[str, str], offers: Sequence[Format]) -> None:
    r = fetch(server, path, params, None, format="excel")
    assert r.status_code == 400 and offers[0].word in r.text, r.text
    other = next(f for f in formats.FORMATS if f not in offers and f is not formats.HTML)
    r = fetch(server, path, params, None, format=other.word)
    assert r.status_code == 406 and offers[0].word in r.text, r.text
